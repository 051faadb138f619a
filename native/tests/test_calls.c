/* test_calls.c - unit tests of call-scoped pins (ig_calls.c): push and pop, the ring and its wrap, the stack's
 * shared-table fallback, what ig_lookup and ig_check make of the calling thread's pins, thread exit, 8 threads at once,
 * and the validator's way of reading every region while threads push; runs under CTest. */
#include "interopguard.h"
#include "ig_test.h"

#include <pthread.h>
#include <sched.h>
#include <stddef.h>

static char arena[1 << 16] __attribute__((aligned(4096)));

/* The regions of the list as a reader outside the process walks them. */
static const ig_call_region_t *first_region(void) {
  return (const ig_call_region_t *)(uintptr_t)__atomic_load_n(&ig_shadow_table->call_regions, __ATOMIC_ACQUIRE);
}
static const ig_call_region_t *next_region(const ig_call_region_t *r) {
  return (const ig_call_region_t *)(uintptr_t)__atomic_load_n(&r->next, __ATOMIC_ACQUIRE);
}

static void copy_pin(const ig_call_pin_t *p, ig_call_pin_t *out) {
  out->start = __atomic_load_n(&p->start, __ATOMIC_RELAXED);
  out->size = __atomic_load_n(&p->size, __ATOMIC_RELAXED);
  out->seq = __atomic_load_n(&p->seq, __ATOMIC_RELAXED);
  out->time_ns = __atomic_load_n(&p->time_ns, __ATOMIC_RELAXED);
  out->site = __atomic_load_n(&p->site, __ATOMIC_RELAXED);
  out->flags = __atomic_load_n(&p->flags, __ATOMIC_RELAXED);
}

/* One region read by the protocol of interopguard.h ("Reading a region"): the whole in-flight entries (live, up to
 * 'max_live') and ended entries (up to IG_CALL_RING) into the arrays; returns 0 when the stack copy was not whole. */
static int read_region(const ig_call_region_t *r, ig_call_pin_t *live, uint32_t *n_live, ig_call_pin_t *ended,
                       uint32_t *n_ended) {
  uint64_t e1 = __atomic_load_n(&r->ended, __ATOMIC_ACQUIRE);
  uint32_t d1 = __atomic_load_n(&r->depth, __ATOMIC_ACQUIRE);
  if (d1 > IG_CALL_STACK) d1 = IG_CALL_STACK;
  for (uint32_t i = 0; i < d1; i++) copy_pin(&r->stack[i], &live[i]);
  uint64_t first = e1 > IG_CALL_RING - 1 ? e1 - (IG_CALL_RING - 1) : 0;
  uint64_t copied_from = first;
  uint32_t n = 0;
  for (uint64_t k = first; k < e1; k++) copy_pin(&r->ring[k % IG_CALL_RING], &ended[n++]);
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  uint64_t e2 = __atomic_load_n(&r->ended, __ATOMIC_RELAXED);
  /* entries k <= e2 - IG_CALL_RING may have been overwritten while we copied */
  uint64_t whole_from = e2 >= IG_CALL_RING ? e2 - IG_CALL_RING + 1 : 0;
  uint32_t skip = whole_from > copied_from ? (uint32_t)(whole_from - copied_from) : 0;
  if (skip > n) skip = n;
  memmove(ended, ended + skip, (n - skip) * sizeof *ended);
  *n_ended = n - skip;
  *n_live = e2 == e1 ? d1 : 0;
  return e2 == e1;
}

static void test_push_pop(void) {
  uint32_t site = ig_site_intern("Program.cs", 12, "Program.Main");
  CHECK(ig_call_region() == NULL || ig_call_region()->depth == 0);
  uint64_t t1 = ig_call_pin_push(arena, 64, 0, site);
  uint64_t t2 = ig_call_pin_push(arena + 100, 16, 0x10000u, site);
  CHECK_EQ(t1, 1);
  CHECK_EQ(t2, 2);
  const ig_call_region_t *r = ig_call_region();
  CHECK(r != NULL);
  CHECK_EQ(r->depth, 2);
  CHECK(r->tid != 0);
  CHECK_EQ(r->stack[0].start, (uint64_t)(uintptr_t)arena);
  CHECK_EQ(r->stack[0].size, 64);
  CHECK_EQ(r->stack[0].site, site);
  CHECK_EQ(r->stack[0].flags, IG_RANGE_F_CALL_SCOPED);
  CHECK_EQ(r->stack[1].flags, IG_RANGE_F_CALL_SCOPED | 0x10000u);
  CHECK(r->stack[1].seq > r->stack[0].seq);
  CHECK(r->stack[0].time_ns != 0);

  /* the region is on the table's list */
  int listed = 0;
  for (const ig_call_region_t *x = first_region(); x != NULL; x = next_region(x)) listed += x == r;
  CHECK_EQ(listed, 1);
  CHECK_EQ(ig_shadow_table->call_region_size, sizeof(ig_call_region_t));
  CHECK_EQ(ig_shadow_table->call_pin_size, sizeof(ig_call_pin_t));

  uint64_t ended = r->ended;
  ig_call_pin_pop(t2);
  ig_call_pin_pop(t1);
  CHECK_EQ(r->depth, 0);
  CHECK_EQ(r->ended, ended + 2);
  CHECK_EQ(r->ring[(ended + 0) % IG_CALL_RING].start, (uint64_t)(uintptr_t)(arena + 100)); /* innermost ends first */
  CHECK_EQ(r->ring[(ended + 1) % IG_CALL_RING].start, (uint64_t)(uintptr_t)arena);

  ig_call_pin_pop(t1); /* popped already: ignored */
  ig_call_pin_pop(0);
  CHECK_EQ(r->depth, 0);
  CHECK_EQ(r->ended, ended + 2);

  CHECK_EQ(ig_call_pin_push(NULL, 8, 0, site), 0);
  CHECK_EQ(ig_call_pin_push((void *)(uintptr_t)((uint64_t)1 << 48), 8, 0, site), 0);
}

/* A pop of an outer pin ends the inner ones a wrapper never popped (a throw between two pushes). */
static void test_pop_outer_ends_inner(void) {
  uint64_t t1 = ig_call_pin_push(arena, 8, 0, 0);
  ig_call_pin_push(arena + 8, 8, 0, 0);
  ig_call_pin_push(arena + 16, 8, 0, 0);
  const ig_call_region_t *r = ig_call_region();
  uint64_t ended = r->ended;
  ig_call_pin_pop(t1);
  CHECK_EQ(r->depth, 0);
  CHECK_EQ(r->ended, ended + 3);
  CHECK_EQ(r->ring[(ended + 2) % IG_CALL_RING].start, (uint64_t)(uintptr_t)arena);
}

static void test_ring_wraps(void) {
  const uint64_t n = 3 * IG_CALL_RING + 7;
  uint64_t before = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t t = ig_call_pin_push(arena + (i % 4096), 1, 0, (uint32_t)i);
    if (i == 0) before = ig_call_region()->ended;
    ig_call_pin_pop(t);
  }
  const ig_call_region_t *r = ig_call_region();
  CHECK_EQ(r->ended, before + n);
  /* the newest IG_CALL_RING are there, in order */
  for (uint64_t k = r->ended - IG_CALL_RING; k < r->ended; k++) {
    uint64_t i = k - before;
    CHECK_EQ(r->ring[k % IG_CALL_RING].site, (uint32_t)i);
    CHECK_EQ(r->ring[k % IG_CALL_RING].start, (uint64_t)(uintptr_t)(arena + (i % 4096)));
  }
  ig_call_pin_t live[IG_CALL_STACK], ended[IG_CALL_RING];
  uint32_t nl = 0, ne = 0;
  CHECK(read_region(r, live, &nl, ended, &ne));
  CHECK_EQ(nl, 0);
  CHECK_EQ(ne, IG_CALL_RING - 1); /* the slot a pop may be writing is left out */
  CHECK_EQ(ended[ne - 1].site, (uint32_t)(n - 1));
}

/* Past IG_CALL_STACK in-flight pins, a push goes to the shared table and still works both ways. */
static void test_stack_full_uses_the_table(void) {
  uint64_t tokens[IG_CALL_STACK + 2];
  for (uint32_t i = 0; i < IG_CALL_STACK + 2; i++) tokens[i] = ig_call_pin_push(arena + 64 * i, 64, 0, 7);
  const ig_call_region_t *r = ig_call_region();
  CHECK_EQ(r->depth, IG_CALL_STACK);
  CHECK(r->overflowed >= 2);
  CHECK(tokens[IG_CALL_STACK] >> 32 != 0);
  ig_range_t rec;
  CHECK_EQ(ig_range_get(tokens[IG_CALL_STACK], &rec), IG_OK);
  CHECK_EQ(rec.state, IG_STATE_LIVE);
  CHECK_EQ(rec.flags, IG_RANGE_F_CALL_SCOPED);
  CHECK_EQ(rec.alloc_site, 7);
  for (uint32_t i = IG_CALL_STACK + 2; i-- > 0;) ig_call_pin_pop(tokens[i]);
  CHECK_EQ(r->depth, 0);
  CHECK_EQ(ig_range_get(tokens[IG_CALL_STACK], &rec), IG_OK);
  CHECK_EQ(rec.state, IG_STATE_RELEASED);
  CHECK_EQ(rec.release_site, 7);
}

/* ig_lookup: an in-flight pin is a live call-scoped range, an ended one a released range, both with the call's site. */
static void test_lookup_sees_the_threads_pins(void) {
  uint32_t site = ig_site_intern("Program.cs", 30, "Program.Keep");
  char *p = arena + 8192;
  ig_range_t out;
  CHECK_EQ(ig_lookup(p + 10, 1, &out), IG_LOOKUP_UNKNOWN);
  uint64_t t = ig_call_pin_push(p, 32, 0, site);
  CHECK_EQ(ig_lookup(p + 10, 4, &out), IG_LOOKUP_INSIDE);
  CHECK_EQ(out.kind, IG_RANGE_MANAGED_PIN);
  CHECK_EQ(out.state, IG_STATE_LIVE);
  CHECK_EQ(out.flags, IG_RANGE_F_CALL_SCOPED);
  CHECK_EQ(out.alloc_site, site);
  CHECK_EQ(out.id, 0);
  CHECK_EQ(ig_lookup(p + 30, 8, &out), IG_LOOKUP_OUTSIDE);
  /* ig_check: inside is fine, leaving the pinned bytes is an overflow */
  ig_violation_t v;
  CHECK_EQ(ig_check(p, 32, &v), IG_KIND_NONE);
  CHECK_EQ(ig_check(p + 16, 32, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  CHECK_EQ(v.has_range, 1);
  CHECK_EQ(v.range.start, (uint64_t)(uintptr_t)p);
  CHECK_EQ(v.detail, 16);
  ig_call_pin_pop(t);
  CHECK_EQ(ig_lookup(p + 10, 1, &out), IG_LOOKUP_INSIDE);
  CHECK_EQ(out.state, IG_STATE_RELEASED);
  CHECK_EQ(out.release_site, site);
  /* an ended call pin is not reported at a call: a fixed may pin the array again */
  CHECK_EQ(ig_check(p + 10, 1, &v), IG_KIND_NONE);
}

/* A released table pin of the same bytes: the call's in-flight pin wins while the call runs; afterwards the newer of
 * the two is shown. */
static void test_call_pin_over_a_released_table_pin(void) {
  char *p = arena + 16384;
  uint64_t id = 0;
  CHECK_EQ(ig_range_register(IG_RANGE_MANAGED_PIN, p, 64, 0, 0, 0, &id), IG_OK);
  CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
  ig_violation_t v;
  CHECK_EQ(ig_check(p, 8, &v), IG_KIND_USE_AFTER_UNPIN);
  uint64_t t = ig_call_pin_push(p, 64, 0, 0);
  CHECK_EQ(ig_check(p, 8, &v), IG_KIND_NONE);
  ig_range_t out;
  CHECK_EQ(ig_lookup(p, 8, &out), IG_LOOKUP_INSIDE);
  CHECK_EQ(out.state, IG_STATE_LIVE);
  ig_call_pin_pop(t);
  CHECK_EQ(ig_lookup(p, 8, &out), IG_LOOKUP_INSIDE);
  CHECK_EQ(out.state, IG_STATE_RELEASED);
  CHECK_EQ(out.flags, IG_RANGE_F_CALL_SCOPED); /* the call's pin is newer than the table's */
  CHECK_EQ(ig_check(p, 8, &v), IG_KIND_USE_AFTER_UNPIN); /* the table's pin is still there */
}

static void *exit_with_pin(void *arg) {
  uint64_t t = ig_call_pin_push(arena + 32768, 48, 0, 99);
  (void)t;
  *(const ig_call_region_t **)arg = ig_call_region();
  return NULL; /* exits with the pin in flight */
}

/* A thread that exits frees its region, with its in-flight pin ended; the next thread takes the region over. */
static void test_thread_exit_frees_the_region(void) {
  const ig_call_region_t *r = NULL;
  pthread_t th;
  pthread_create(&th, NULL, exit_with_pin, &r);
  pthread_join(th, NULL);
  CHECK(r != NULL);
  CHECK_EQ(__atomic_load_n(&r->tid, __ATOMIC_ACQUIRE), 0);
  CHECK_EQ(r->depth, 0);
  CHECK(r->ended >= 1);
  CHECK_EQ(r->ring[(r->ended - 1) % IG_CALL_RING].site, 99);
  CHECK_EQ(r->ring[(r->ended - 1) % IG_CALL_RING].start, (uint64_t)(uintptr_t)(arena + 32768));
  const ig_call_region_t *again = NULL;
  uint64_t ended = r->ended;
  pthread_create(&th, NULL, exit_with_pin, &again);
  pthread_join(th, NULL);
  CHECK(again == r);          /* reused */
  CHECK_EQ(r->ended, ended + 1); /* the ring continues */
}

#define THREADS 8
#define ROUNDS 50000

typedef struct {
  int index;
  int bad;
  const ig_call_region_t *region;
} worker_t;

static int stop_pushing;

/* Each thread pushes up to three nested pins of its own stripe of the arena and pops them, checking its stack after
 * each step; the stripes tell the threads' pins apart for the reader. */
static void *worker(void *arg) {
  worker_t *w = arg;
  char *base = arena + 4096 * w->index;
  for (int i = 0; i < ROUNDS || !__atomic_load_n(&stop_pushing, __ATOMIC_RELAXED); i++) {
    uint64_t a = ig_call_pin_push(base, 256, 0, (uint32_t)w->index);
    uint64_t b = ig_call_pin_push(base + 256, 256, 0, (uint32_t)w->index);
    uint64_t c = (i & 1) ? ig_call_pin_push(base + 512, 256, 0, (uint32_t)w->index) : 0;
    const ig_call_region_t *r = ig_call_region();
    if (r->depth != ((i & 1) ? 3u : 2u) || r->stack[1].start != (uint64_t)(uintptr_t)(base + 256)) w->bad++;
    ig_range_t out;
    if (ig_lookup(base + 300, 1, &out) != IG_LOOKUP_INSIDE || out.state != IG_STATE_LIVE) w->bad++;
    ig_call_pin_pop(c);
    ig_call_pin_pop(b);
    ig_call_pin_pop(a);
    if (r->depth != 0) w->bad++;
    __atomic_store_n(&w->region, r, __ATOMIC_RELEASE);
    if (i >= 4 * ROUNDS) break; /* a reader that never finishes must not hang the test */
  }
  return NULL;
}

static void test_eight_threads(void) {
  pthread_t th[THREADS];
  worker_t w[THREADS];
  __atomic_store_n(&stop_pushing, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < THREADS; i++) {
    w[i] = (worker_t){i + 1, 0, NULL};
    pthread_create(&th[i], NULL, worker, &w[i]);
  }
  for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < THREADS; i++) {
    CHECK_EQ(w[i].bad, 0);
    CHECK(w[i].region != NULL);
  }
}

/* The validator's read while 8 threads push and pop: every entry it accepts as whole is one a thread wrote (its
 * stripe, size and site agree), in-flight entries are in stack order, and reads keep finding pins. */
static void test_reader_while_threads_push(void) {
  pthread_t th[THREADS];
  worker_t w[THREADS];
  __atomic_store_n(&stop_pushing, 0, __ATOMIC_RELAXED);
  for (int i = 0; i < THREADS; i++) {
    w[i] = (worker_t){i + 1, 0, NULL};
    pthread_create(&th[i], NULL, worker, &w[i]);
  }
  static ig_call_pin_t live[IG_CALL_STACK], ended[IG_CALL_RING];
  uint64_t live_seen = 0, ended_seen = 0, wrong = 0, reads = 0;
  for (int i = 0; i < THREADS; i++)
    while (__atomic_load_n(&w[i].region, __ATOMIC_ACQUIRE) == NULL) sched_yield(); /* every thread is pushing */
  for (int pass = 0; pass < 2000 || (live_seen == 0 && pass < 200000); pass++) {
    for (const ig_call_region_t *r = first_region(); r != NULL; r = next_region(r)) {
      uint32_t nl = 0, ne = 0;
      read_region(r, live, &nl, ended, &ne);
      reads++;
      for (uint32_t i = 0; i < nl + ne; i++) {
        const ig_call_pin_t *p = i < nl ? &live[i] : &ended[i - nl];
        uint64_t off = p->start - (uint64_t)(uintptr_t)arena;
        uint32_t owner = (uint32_t)(off / 4096);
        if (owner < 1 || owner > THREADS) continue; /* a pin of an earlier case */
        if (p->site != owner || p->size != 256 || off % 4096 % 256 != 0 || off % 4096 > 512 ||
            (p->flags & IG_RANGE_F_CALL_SCOPED) == 0) {
          if (wrong == 0) printf("wrong: off %llu site %u size %llu flags %x i %u nl %u\n", (unsigned long long)off, p->site, (unsigned long long)p->size, p->flags, i, nl);
          wrong++;
        }
        if (i < nl && off % 4096 != 256 * i) wrong++; /* stack order: a, b, c */
        if (i < nl) live_seen++; else ended_seen++;
      }
    }
  }
  __atomic_store_n(&stop_pushing, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < THREADS; i++) CHECK_EQ(w[i].bad, 0);
  CHECK_EQ(wrong, 0);
  CHECK(reads > 0);
  CHECK(ended_seen > 0);
  printf("reads %llu, in-flight pins seen %llu, ended pins seen %llu\n", (unsigned long long)reads,
         (unsigned long long)live_seen, (unsigned long long)ended_seen);
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  ig_init("max_ranges=4096:release_history=64:quarantine_mb=0", 0);
  RUN(test_push_pop);
  RUN(test_pop_outer_ends_inner);
  RUN(test_ring_wraps);
  RUN(test_stack_full_uses_the_table);
  RUN(test_lookup_sees_the_threads_pins);
  RUN(test_call_pin_over_a_released_table_pin);
  RUN(test_thread_exit_frees_the_region);
  RUN(test_eight_threads);
  RUN(test_reader_while_threads_push);
  TEST_MAIN_END();
}
