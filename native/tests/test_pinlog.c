/* test_pinlog.c - unit tests of the per-thread pin logs (ig_pinlog.c): register and release, ids and what the ig_range_*
 * calls make of them, a pin released on another thread, double release, slot reuse and its history, the shared-table
 * fallback of a full log, what ig_check and ig_lookup make of every thread's pins (a live pin beats a dead index range),
 * thread exit, the validator's way of reading every log while threads pin and release, and call-scoped callbacks in the
 * log (ig_pin_register_callback); runs under CTest. */
#include "interopguard.h"
#include "ig_test.h"

#include <pthread.h>
#include <sched.h>
#include <stddef.h>

static char arena[1 << 20] __attribute__((aligned(4096)));

static const ig_pin_log_t *first_log(void) {
  return (const ig_pin_log_t *)(uintptr_t)__atomic_load_n(&ig_shadow_table->pin_logs, __ATOMIC_ACQUIRE);
}
static const ig_pin_log_t *next_log(const ig_pin_log_t *l) {
  return (const ig_pin_log_t *)(uintptr_t)__atomic_load_n(&l->next, __ATOMIC_ACQUIRE);
}

/* One slot read by the protocol of interopguard.h (state, id, fields, id and state again); 0 when EMPTY or torn. */
static int read_slot(const ig_range_t *s, ig_range_t *out) {
  uint32_t st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
  if (st == IG_STATE_EMPTY) return 0;
  uint64_t id = __atomic_load_n(&s->id, __ATOMIC_RELAXED);
  out->start = __atomic_load_n(&s->start, __ATOMIC_RELAXED);
  out->size = __atomic_load_n(&s->size, __ATOMIC_RELAXED);
  out->alloc_site = __atomic_load_n(&s->alloc_site, __ATOMIC_RELAXED);
  out->release_site = __atomic_load_n(&s->release_site, __ATOMIC_RELAXED);
  out->user_tag = __atomic_load_n(&s->user_tag, __ATOMIC_RELAXED);
  out->kind = __atomic_load_n(&s->kind, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  if (__atomic_load_n(&s->state, __ATOMIC_RELAXED) != st || __atomic_load_n(&s->id, __ATOMIC_RELAXED) != id) return 0;
  out->id = id;
  out->state = st;
  return 1;
}

static void test_register_release(void) {
  uint32_t site = ig_site_intern("Program.cs", 12, "Program.Main");
  uint32_t done = ig_site_intern("Program.cs", 20, "Program.Main");
  uint64_t id = 0;
  CHECK_EQ(ig_pin_register(arena, 256, 0x10000u, site, 0x1234, &id), IG_OK);
  CHECK(IG_PIN_LOG_IS_ID(id));
  const ig_pin_log_t *l = ig_pin_log();
  CHECK(l != NULL);
  CHECK_EQ(IG_PIN_LOG_ID_LOG(id), l->index);
  CHECK(ig_shadow_table->pin_logs != 0);
  CHECK_EQ(ig_shadow_table->pin_log_size, sizeof(ig_pin_log_t));
  CHECK_EQ(ig_shadow_table->pin_log_slots, IG_PIN_LOG_SLOTS);
  CHECK_EQ(ig_shadow_table->version, 4);
  ig_range_t r;
  CHECK_EQ(ig_range_get(id, &r), IG_OK);
  CHECK_EQ(r.id, id);
  CHECK_EQ(r.start, (uint64_t)(uintptr_t)arena);
  CHECK_EQ(r.size, 256);
  CHECK_EQ(r.kind, IG_RANGE_MANAGED_PIN);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  CHECK_EQ(r.flags, 0x10000u);
  CHECK_EQ(r.alloc_site, site);
  CHECK_EQ(r.user_tag, 0x1234);
  CHECK(r.alloc_seq != 0);
  CHECK_EQ(ig_range_set_flags(id, IG_RANGE_F_RETAINED, 0), IG_OK);
  CHECK_EQ(ig_range_get(id, &r), IG_OK);
  CHECK_EQ(r.flags, 0x10000u | IG_RANGE_F_RETAINED);
  /* the slot as a reader of the list sees it */
  CHECK(l->used >= 1);
  CHECK(l->lo <= (uint64_t)(uintptr_t)arena && l->hi >= (uint64_t)(uintptr_t)arena + 256);
  CHECK(read_slot(&l->slots[IG_PIN_LOG_ID_SLOT(id)], &r));
  CHECK_EQ(r.id, id);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  /* a pointer into it is allowed; an access leaving it is an overflow, as for a live range of the index */
  CHECK_EQ(ig_check(arena + 16, 16, NULL), IG_KIND_NONE);
  ig_violation_t v;
  CHECK_EQ(ig_check(arena + 250, 16, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  CHECK_EQ(v.range.id, id);
  CHECK_EQ(ig_lookup(arena + 16, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, id);

  ig_range_t out;
  CHECK_EQ(ig_range_release(id, done, &out), IG_OK);
  CHECK_EQ(out.state, IG_STATE_RELEASED);
  CHECK_EQ(out.release_site, done);
  CHECK(out.release_seq > out.alloc_seq);
  CHECK(out.release_time_ns >= out.alloc_time_ns);
  CHECK_EQ(out.user_tag, 0x1234);
  CHECK_EQ(ig_range_set_flags(id, IG_RANGE_F_RETAINED, 0), IG_ERR_STATE);
  /* use after unpin, named by the pin */
  CHECK_EQ(ig_check(arena + 16, 16, &v), IG_KIND_USE_AFTER_UNPIN);
  CHECK_EQ(v.has_range, 1);
  CHECK_EQ(v.range.id, id);
  CHECK_EQ(v.range.release_site, done);
  CHECK_EQ(v.detail, 16);
  CHECK_EQ(ig_lookup(arena + 16, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.state, IG_STATE_RELEASED);
  /* a second release names the first */
  CHECK_EQ(ig_range_release(id, site, &out), IG_ERR_STATE);
  CHECK_EQ(out.release_site, done);
  CHECK_EQ(ig_pin_set_tag(id, 0x5678), IG_OK);
  CHECK_EQ(ig_range_get(id, &r), IG_OK);
  CHECK_EQ(r.user_tag, 0x5678);
  /* a new pin of the same bytes: live again */
  uint64_t again = 0;
  CHECK_EQ(ig_pin_register(arena, 256, 0, site, IG_PIN_TAG_KEEP, &again), IG_OK);
  CHECK(again != id);
  CHECK_EQ(ig_check(arena + 16, 16, NULL), IG_KIND_NONE);
  CHECK_EQ(ig_range_release(again, done, NULL), IG_OK);
}

static void test_bad_ids_and_args(void) {
  uint64_t id = 1;
  CHECK_EQ(ig_pin_register(NULL, 8, 0, 0, 0, &id), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_pin_register(arena, 8, 0, 0, 0, NULL), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_pin_register((void *)(uintptr_t)(1ull << 47), 8, 0, 0, 0, &id), IG_ERR_BAD_ARG);
  ig_range_t r;
  /* ids no log issued: a log index never numbered, a slot past the log */
  CHECK_EQ(ig_range_release(IG_PIN_LOG_ID_TAG | 1ull << 32 | 0xFFFFFull << 12, 0, NULL), IG_ERR_NOT_FOUND);
  CHECK_EQ(ig_range_get(IG_PIN_LOG_ID_TAG | 1ull << 32 | 0xFFFull, &r), IG_ERR_NOT_FOUND);
  CHECK_EQ(ig_range_set_flags(IG_PIN_LOG_ID_TAG | 0xFFFull, 1, 0), IG_ERR_NOT_FOUND);
  /* size 0 is tracked as one byte */
  CHECK_EQ(ig_pin_register(arena + 8192, 0, 0, 0, 0, &id), IG_OK);
  CHECK_EQ(ig_range_get(id, &r), IG_OK);
  CHECK_EQ(r.size, 1);
  CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
}

/* Slots are taken in turn: a released pin stays readable (and is reported) until IG_PIN_LOG_SLOTS more were
 * registered on its thread, then its id is forgotten. */
static void test_history_and_reuse(void) {
  char *base = arena + 65536;
  uint64_t first = 0, id = 0;
  CHECK_EQ(ig_pin_register(base, 64, 0, 0, 0, &first), IG_OK);
  CHECK_EQ(ig_range_release(first, 0, NULL), IG_OK);
  for (uint32_t i = 0; i < IG_PIN_LOG_SLOTS - 1; i++) {
    CHECK_EQ(ig_pin_register(base + 64 + 64 * (i % 8), 64, 0, 0, 0, &id), IG_OK);
    CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
  }
  ig_violation_t v;
  CHECK_EQ(ig_check(base + 8, 8, &v), IG_KIND_USE_AFTER_UNPIN); /* still remembered */
  CHECK_EQ(v.range.id, first);
  CHECK_EQ(ig_pin_register(base + 1024, 64, 0, 0, 0, &id), IG_OK); /* takes the first pin's slot */
  CHECK_EQ(IG_PIN_LOG_ID_SLOT(id), IG_PIN_LOG_ID_SLOT(first));
  ig_range_t r;
  CHECK_EQ(ig_range_get(first, &r), IG_ERR_NOT_FOUND);
  CHECK_EQ(ig_range_release(first, 0, NULL), IG_ERR_NOT_FOUND);
  CHECK_EQ(ig_check(base + 8, 8, NULL), IG_KIND_NONE); /* forgotten */
  CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
}

/* The log's filter (ig_pinlog.c) only lets a check skip a log none of whose slots touches the address's line or page:
 * released pins are still found after the filter was rebuilt (every IG_PIN_LOG_SLOTS registrations), whichever side
 * of a rebuild they were made on, pins kept by page (3 pages) and wider than the page limit (20 pages) too, and an
 * address beside them in the same pages is not blamed on them. */
static void test_filter_keeps_every_slot_findable(void) {
  char *base = arena + 4096;
  uint64_t id = 0, before_rebuild = 0, after_rebuild = 0;
  uint64_t cursor = ig_pin_log() ? __atomic_load_n(&ig_pin_log()->cursor, __ATOMIC_RELAXED) : 0;
  uint32_t to_rebuild = IG_PIN_LOG_SLOTS - (uint32_t)(cursor & (IG_PIN_LOG_SLOTS - 1)); /* the last one rebuilds */
  for (uint32_t i = 0; i < to_rebuild + 2 * IG_PIN_LOG_SLOTS + 8; i++) {
    CHECK_EQ(ig_pin_register(base + 4096 * (i % 120) * 2, 64, 0, 0, 0, &id), IG_OK); /* even pages only */
    CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
    if (i == to_rebuild + 2 * IG_PIN_LOG_SLOTS - 2) before_rebuild = id;
    if (i == to_rebuild + 2 * IG_PIN_LOG_SLOTS) after_rebuild = id;
  }
  ig_range_t r;
  ig_violation_t v;
  CHECK_EQ(ig_range_get(before_rebuild, &r), IG_OK);
  CHECK_EQ(ig_check((char *)(uintptr_t)r.start + 8, 8, &v), IG_KIND_USE_AFTER_UNPIN);
  CHECK_EQ(ig_range_get(after_rebuild, &r), IG_OK);
  CHECK_EQ(ig_check((char *)(uintptr_t)r.start + 8, 8, &v), IG_KIND_USE_AFTER_UNPIN);
  CHECK_EQ(ig_check((char *)(uintptr_t)r.start + 1024, 8, NULL), IG_KIND_NONE); /* the same page, no pin there */
  CHECK_EQ(ig_check(base + 4096 * 7 + 8, 8, NULL), IG_KIND_NONE);               /* an odd page inside the log's bounds */
  /* 3 pages: more lines than the line filter takes, so its pages (before any wide pin sets every page bit) */
  CHECK_EQ(ig_pin_register(arena + 786432, 3 * 4096, 0, 0, 0, &id), IG_OK);
  CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
  CHECK_EQ(ig_check(arena + 786432 + 2 * 4096 + 100, 8, &v), IG_KIND_USE_AFTER_UNPIN);
  CHECK_EQ(v.range.id, id);
  /* 20 pages: wider than the filter's page limit */
  CHECK_EQ(ig_pin_register(arena + 524288, 20 * 4096, 0, 0, 0, &id), IG_OK);
  CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
  for (int page = 0; page < 20; page++) { /* every page: a word of page bits set before must take the rest too */
    CHECK_EQ(ig_check(arena + 524288 + page * 4096 + 16, 8, &v), IG_KIND_USE_AFTER_UNPIN);
    CHECK_EQ(v.range.id, id);
  }
}

/* Every slot held by a live pin: the next pin goes to the shared table, and works the same through the ig_range_*
 * calls; slots freed by releases are taken again. */
static void test_full_log_uses_the_table(void) {
  static uint64_t ids[IG_PIN_LOG_SLOTS];
  char *base = arena + 131072;
  for (uint32_t i = 0; i < IG_PIN_LOG_SLOTS; i++) CHECK_EQ(ig_pin_register(base + 16 * i, 16, 0, 0, 0, &ids[i]), IG_OK);
  uint64_t over_before = ig_pin_log()->overflowed;
  uint64_t table_id = 0;
  CHECK_EQ(ig_pin_register(base + 16 * IG_PIN_LOG_SLOTS, 16, 0, 0, 0x99, &table_id), IG_OK);
  CHECK(!IG_PIN_LOG_IS_ID(table_id));
  CHECK_EQ(ig_pin_log()->overflowed, over_before + 1);
  ig_range_t r;
  CHECK_EQ(ig_range_get(table_id, &r), IG_OK);
  CHECK_EQ(r.kind, IG_RANGE_MANAGED_PIN);
  CHECK_EQ(r.user_tag, 0x99);
  CHECK_EQ(ig_pin_set_tag(table_id, 0x77), IG_OK);
  CHECK_EQ(ig_range_get(table_id, &r), IG_OK);
  CHECK_EQ(r.user_tag, 0x77);
  CHECK_EQ(ig_check(base + 16 * IG_PIN_LOG_SLOTS, 16, NULL), IG_KIND_NONE);
  CHECK_EQ(ig_range_release(table_id, 0, NULL), IG_OK);
  CHECK_EQ(ig_check(base + 16 * IG_PIN_LOG_SLOTS, 16, NULL), IG_KIND_USE_AFTER_UNPIN);
  for (uint32_t i = 0; i < IG_PIN_LOG_SLOTS; i++) CHECK_EQ(ig_range_release(ids[i], 0, NULL), IG_OK);
  uint64_t id = 0;
  CHECK_EQ(ig_pin_register(base, 16, 0, 0, 0, &id), IG_OK);
  CHECK(IG_PIN_LOG_IS_ID(id));
  CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
}

/* A live pin beats a dead range of the index: a released table pin under a live pin of a log is no violation; the newer
 * of a released table pin and a released log pin is the one blamed. */
static void test_live_pin_beats_a_dead_range(void) {
  char *base = arena + 262144;
  uint64_t table_id = 0, pin = 0;
  CHECK_EQ(ig_range_register(IG_RANGE_MANAGED_PIN, base, 128, 0, 0, 0, &table_id), IG_OK);
  CHECK_EQ(ig_range_release(table_id, 0, NULL), IG_OK);
  ig_violation_t v;
  CHECK_EQ(ig_check(base, 8, &v), IG_KIND_USE_AFTER_UNPIN);
  CHECK_EQ(v.range.id, table_id);
  CHECK_EQ(ig_pin_register(base, 128, 0, 0, 0, &pin), IG_OK);
  CHECK_EQ(ig_check(base, 8, NULL), IG_KIND_NONE);
  ig_range_t r;
  CHECK_EQ(ig_lookup(base, 8, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, pin);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  CHECK_EQ(ig_range_release(pin, 0, NULL), IG_OK);
  CHECK_EQ(ig_check(base, 8, &v), IG_KIND_USE_AFTER_UNPIN);
  CHECK_EQ(v.range.id, pin); /* the newer of the two */
  CHECK_EQ(ig_lookup(base, 8, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, pin);
  /* a live table range beats a released log pin */
  uint64_t live = 0;
  CHECK_EQ(ig_range_register(IG_RANGE_MANAGED_PIN, base, 128, 0, 0, 0, &live), IG_OK);
  CHECK_EQ(ig_check(base, 8, NULL), IG_KIND_NONE);
  CHECK_EQ(ig_range_release(live, 0, NULL), IG_OK);
}

typedef struct {
  uint64_t id;
  int status;
  ig_range_t out;
  uint32_t tid;
} release_job_t;

static void *release_elsewhere(void *arg) {
  release_job_t *j = arg;
  j->status = ig_range_release(j->id, 77, &j->out);
  ig_range_t r;
  j->tid = ig_range_get(j->id, &r) == IG_OK ? r.release_tid : 0;
  return NULL;
}

static void *check_elsewhere(void *arg) {
  release_job_t *j = arg;
  ig_violation_t v;
  j->status = ig_check((const void *)(uintptr_t)j->id, 8, &v);
  return NULL;
}

/* A pin registered on one thread and released on another; a pin of one thread seen by another thread's check. */
static void test_release_on_another_thread(void) {
  char *base = arena + 327680;
  uint64_t id = 0;
  CHECK_EQ(ig_pin_register(base, 64, 0, 5, 0, &id), IG_OK);
  /* another thread's check sees this thread's live pin */
  ig_violation_t v;
  release_job_t c = {(uint64_t)(uintptr_t)(base + 8), -1, {0}, 0};
  pthread_t th;
  pthread_create(&th, NULL, check_elsewhere, &c);
  pthread_join(th, NULL);
  CHECK_EQ(c.status, IG_KIND_NONE);
  release_job_t j = {id, -1, {0}, 0};
  pthread_create(&th, NULL, release_elsewhere, &j);
  pthread_join(th, NULL);
  CHECK_EQ(j.status, IG_OK);
  CHECK_EQ(j.out.state, IG_STATE_RELEASED);
  CHECK_EQ(j.out.release_site, 77);
  ig_range_t r;
  CHECK_EQ(ig_range_get(id, &r), IG_OK);
  CHECK_EQ(r.state, IG_STATE_RELEASED);
  CHECK(r.release_tid != r.alloc_tid);
  CHECK_EQ(ig_check(base + 8, 8, &v), IG_KIND_USE_AFTER_UNPIN);
  CHECK_EQ(v.range.id, id);
  CHECK_EQ(ig_range_release(id, 0, NULL), IG_ERR_STATE);
}

/* At thread exit the log is free and its live pins stay live (another thread may release them); the next thread that
 * takes the log continues it. */
static void *pin_and_exit(void *arg) {
  uint64_t *ids = arg;
  ig_pin_register(arena + 393216, 64, 0, 0, 0, &ids[0]); /* left live */
  ig_pin_register(arena + 393216 + 64, 64, 0, 0, 0, &ids[1]);
  ig_range_release(ids[1], 0, NULL);
  ids[2] = ig_pin_log()->index;
  return NULL;
}

static void *pin_once(void *arg) {
  uint64_t *ids = arg;
  ig_pin_register(arena + 393216 + 128, 64, 0, 0, 0, &ids[3]);
  ids[4] = ig_pin_log()->index;
  ig_range_release(ids[3], 0, NULL);
  return NULL;
}

static void test_thread_exit_frees_the_log(void) {
  uint64_t ids[5] = {0};
  pthread_t th;
  pthread_create(&th, NULL, pin_and_exit, ids);
  pthread_join(th, NULL);
  ig_range_t r;
  CHECK_EQ(ig_range_get(ids[0], &r), IG_OK);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  CHECK_EQ(ig_check(arena + 393216 + 8, 8, NULL), IG_KIND_NONE);
  CHECK_EQ(ig_check(arena + 393216 + 72, 8, NULL), IG_KIND_USE_AFTER_UNPIN);
  int free_logs = 0;
  for (const ig_pin_log_t *l = first_log(); l != NULL; l = next_log(l)) free_logs += l->tid == 0;
  CHECK(free_logs >= 1);
  pthread_create(&th, NULL, pin_once, ids);
  pthread_join(th, NULL);
  CHECK(ids[4] < IG_PIN_LOG_MAX); /* a log (the freed one or another free one) was taken */
  CHECK_EQ(ig_range_get(ids[0], &r), IG_OK); /* the live pin survived the new owner's pins */
  CHECK_EQ(r.state, IG_STATE_LIVE);
  CHECK_EQ(ig_range_release(ids[0], 0, NULL), IG_OK);
}

#define THREADS 8
#define ROUNDS 20000

typedef struct {
  int index;
  int bad;
  uint64_t *handoff; /* pins this thread registered for the next thread to release */
  int stop;
} worker_t;

static int stop_pinning;
static int pinning; /* workers that registered their first pins */
static uint64_t handoff[THREADS];

/* Each thread pins three parts of its own stripe, checks them, releases two itself and hands the third to the next
 * thread, releasing the one its neighbour handed it: every pin is released once, half of them on another thread. */
static void *worker(void *arg) {
  worker_t *w = arg;
  char *base = arena + 4096 * w->index;
  for (int i = 0; i < ROUNDS || !__atomic_load_n(&stop_pinning, __ATOMIC_RELAXED); i++) {
    uint64_t a = 0, b = 0, c = 0;
    if (ig_pin_register(base, 256, 0, (uint32_t)w->index, 0, &a) != IG_OK) w->bad++;
    if (ig_pin_register(base + 256, 256, 0, (uint32_t)w->index, 0, &b) != IG_OK) w->bad++;
    if (ig_pin_register(base + 512, 256, 0, (uint32_t)w->index, 0, &c) != IG_OK) w->bad++;
    if (i == 0) __atomic_add_fetch(&pinning, 1, __ATOMIC_RELEASE);
    if (ig_check(base + 300, 8, NULL) != IG_KIND_NONE) w->bad++;
    ig_range_t r;
    if (ig_lookup(base + 300, 1, &r) != IG_LOOKUP_INSIDE || r.state != IG_STATE_LIVE) w->bad++;
    if (ig_range_release(b, 0, NULL) != IG_OK) w->bad++;
    if (ig_range_release(a, 0, NULL) != IG_OK) w->bad++;
    uint64_t mine = __atomic_exchange_n(&handoff[(w->index) % THREADS], c, __ATOMIC_ACQ_REL);
    if (mine != 0 && ig_range_release(mine, 0, NULL) != IG_OK) w->bad++;
    if (i >= 4 * ROUNDS) break;
  }
  return NULL;
}

static void run_workers(int stop_first, void (*reader)(void)) {
  pthread_t th[THREADS];
  worker_t w[THREADS];
  memset(handoff, 0, sizeof handoff);
  __atomic_store_n(&pinning, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&stop_pinning, stop_first, __ATOMIC_RELAXED);
  for (int i = 0; i < THREADS; i++) {
    w[i] = (worker_t){i + 1, 0, handoff, 0};
    pthread_create(&th[i], NULL, worker, &w[i]);
  }
  if (reader) reader();
  __atomic_store_n(&stop_pinning, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < THREADS; i++) CHECK_EQ(w[i].bad, 0);
  for (int i = 0; i < THREADS; i++)
    if (handoff[i] != 0) CHECK_EQ(ig_range_release(handoff[i], 0, NULL), IG_OK);
}

static void test_eight_threads(void) { run_workers(1, NULL); }

/* The validator's read while 8 threads pin and release: every slot it accepts as whole is one a thread wrote (its
 * stripe, size, site and kind agree), and reads keep finding live and released pins. */
static uint64_t live_seen, released_seen, wrong, reads;
static void read_while_pinning(void) {
  while (__atomic_load_n(&pinning, __ATOMIC_ACQUIRE) < THREADS) sched_yield(); /* every thread has its log */
  for (int pass = 0; pass < 2000 || ((live_seen == 0 || released_seen == 0) && pass < 200000); pass++) {
    for (const ig_pin_log_t *l = first_log(); l != NULL; l = next_log(l)) {
      uint32_t used = __atomic_load_n(&l->used, __ATOMIC_ACQUIRE);
      reads++;
      for (uint32_t i = 0; i < used && i < IG_PIN_LOG_SLOTS; i++) {
        ig_range_t r;
        if (!read_slot(&l->slots[i], &r)) continue;
        uint64_t off = r.start - (uint64_t)(uintptr_t)arena;
        uint32_t owner = (uint32_t)(off / 4096);
        if (off >= 4096 * (THREADS + 1) || owner < 1) continue; /* a pin of an earlier case */
        if (r.alloc_site != owner || r.size != 256 || off % 4096 % 256 != 0 || off % 4096 > 512 ||
            r.kind != IG_RANGE_MANAGED_PIN || !IG_PIN_LOG_IS_ID(r.id))
          wrong++;
        if (r.state == IG_STATE_RELEASED) released_seen++;
        else live_seen++;
      }
    }
  }
}

static void test_reader_while_threads_pin(void) {
  live_seen = released_seen = wrong = reads = 0;
  run_workers(0, read_while_pinning);
  CHECK_EQ(wrong, 0);
  CHECK(reads > 0);
  CHECK(live_seen > 0);
  CHECK(released_seen > 0);
  printf("reads %llu, live pins seen %llu, released pins seen %llu\n", (unsigned long long)reads,
         (unsigned long long)live_seen, (unsigned long long)released_seen);
}

/* Two threads release the same pin at once: exactly one wins. */
static uint64_t race_id;
static int race_ok;
static void *race_release(void *arg) {
  (void)arg;
  if (ig_range_release(__atomic_load_n(&race_id, __ATOMIC_ACQUIRE), 0, NULL) == IG_OK)
    __atomic_add_fetch(&race_ok, 1, __ATOMIC_RELAXED);
  return NULL;
}

static void test_double_release_race(void) {
  for (int round = 0; round < 200; round++) {
    uint64_t id = 0;
    CHECK_EQ(ig_pin_register(arena + 458752, 64, 0, 0, 0, &id), IG_OK);
    __atomic_store_n(&race_id, id, __ATOMIC_RELEASE);
    __atomic_store_n(&race_ok, 0, __ATOMIC_RELAXED);
    pthread_t a, b;
    pthread_create(&a, NULL, race_release, NULL);
    pthread_create(&b, NULL, race_release, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    CHECK_EQ(race_ok, 1);
  }
}

/* A call-scoped callback in the log: a CALLBACK range of one byte at the entry, flagged CALL_SCOPED, its user_tag as
 * given; released, a check of the entry names it (collected-delegate-callback, its fate is the runtime's to tell), a
 * later pin in its slot takes the tag it is given; the pins around it keep their kinds. */
static void test_callback_register(void) {
  char *entry = arena + 520000;
  uint32_t site = ig_site_intern("Program.cs", 30, "Program.Sort");
  uint64_t id = 0;
  CHECK_EQ(ig_pin_register_callback(NULL, 0, site, 0x40, &id), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_pin_register_callback(entry, 0, site, 0x40, NULL), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_pin_register_callback(entry, 0, site, IG_PIN_TAG_KEEP, &id), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_pin_register_callback((void *)(uintptr_t)(1ull << 47), 0, site, 0x40, &id), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_pin_register_callback(entry, IG_RANGE_F_RETAINED | 0x10000u, site, 0xCE11, &id), IG_OK);
  CHECK(IG_PIN_LOG_IS_ID(id));
  ig_range_t r;
  CHECK_EQ(ig_range_get(id, &r), IG_OK);
  CHECK_EQ(r.kind, IG_RANGE_CALLBACK);
  CHECK_EQ(r.flags, IG_RANGE_F_CALL_SCOPED | 0x10000u);
  CHECK_EQ(r.start, (uint64_t)(uintptr_t)entry);
  CHECK_EQ(r.size, 1);
  CHECK_EQ(r.user_tag, 0xCE11);
  CHECK_EQ(r.alloc_site, site);
  CHECK(read_slot(&ig_pin_log()->slots[IG_PIN_LOG_ID_SLOT(id)], &r));
  CHECK_EQ(r.kind, IG_RANGE_CALLBACK);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  CHECK_EQ(ig_check(entry, 1, NULL), IG_KIND_NONE);
  CHECK_EQ(ig_range_release(id, site, NULL), IG_OK);
  ig_violation_t v;
  CHECK_EQ(ig_check(entry, 1, &v), IG_KIND_COLLECTED_DELEGATE_CALLBACK);
  CHECK_EQ(v.range.id, id);
  CHECK_EQ(v.range.kind, IG_RANGE_CALLBACK);
  CHECK_EQ(v.range.flags, IG_RANGE_F_CALL_SCOPED | 0x10000u);
  CHECK_EQ(v.range.user_tag, 0xCE11);
  CHECK_EQ(ig_lookup(entry, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, id);
  CHECK_EQ(r.state, IG_STATE_RELEASED);
  CHECK_EQ(ig_range_release(id, site, NULL), IG_ERR_STATE);
  /* a new call with the same entry: live again */
  uint64_t again = 0;
  CHECK_EQ(ig_pin_register_callback(entry, 0, site, 0xCE11, &again), IG_OK);
  CHECK_EQ(ig_check(entry, 1, NULL), IG_KIND_NONE);
  CHECK_EQ(ig_range_release(again, site, NULL), IG_OK);
  /* the callback's slot, reached again after IG_PIN_LOG_SLOTS registrations, holds a pin with the tag that pin gives */
  uint64_t pin = 0;
  for (uint32_t i = 0; i < IG_PIN_LOG_SLOTS - 1; i++) {
    CHECK_EQ(ig_pin_register(arena + 530000, 64, 0, 0, 0x77, &pin), IG_OK);
    CHECK_EQ(ig_range_release(pin, 0, NULL), IG_OK);
  }
  CHECK_EQ(ig_pin_register(arena + 530000, 64, 0, 0, 0x88, &pin), IG_OK);
  CHECK_EQ(IG_PIN_LOG_ID_SLOT(pin), IG_PIN_LOG_ID_SLOT(again));
  CHECK_EQ(ig_range_get(pin, &r), IG_OK);
  CHECK_EQ(r.kind, IG_RANGE_MANAGED_PIN);
  CHECK_EQ(r.flags, 0u);
  CHECK_EQ(r.user_tag, 0x88);
  CHECK_EQ(ig_check(entry, 1, NULL), IG_KIND_NONE); /* both callback records forgotten */
  CHECK_EQ(ig_range_release(pin, 0, NULL), IG_OK);
}

/* Every slot held by a live pin: a callback goes to the shared table as a CALLBACK range with its flags and tag. */
static void test_callback_in_a_full_log_uses_the_table(void) {
  static uint64_t ids[IG_PIN_LOG_SLOTS];
  char *base = arena + 600000;
  for (uint32_t i = 0; i < IG_PIN_LOG_SLOTS; i++) CHECK_EQ(ig_pin_register(base + 16 * i, 16, 0, 0, 0, &ids[i]), IG_OK);
  uint64_t id = 0;
  CHECK_EQ(ig_pin_register_callback(base + 16 * IG_PIN_LOG_SLOTS, 0, 5, 0xCE11, &id), IG_OK);
  CHECK(!IG_PIN_LOG_IS_ID(id));
  ig_range_t r;
  CHECK_EQ(ig_range_get(id, &r), IG_OK);
  CHECK_EQ(r.kind, IG_RANGE_CALLBACK);
  CHECK_EQ(r.flags, IG_RANGE_F_CALL_SCOPED);
  CHECK_EQ(r.user_tag, 0xCE11);
  CHECK_EQ(ig_range_release(id, 5, NULL), IG_OK);
  CHECK_EQ(ig_check(base + 16 * IG_PIN_LOG_SLOTS, 1, NULL), IG_KIND_COLLECTED_DELEGATE_CALLBACK);
  for (uint32_t i = 0; i < IG_PIN_LOG_SLOTS; i++) CHECK_EQ(ig_range_release(ids[i], 0, NULL), IG_OK);
}

static void test_stats_count_log_pins(void) {
  ig_stats_t before, live, after;
  ig_get_stats(&before);
  uint64_t id = 0;
  CHECK_EQ(ig_pin_register(arena + 500000, 64, 0, 0, 0, &id), IG_OK);
  ig_get_stats(&live);
  CHECK_EQ(live.live_ranges, before.live_ranges + 1);
  CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
  ig_get_stats(&after);
  CHECK_EQ(after.live_ranges, before.live_ranges);
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  ig_init("max_ranges=4096:release_history=64:quarantine_mb=0", 0);
  RUN(test_register_release);
  RUN(test_bad_ids_and_args);
  RUN(test_history_and_reuse);
  RUN(test_filter_keeps_every_slot_findable);
  RUN(test_full_log_uses_the_table);
  RUN(test_live_pin_beats_a_dead_range);
  RUN(test_release_on_another_thread);
  RUN(test_thread_exit_frees_the_log);
  RUN(test_eight_threads);
  RUN(test_reader_while_threads_pin);
  RUN(test_double_release_race);
  RUN(test_stats_count_log_pins);
  RUN(test_callback_register);
  RUN(test_callback_in_a_full_log_uses_the_table);
  TEST_MAIN_END();
}
