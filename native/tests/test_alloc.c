/* test_alloc.c - unit tests of the shadow allocator: layout, fill, poison, realloc, free errors, garbage
 * pointers, canary checks and quarantine eviction; runs under CTest, one test per case (also in the ASan+UBSan and
 * TSan builds). */
#include "interopguard.h"
#include "ig_fork_test.h"
#include "ig_test.h"

#include <errno.h>
#include <pthread.h>

static ig_violation_t hooked[64];
static int hooked_count;
static void hook(const ig_violation_t *v, void *ctx) {
  (void)ctx;
  if (hooked_count < 64) hooked[hooked_count] = *v;
  hooked_count++;
}

static void test_malloc_basic(void) {
  for (size_t size = 0; size <= 5000; size += (size < 64 ? 1 : 97)) {
    unsigned char *p = ig_malloc(size);
    CHECK(p != NULL);
    CHECK(((uintptr_t)p & 15) == 0);
    CHECK_EQ(ig_usable_size(p), size);
    size_t filled = size < 4096 ? size : 4096;
    for (size_t i = 0; i < filled; i++)
      if (p[i] != 0xbe) { CHECK(p[i] == 0xbe); break; }
    memset(p, 0x11, size);
    ig_range_t r;
    CHECK_EQ(ig_lookup(p, size, &r), IG_LOOKUP_INSIDE);
    CHECK_EQ(r.kind, IG_RANGE_NATIVE_BLOCK);
    CHECK_EQ(r.state, IG_STATE_LIVE);
    CHECK_EQ(r.start, (uintptr_t)p);
    CHECK_EQ(r.size, size);
    CHECK(r.redzone_right >= 16);
    CHECK(r.redzone_left >= 48);
    CHECK(r.id != 0);
    /* the right redzone holds the canary */
    for (size_t i = 0; i < r.redzone_right; i++)
      if (p[size + i] != (unsigned char)ig_table()->canary_byte) { CHECK(0); break; }
    CHECK_EQ(ig_free_at(p, 0, NULL), IG_OK);
  }
}

/* A new block's right redzone scales with its size (size / 8, 16 - 2048 bytes, plus the pad to 16): no slack. */
static void test_redzone_scaling(void) {
  void *small = ig_malloc(16), *mid = ig_malloc(1024), *big = ig_malloc(100000);
  ig_range_t a, b, c;
  ig_lookup(small, 1, &a);
  ig_lookup(mid, 1, &b);
  ig_lookup(big, 1, &c);
  CHECK_EQ(a.redzone_right, 16);
  CHECK_EQ(b.redzone_right, 128);
  CHECK_EQ(c.redzone_right, 2048);
  ig_free(small);
  ig_free(mid);
  ig_free(big);
}

/* Frees blocks of `size` bytes (of another size class than the test's) until everything freed before them left the
 * 1 MiB quarantine. */
static void push_out_with(size_t size) {
  for (size_t freed = 0; freed < ((size_t)8 << 20); freed += size) ig_free(ig_malloc(size));
}

static void push_out_of_quarantine(void) { push_out_with(4096); }

/* A block taken from the reuse cache for a smaller size of its class: the slack is redzone. A write there is a
 * redzone overwrite like any other (reported at free with its distance past the user bytes, and by ig_verify), and an
 * access there fails ig_check: the user size is what counts. */
static void test_overflow_into_class_slack(void) {
  char *old = ig_malloc(1024); /* extent 48 + 1024 + 128 = 1200 (class (1024, 1280]) */
  ig_free(old);
  push_out_of_quarantine();
  char *p = ig_malloc(1000); /* needs 48 + 1000 + 128 + 8 = 1184: the held block, 16 bytes of slack */
  CHECK(p == old);
  ig_range_t r;
  CHECK_EQ(ig_lookup(p, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.redzone_right, 1200 - 48 - 1000);
  ig_violation_t v;
  CHECK_EQ(ig_check(p, 1000, &v), IG_KIND_NONE);
  CHECK_EQ(ig_check(p + 1000 + 140, 1, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  CHECK_EQ(ig_check(p + 990, 20, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  p[1000 + 140] = 'x'; /* past the scaled redzone and pad (136 bytes), inside the slack */
  CHECK_EQ(ig_verify(&v, 1), 1);
  CHECK_EQ(v.address, (uintptr_t)(p + 1000 + 140));
  CHECK_EQ(v.detail, 140);
  CHECK_EQ(ig_free_at(p, 0, &v), IG_ERR_OVERFLOW);
  CHECK_EQ(v.kind, IG_KIND_NATIVE_BUFFER_OVERFLOW);
  CHECK_EQ(v.detail, 140);

  char *q = ig_malloc(1024); /* the nearest correct code: every user byte written, nothing past them */
  push_out_of_quarantine();
  ig_free(q);
  push_out_of_quarantine();
  char *s = ig_malloc(1000);
  CHECK(s == q);
  memset(s, 0x42, 1000);
  CHECK_EQ(ig_verify(NULL, 0), 0);
  CHECK_EQ(ig_free_at(s, 0, &v), IG_OK);
}

/* With no held block of its class large enough, an allocation takes the smallest held block of the next class; its
 * slack is redzone as well. */
static void test_reuse_from_the_next_class(void) {
  char *big = ig_malloc(9000); /* extent 48 + 9000 + 1136 + 8 = 10192: class (8192, 10240] */
  ig_free(big);
  push_out_with(2000); /* extent 2304: class (2048, 2560], neither of the two here */
  char *p = ig_malloc(7000); /* needs 48 + 7000 + 880 + 8 = 7936: class (7168, 8192], which holds nothing */
  CHECK(p == big);
  ig_range_t r;
  CHECK_EQ(ig_lookup(p, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  CHECK_EQ(r.size, 7000);
  CHECK_EQ(r.redzone_right, 10192 - 48 - 7000);
  ig_violation_t v;
  CHECK_EQ(ig_check(p, 7000, &v), IG_KIND_NONE);
  CHECK_EQ(ig_check(p + 7000 + 2000, 1, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  p[7000 + 2000] = 1; /* past the scaled redzone and pad (888 bytes), in the slack */
  CHECK_EQ(ig_free_at(p, 0, &v), IG_ERR_OVERFLOW);
  CHECK_EQ(v.detail, 2000);
}

/* A block that left the quarantine and waits in the reuse cache is still FREED (a use after free, a double free); the
 * next allocation of its size class takes it in place, with a new record generation, the new size, the slack as
 * redzone, a header the validator accepts (id and size match the record), and LIVE in ig_check. */
static void test_reused_block_freed_then_live(void) {
  char *p = ig_malloc(1024);
  ig_range_t old;
  CHECK_EQ(ig_lookup(p, 1, &old), IG_LOOKUP_INSIDE);
  ig_free(p);
  push_out_of_quarantine();
  ig_violation_t v;
  ig_range_t r;
  CHECK_EQ(ig_lookup(p, 1, &r), IG_LOOKUP_INSIDE); /* held by the reuse cache: still the freed block */
  CHECK_EQ(r.id, old.id);
  CHECK_EQ(r.state, IG_STATE_FREED);
  CHECK_EQ(ig_check(p + 8, 8, &v), IG_KIND_NATIVE_USE_AFTER_FREE);
  CHECK_EQ(ig_free_at(p, 0, &v), IG_ERR_DOUBLE_FREE);

  char *q = ig_malloc(1000); /* 1184 bytes of extent: the same class, and the held block (1200) is large enough */
  CHECK(q == p);
  CHECK_EQ(ig_lookup(q, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  CHECK_EQ(r.size, 1000);
  CHECK_EQ(r.redzone_left, 48);
  CHECK_EQ(r.redzone_right, 1200 - 48 - 1000);
  CHECK_EQ(r.id & 0xFFFFFFFFu, old.id & 0xFFFFFFFFu); /* the same slot, */
  CHECK((r.id >> 32) > (old.id >> 32));                /* a newer generation */
  CHECK(r.alloc_seq > old.release_seq);
  uint64_t header[2];
  memcpy(header, q - 48, sizeof header); /* id, size: what the validator checks before trusting the block */
  CHECK_EQ(header[0], r.id);
  CHECK_EQ(header[1], 1000);
  /* the record as the validator reads it: through the table's chunk directory */
  const ig_table_header_t *tab = ig_table();
  uint32_t slot = (uint32_t)r.id;
  const ig_range_t *const *chunks = (const ig_range_t *const *)(uintptr_t)tab->chunks;
  const ig_range_t *rec = &chunks[slot / tab->ranges_per_chunk][slot % tab->ranges_per_chunk];
  CHECK_EQ(rec->id, r.id);
  CHECK_EQ(rec->state, IG_STATE_LIVE);
  CHECK_EQ(rec->size, 1000);
  CHECK_EQ(rec->redzone_right, 1200 - 48 - 1000);
  CHECK_EQ(ig_check(q, 1000, &v), IG_KIND_NONE);
  CHECK_EQ(ig_check(q + 1000, 1, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW); /* the old block's bytes are redzone now */
  CHECK_EQ(ig_usable_size(q), 1000);
  for (int i = 0; i < 1000; i++)
    if ((unsigned char)q[i] != 0xbe) { CHECK((unsigned char)q[i] == 0xbe); break; } /* filled as a fresh block */
  memset(q, 1, 1000);
  CHECK_EQ(ig_verify(NULL, 0), 0);
  CHECK_EQ(ig_free_at(q, 0, &v), IG_OK);
  CHECK_EQ(ig_check(q, 1, &v), IG_KIND_NATIVE_USE_AFTER_FREE);
  CHECK_EQ(v.range.size, 1000);
}

/* quarantine_mb=0: a freed block leaves at once, into the reuse cache (not to libc), so it stays FREED in the index until
 * its class's next allocation takes it: a use after free and a second free are still found meanwhile, and the reuse is
 * the fresh LIVE block of the nearest correct code. The second free is reported, and not with detect_double_free=0. */
static int fails;
static int q0_reports;
static void q0_hook(const ig_violation_t *v, void *ctx) {
  (void)ctx;
  if (v->kind == IG_KIND_DOUBLE_FREE) q0_reports++;
}

static void quarantine_off_child(void) {
  ig_set_report_hook(q0_hook, NULL);
  char *p = ig_malloc(1024);
  ig_range_t old, r;
  ig_violation_t v;
  EXPECT(ig_lookup(p, 1, &old) == IG_LOOKUP_INSIDE);
  ig_free(p);
  EXPECT(ig_lookup(p, 1, &r) == IG_LOOKUP_INSIDE); /* held by the reuse cache: still the freed block */
  EXPECT(r.id == old.id && r.state == IG_STATE_FREED);
  EXPECT(ig_check(p + 8, 8, &v) == IG_KIND_NATIVE_USE_AFTER_FREE);
  ig_free(p); /* reported through the hook (or not, with detect_double_free=0) */
  EXPECT(ig_lookup(p, 1, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_FREED);

  char *q = ig_malloc(1000); /* the same class: the held block */
  EXPECT(q == p);
  EXPECT(ig_lookup(q, 1, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_LIVE && r.size == 1000);
  EXPECT(ig_check(q, 1000, &v) == IG_KIND_NONE);
  memset(q, 1, 1000);
  EXPECT(ig_verify(NULL, 0) == 0);
  EXPECT(ig_free_at(q, 0, &v) == IG_OK);
  printf("double-free reports: %d\n", q0_reports);
  fflush(stdout); /* CHILD_END is _exit */
  CHILD_END();
}

static void test_quarantine_off_keeps_freed_blocks_in_reuse(void) {
  int status = ig_fork_run("quarantine_mb=0", 0, quarantine_off_child);
  if (!exited_ok(status)) fprintf(stderr, "%s", captured);
  CHECK(exited_ok(status));
  CHECK(strstr(captured, "double-free reports: 1\n") != NULL);
  status = ig_fork_run("quarantine_mb=0:detect_double_free=0", 0, quarantine_off_child);
  if (!exited_ok(status)) fprintf(stderr, "%s", captured);
  CHECK(exited_ok(status));
  CHECK(strstr(captured, "double-free reports: 0\n") != NULL);
}

/* A write after free is reported when the block leaves the quarantine, also when the reuse cache then keeps it; the
 * block it becomes next is a fresh block (filled, no report of its own). */
static void test_write_after_free_then_reused(void) {
  char *p = ig_malloc(1024);
  ig_free(p);
  p[7] = 'w';
  hooked_count = 0;
  push_out_of_quarantine();
  int found = 0;
  for (int i = 0; i < hooked_count && i < 64; i++)
    if (hooked[i].kind == IG_KIND_NATIVE_USE_AFTER_FREE && hooked[i].address == (uintptr_t)(p + 7) &&
        hooked[i].detail == 7)
      found++;
  CHECK_EQ(found, 1);
  char *q = ig_malloc(1010); /* 1200 bytes of extent, as the freed block's */
  CHECK(q == p);
  CHECK_EQ((unsigned char)q[7], 0xbe);
  ig_violation_t v;
  CHECK_EQ(ig_free_at(q, 0, &v), IG_OK);
}

/* A block whose extent touches several 4 KiB bins of the index: its state, id and size live in its first bin only, so
 * an address in a later bin must read them there. Live, freed, held by the reuse cache and reused with slack, every
 * state is seen the same at the block's start and in its last bin. */
static void test_state_beyond_the_first_bin(void) {
  char *p = ig_malloc(12000); /* extent 48 + 12000 + 1504 = 13552: four or five bins */
  ig_violation_t v;
  ig_range_t r, first;
  CHECK_EQ(ig_lookup(p, 1, &first), IG_LOOKUP_INSIDE);
  CHECK_EQ(ig_check(p + 11000, 1000, &v), IG_KIND_NONE);
  CHECK_EQ(ig_check(p + 11999, 2, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  CHECK_EQ(ig_lookup(p + 11000, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, first.id);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  ig_free(p);
  CHECK_EQ(ig_check(p + 11000, 8, &v), IG_KIND_NATIVE_USE_AFTER_FREE);
  CHECK_EQ(v.range.id, first.id);
  CHECK_EQ(ig_lookup(p + 11000, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.state, IG_STATE_FREED);
  push_out_of_quarantine();
  CHECK_EQ(ig_check(p + 11000, 8, &v), IG_KIND_NATIVE_USE_AFTER_FREE); /* held by the reuse cache: still freed */

  char *q = ig_malloc(11000); /* extent 48 + 11000 + 1376 + 8 = 12432: the same class, (12288, 14336] */
  CHECK(q == p);
  CHECK_EQ(ig_check(q + 10000, 1000, &v), IG_KIND_NONE);
  CHECK_EQ(ig_check(q + 11500, 1, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW); /* the slack, in a later bin */
  CHECK_EQ(v.range.size, 11000);
  CHECK_EQ(ig_lookup(q + 11500, 1, &r), IG_LOOKUP_OUTSIDE);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  CHECK((r.id >> 32) > (first.id >> 32)); /* the reused block's record, not the freed one's */
  CHECK_EQ(r.redzone_right, 13552 - 48 - 11000);
  memset(q, 1, 11000);
  CHECK_EQ(ig_free_at(q, 0, &v), IG_OK);
  CHECK_EQ(ig_check(q + 10000, 1, &v), IG_KIND_NATIVE_USE_AFTER_FREE);
  CHECK_EQ(v.range.size, 11000);
  CHECK_EQ(ig_free_at(q, 0, &v), IG_ERR_DOUBLE_FREE);
}

/* A block whose user start lies in a later bin than its header (libc returned an address in the last 48 bytes of a
 * 4 KiB page): it is found, freed once and reported when freed twice, with its own record. */
static void test_block_start_in_a_later_bin(void) {
  enum { TRIES = 20000 };
  static char *made[TRIES];
  char *p = NULL;
  int n = 0;
  for (; n < TRIES && p == NULL; n++) {
    made[n] = ig_malloc(200 + (size_t)(n * 37) % 3000);
    if (((uintptr_t)made[n] & 4095) < 48) p = made[n];
  }
  if (p == NULL) {
    for (int i = 0; i < n; i++) ig_free(made[i]);
    SKIP("libc returned no block whose header ends a 4 KiB page");
  }
  ig_violation_t v;
  ig_range_t r;
  size_t size = ig_usable_size(p);
  CHECK(size >= 200);
  CHECK_EQ(ig_lookup(p, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  uint64_t id = r.id;
  CHECK_EQ(ig_check(p, size, &v), IG_KIND_NONE);
  CHECK_EQ(ig_set_alloc_site(p, 0), IG_OK);
  CHECK_EQ(ig_free_at(p, 0, &v), IG_OK);
  CHECK_EQ(ig_usable_size(p), 0);
  CHECK_EQ(ig_check(p, 1, &v), IG_KIND_NATIVE_USE_AFTER_FREE);
  CHECK_EQ(ig_check(p - 48, 1, &v), IG_KIND_NATIVE_USE_AFTER_FREE); /* the header, in the first bin: freed there too */
  CHECK_EQ(ig_free_at(p, 0, &v), IG_ERR_DOUBLE_FREE);
  CHECK_EQ(v.range.id, id);
  CHECK_EQ(v.range.state, IG_STATE_FREED);
  for (int i = 0; i < n; i++)
    if (made[i] != p) ig_free(made[i]);
}

/* A hand-registered region that spans several bins: released, an address in its last bin is a use of a released
 * region; registered again over the same bytes, the old one is dropped from every bin and the new one answers. */
static void test_region_beyond_the_first_bin(void) {
  static char region[20000] __attribute__((aligned(4096)));
  uint64_t id1, id2;
  ig_violation_t v;
  ig_range_t r;
  CHECK_EQ(ig_range_register(IG_RANGE_NATIVE_REGION, region + 100, 19000, 0, 0, 0, &id1), IG_OK);
  CHECK_EQ(ig_check(region + 18000, 100, &v), IG_KIND_NONE);
  CHECK_EQ(ig_range_release(id1, 0, NULL), IG_OK);
  CHECK_EQ(ig_check(region + 18000, 100, &v), IG_KIND_NATIVE_USE_AFTER_FREE);
  CHECK_EQ(v.range.id, id1);
  CHECK_EQ(ig_range_register(IG_RANGE_NATIVE_REGION, region + 100, 19000, 0, 0, 0, &id2), IG_OK);
  CHECK_EQ(ig_lookup(region + 18000, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, id2);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  CHECK_EQ(ig_check(region + 18000, 100, &v), IG_KIND_NONE);
  CHECK_EQ(ig_range_release(id2, 0, NULL), IG_OK);
  CHECK_EQ(ig_lookup(region + 18000, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, id2);
  CHECK_EQ(r.state, IG_STATE_RELEASED);
  CHECK_EQ(ig_range_release(id2, 0, NULL), IG_ERR_STATE);
}

/* Two threads allocate sizes of one class and free each other's blocks through a shared array (so most blocks leave
 * the quarantine into the other thread's reuse cache and are reused there, often for a smaller size), while checking
 * that every block is LIVE with its own size and an extent within its class, that the bytes past it are redzone, and
 * that no free finds damage. */
#define RT_SLOTS 64
#define RT_ROUNDS 20000
static char *rt_slot[RT_SLOTS];
static size_t rt_size[RT_SLOTS];
static uint32_t rt_lock[RT_SLOTS];
static int rt_errors;
static int rt_slack; /* blocks made in a larger held block (reused with slack) */

static void *rt_worker(void *arg) {
  uint64_t x = 0x9E3779B97F4A7C15ull * (uint64_t)((intptr_t)arg + 1);
  for (int i = 0; i < RT_ROUNDS; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    size_t size = 1100 + (size_t)((x >> 40) % 201); /* extents 1296 - 1536: class (1280, 1536] */
    size_t least = 48 + size + ((size / 8 + 15) & ~(size_t)15) + ((16 - (size & 15)) & 15);
    char *p = ig_malloc(size);
    ig_range_t r;
    ig_violation_t v;
    if (ig_lookup(p, size, &r) != IG_LOOKUP_INSIDE || r.state != IG_STATE_LIVE || r.size != size ||
        r.redzone_left + size + r.redzone_right < least || r.redzone_left + size + r.redzone_right > 1536 ||
        ig_check(p, size, &v) != IG_KIND_NONE || ig_check(p + size, 1, &v) != IG_KIND_NATIVE_BUFFER_OVERFLOW)
      __atomic_fetch_add(&rt_errors, 1, __ATOMIC_RELAXED);
    if (r.redzone_left + size + r.redzone_right > least) __atomic_fetch_add(&rt_slack, 1, __ATOMIC_RELAXED);
    memset(p, (int)i, size);
    int k = (int)((x >> 33) % RT_SLOTS);
    while (__atomic_exchange_n(&rt_lock[k], 1u, __ATOMIC_ACQUIRE)) {}
    char *old = rt_slot[k];
    size_t old_size = rt_size[k];
    rt_slot[k] = p;
    rt_size[k] = size;
    __atomic_store_n(&rt_lock[k], 0u, __ATOMIC_RELEASE);
    if (old != NULL && (ig_usable_size(old) != old_size || ig_free_at(old, 0, &v) != IG_OK))
      __atomic_fetch_add(&rt_errors, 1, __ATOMIC_RELAXED);
  }
  return NULL;
}

static void test_reuse_two_threads_one_class(void) {
  ig_stats_t before, after;
  ig_get_stats(&before);
  pthread_t t[2];
  for (intptr_t i = 0; i < 2; i++) CHECK_EQ(pthread_create(&t[i], NULL, rt_worker, (void *)i), 0);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  CHECK_EQ(rt_errors, 0);
  CHECK(rt_slack > RT_ROUNDS / 10); /* the reuse path ran, across sizes */
  CHECK_EQ(ig_verify(NULL, 0), 0);
  ig_violation_t v;
  for (int k = 0; k < RT_SLOTS; k++)
    if (rt_slot[k] != NULL) CHECK_EQ(ig_free_at(rt_slot[k], 0, &v), IG_OK);
  ig_get_stats(&after);
  CHECK_EQ(after.live_blocks, before.live_blocks);
  CHECK_EQ(after.total_allocs - before.total_allocs, 2 * RT_ROUNDS);
}

static void test_calloc(void) {
  unsigned char *p = ig_calloc(100, 7);
  CHECK(p != NULL);
  for (int i = 0; i < 700; i++)
    if (p[i] != 0) { CHECK(p[i] == 0); break; }
  CHECK_EQ(ig_usable_size(p), 700);
  ig_free(p);
  errno = 0;
  CHECK(ig_calloc(SIZE_MAX / 2, 3) == NULL);
  CHECK(ig_calloc((size_t)1 << 40, (size_t)1 << 40) == NULL);
  CHECK(ig_malloc(SIZE_MAX) == NULL);
  CHECK(ig_malloc(SIZE_MAX - 16) == NULL);
  CHECK(ig_malloc((size_t)1 << 50) == NULL);
  void *z = ig_calloc(0, 0);
  CHECK(z != NULL);
  ig_free(z);
}

static void test_aligned(void) {
  size_t aligns[] = {1, 2, 8, 16, 32, 64, 256, 4096, 32768};
  for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
    void *p = ig_aligned_alloc(aligns[i], 100);
    CHECK(p != NULL);
    CHECK(((uintptr_t)p & (aligns[i] - 1)) == 0);
    CHECK(((uintptr_t)p & 15) == 0);
    CHECK_EQ(ig_usable_size(p), 100);
    ig_range_t r;
    ig_lookup(p, 1, &r);
    if (aligns[i] > 16) CHECK(r.flags & IG_RANGE_F_ALIGNED);
    void *q = ig_realloc(p, 200);
    CHECK(((uintptr_t)q & (aligns[i] - 1)) == 0);
    ig_free(q);
  }
  CHECK(ig_aligned_alloc(3, 10) == NULL);
  CHECK(ig_aligned_alloc(0, 10) == NULL);
  CHECK(ig_aligned_alloc(65536, 10) == NULL);
  CHECK(ig_malloc_at(10, 24, 0) == NULL);
  void *p = ig_malloc_at(10, 0, 0);
  CHECK(p && ((uintptr_t)p & 15) == 0);
  ig_free(p);
}

static void test_realloc(void) {
  unsigned char *p = ig_realloc(NULL, 10);
  CHECK(p != NULL);
  memcpy(p, "abcdefghij", 10);
  unsigned char *q = ig_realloc(p, 1000);
  CHECK(q != NULL && q != p);
  CHECK(memcmp(q, "abcdefghij", 10) == 0);
  CHECK_EQ(ig_usable_size(q), 1000);
  /* use after realloc: the old block is in quarantine */
  ig_violation_t v;
  CHECK_EQ(ig_check(p, 4, &v), IG_KIND_NATIVE_USE_AFTER_FREE);
  CHECK_EQ(v.range.start, (uintptr_t)p);
  CHECK_EQ(ig_usable_size(p), 0);
  unsigned char *s = ig_realloc(q, 5);
  CHECK(memcmp(s, "abcde", 5) == 0);
  CHECK(ig_realloc(s, 0) == NULL); /* frees */
  CHECK_EQ(ig_usable_size(s), 0);
  /* realloc of a freed pointer reports a double free and returns NULL */
  hooked_count = 0;
  CHECK(ig_realloc(s, 10) == NULL);
  CHECK_EQ(hooked_count, 1);
  CHECK_EQ(hooked[0].kind, IG_KIND_DOUBLE_FREE);
  void *big = ig_malloc(8);
  CHECK(ig_realloc(big, SIZE_MAX) == NULL);
  CHECK_EQ(ig_usable_size(big), 8); /* still valid */
  ig_free(big);
}

static void test_poison(void) {
  unsigned char *p = ig_malloc(64);
  memset(p, 1, 64);
  ig_free(p);
  /* we own the quarantined block, so peeking at it here is fine in a test */
  for (int i = 0; i < 64; i++)
    if (p[i] != 0x55) { CHECK(p[i] == 0x55); break; }
  ig_range_t r;
  CHECK_EQ(ig_lookup(p, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.state, IG_STATE_FREED);
  CHECK(r.release_seq > r.alloc_seq);
}

static void test_double_free(void) {
  uint32_t s1 = ig_site_intern("a.c", 1, "alloc_fn"), s2 = ig_site_intern("a.c", 2, "free_fn");
  void *p = ig_malloc_at(32, 0, s1);
  CHECK_EQ(ig_free_at(p, s2, NULL), IG_OK);
  ig_violation_t v;
  memset(&v, 0, sizeof v);
  CHECK_EQ(ig_free_at(p, s2, &v), IG_ERR_DOUBLE_FREE);
  CHECK_EQ(v.kind, IG_KIND_DOUBLE_FREE);
  CHECK_EQ(v.address, (uintptr_t)p);
  CHECK_EQ(v.has_range, 1);
  CHECK_EQ(v.range.size, 32);
  CHECK_EQ(v.range.alloc_site, s1);
  CHECK_EQ(v.range.release_site, s2);
  CHECK_EQ(v.range.state, IG_STATE_FREED);
  hooked_count = 0;
  ig_free(p);
  CHECK_EQ(hooked_count, 1);
  CHECK_EQ(hooked[0].kind, IG_KIND_DOUBLE_FREE);
}

static void test_invalid_free(void) {
  char *p = ig_malloc(100);
  ig_violation_t v;
  CHECK_EQ(ig_free_at(p + 1, 0, &v), IG_ERR_INVALID_FREE);
  CHECK_EQ(v.kind, IG_KIND_INVALID_FREE);
  CHECK_EQ(v.has_range, 1);
  CHECK_EQ(v.range.start, (uintptr_t)p);
  CHECK_EQ(ig_free_at(p + 16, 0, &v), IG_ERR_INVALID_FREE);
  CHECK_EQ(ig_free_at(p - 8, 0, &v), IG_ERR_INVALID_FREE); /* in the header */
  CHECK_EQ(v.has_range, 1);
  CHECK_EQ(ig_free_at(p + 100, 0, &v), IG_ERR_INVALID_FREE); /* one past the end */
  CHECK_EQ(ig_usable_size(p + 1), 0);
  CHECK_EQ(ig_usable_size(p), 100);
  int on_stack;
  CHECK_EQ(ig_free_at(&on_stack, 0, &v), IG_ERR_INVALID_FREE);
  CHECK_EQ(v.has_range, 0);
  void *libc = malloc(10);
  CHECK_EQ(ig_free_at(libc, 0, &v), IG_ERR_INVALID_FREE);
  free(libc);
  CHECK_EQ(ig_free_at(p, 0, NULL), IG_OK);
  ig_free(NULL);
  CHECK_EQ(ig_free_at(NULL, 0, &v), IG_OK);
  CHECK_EQ(ig_usable_size(NULL), 0);
}

static void test_garbage_pointers(void) {
  uintptr_t garbage[] = {1, 2, 8, 15, 16, 0xdeadbeef, 0xdeadbeefdeadbeefull, 0xffffffffffffffffull,
                         0xffff800000000000ull, 0x00007fffffffffffull, 0x0000800000000000ull, 4095, 4096,
                         0x1000000000ull, 0x7ffffffff000ull, 0x123456789abcull};
  ig_violation_t v;
  for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
    void *g = (void *)garbage[i];
    CHECK_EQ(ig_free_at(g, 0, &v), IG_ERR_INVALID_FREE);
    CHECK_EQ(ig_usable_size(g), 0);
    CHECK_EQ(ig_lookup(g, 8, NULL), IG_LOOKUP_UNKNOWN);
    CHECK_EQ(ig_check(g, 8, &v), IG_KIND_NONE);
    CHECK(ig_realloc(g, 8) == NULL);
  }
  /* unaligned addresses near a real block */
  char *p = ig_malloc(64);
  for (int i = -48; i < 100; i += 3) CHECK_EQ(ig_free_at(p + i, 0, &v), i == 0 ? IG_OK : IG_ERR_INVALID_FREE);
}

static void test_overflow_at_free(void) {
  char *p = ig_malloc(24);
  p[24] = 'x'; /* one byte past the end: in the right redzone (pad) */
  ig_violation_t v;
  CHECK_EQ(ig_free_at(p, 0, &v), IG_ERR_OVERFLOW);
  CHECK_EQ(v.kind, IG_KIND_NATIVE_BUFFER_OVERFLOW);
  CHECK_EQ(v.detail, 0);
  CHECK_EQ(v.address, (uintptr_t)(p + 24));
  CHECK_EQ(ig_usable_size(p), 0); /* the block is still freed */
  CHECK_EQ(ig_free_at(p, 0, &v), IG_ERR_DOUBLE_FREE);

  char *q = ig_malloc(32);
  q[32 + 9] = 1;
  CHECK_EQ(ig_free_at(q, 0, &v), IG_ERR_OVERFLOW);
  CHECK_EQ(v.detail, 9);

  char *u = ig_malloc(32);
  u[-1] = 1; /* underflow into the left canary */
  CHECK_EQ(ig_free_at(u, 0, &v), IG_ERR_OVERFLOW);
  CHECK_EQ(v.address, (uintptr_t)(u - 1));
  CHECK_EQ((int64_t)v.detail, -1); /* signed distance before the start, not a wrapped offset past the end */

  char *h = ig_malloc(32);
  h[-40] = 7; /* into the header */
  CHECK_EQ(ig_free_at(h, 0, &v), IG_ERR_OVERFLOW);
  CHECK((int64_t)v.detail < 0);
  CHECK_EQ(v.address, (uintptr_t)(h - (-(int64_t)v.detail)));
}

static void test_verify(void) {
  CHECK_EQ(ig_verify(NULL, 0), 0);
  char *a = ig_malloc(40), *b = ig_malloc(50), *c = ig_malloc(60);
  b[50 + 3] = 0;
  c[60 + 10] = 0;
  ig_violation_t v[4];
  CHECK_EQ(ig_verify(v, 4), 2);
  CHECK_EQ(v[0].kind, IG_KIND_NATIVE_BUFFER_OVERFLOW);
  CHECK(v[0].detail == 3 || v[0].detail == 10);
  CHECK_EQ(ig_verify(NULL, 0), 2);
  CHECK_EQ(ig_verify(v, 1), 2);
  ig_violation_t tmp;
  ig_free(a);
  CHECK_EQ(ig_free_at(b, 0, &tmp), IG_ERR_OVERFLOW);
  CHECK_EQ(ig_free_at(c, 0, &tmp), IG_ERR_OVERFLOW);
  CHECK_EQ(ig_verify(NULL, 0), 0);
}

static void test_check_native(void) {
  char *p = ig_malloc(100);
  ig_violation_t v;
  CHECK_EQ(ig_check(p, 100, &v), IG_KIND_NONE);
  CHECK_EQ(ig_check(p + 50, 50, &v), IG_KIND_NONE);
  CHECK_EQ(ig_check(p + 100, 0, &v), IG_KIND_NONE);
  CHECK_EQ(ig_check(p + 50, 51, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  CHECK_EQ(v.address, (uintptr_t)(p + 50));
  CHECK_EQ(ig_check(p + 100, 1, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  CHECK_EQ(ig_check(p - 1, 1, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  CHECK_EQ(ig_check(p, SIZE_MAX, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  ig_free(p);
  CHECK_EQ(ig_check(p + 10, 4, &v), IG_KIND_NATIVE_USE_AFTER_FREE);
  CHECK_EQ(v.range.state, IG_STATE_FREED);
  void *z = ig_malloc(0);
  CHECK_EQ(ig_check(z, 0, &v), IG_KIND_NONE);
  CHECK_EQ(ig_check(z, 1, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);
  ig_free(z);
}

/* ig_set_alloc_site: names a live block after the fact (release mode interns the site of sampled blocks only). */
static void test_set_alloc_site(void) {
  uint32_t site = ig_site_intern("late.c", 12, "Late.Alloc");
  char *p = ig_malloc_at(40, 0, 0);
  ig_range_t r;
  CHECK_EQ(ig_lookup(p, 0, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.alloc_site, 0);
  CHECK_EQ(ig_set_alloc_site(p, site), IG_OK);
  CHECK_EQ(ig_lookup(p, 0, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.alloc_site, site);
  CHECK_EQ(ig_set_alloc_site(p + 8, site), IG_ERR_NOT_FOUND); /* interior */
  CHECK_EQ(ig_set_alloc_site(NULL, site), IG_ERR_BAD_ARG);
  ig_violation_t v;
  ig_free(p);
  CHECK_EQ(ig_check(p, 1, &v), IG_KIND_NATIVE_USE_AFTER_FREE);
  CHECK_EQ(v.range.alloc_site, site);                         /* the freed block's report names it */
  CHECK_EQ(ig_set_alloc_site(p, 1), IG_ERR_NOT_FOUND);        /* freed: unchanged */
  int local;
  CHECK_EQ(ig_set_alloc_site(&local, site), IG_ERR_NOT_FOUND); /* unknown memory is never written */
}

static void test_write_after_free_on_eviction(void) {
  /* quarantine_mb=1 in this process: fill the quarantine until the damaged block is evicted */
  char *p = ig_malloc(64);
  ig_free(p);
  p[5] = 'w'; /* write after free (into our own quarantined memory) */
  hooked_count = 0;
  for (int i = 0; i < 4000; i++) ig_free(ig_malloc(1024));
  CHECK(hooked_count >= 1);
  int found = 0;
  for (int i = 0; i < hooked_count && i < 64; i++)
    if (hooked[i].kind == IG_KIND_NATIVE_USE_AFTER_FREE && hooked[i].address == (uintptr_t)(p + 5) &&
        hooked[i].detail == 5)
      found = 1;
  CHECK(found);
}

static void test_quarantine_bound(void) {
  ig_stats_t st;
  char *first = ig_malloc(4096);
  ig_free(first);
  ig_range_t freed;
  CHECK_EQ(ig_lookup(first, 1, &freed), IG_LOOKUP_INSIDE);
  for (int i = 0; i < 2000; i++) ig_free(ig_malloc(4096));
  ig_get_stats(&st);
  /* bound 1 MiB of blocks (user + redzones), plus at most one thread-local batch of 1/8 */
  CHECK(st.quarantine_bytes <= (1u << 20) + (1u << 17));
  CHECK(st.quarantine_bytes >= (1u << 19));
  CHECK(st.quarantine_blocks > 100 && st.quarantine_blocks < 300);
  CHECK(ig_table()->quarantine_bytes <= (1u << 20));
  /* the first block was evicted: its record is gone (libc may have handed its address to a later block) */
  ig_range_t r;
  ig_lookup_result_t res = ig_lookup(first, 1, &r);
  CHECK(res == IG_LOOKUP_UNKNOWN || r.id != freed.id);
}

/* Per-thread quarantines under one 1 MiB budget: 8 threads in 3 waves swap 512-byte blocks through a
 * shared array (so most frees are of another thread's block) and sample the statistics. The documented
 * slack is one batch per thread: 1/8 of the bound (128 KiB) plus one block. Threads that exit hand their
 * FIFO to the orphan list; 1024-byte frees on the main thread afterwards must evict all of it. */
#define QT_THREADS 8
#define QT_SLOTS 256
#define QT_BOUND (1u << 20)
#define QT_SLACK ((uint64_t)QT_THREADS * ((1u << 17) + 4096))
static char *qt_slot[QT_SLOTS];
static uint64_t qt_max_stats[QT_THREADS], qt_max_header[QT_THREADS];

static void *qt_worker(void *arg) {
  int me = (int)(intptr_t)arg;
  uint64_t x = 0x9E3779B97F4A7C15ull * (uint64_t)(me + 1);
  for (int i = 0; i < 20000; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    char *p = ig_malloc(512);
    char *old = __atomic_exchange_n(&qt_slot[(x >> 33) % QT_SLOTS], p, __ATOMIC_ACQ_REL);
    if (old) ig_free(old);
    if (i % 64 == 0) {
      ig_stats_t st;
      ig_get_stats(&st);
      if (st.quarantine_bytes > qt_max_stats[me]) qt_max_stats[me] = st.quarantine_bytes;
      uint64_t h = __atomic_load_n(&ig_table()->quarantine_bytes, __ATOMIC_RELAXED);
      if (h > qt_max_header[me]) qt_max_header[me] = h;
    }
  }
  return NULL;
}

static void test_quarantine_threads(void) {
  ig_stats_t before, st;
  ig_get_stats(&before);
  for (int wave = 0; wave < 3; wave++) {
    pthread_t th[QT_THREADS];
    for (int t = 0; t < QT_THREADS; t++) pthread_create(&th[t], NULL, qt_worker, (void *)(intptr_t)t);
    for (int t = 0; t < QT_THREADS; t++) pthread_join(th[t], NULL);
  }
  for (int t = 0; t < QT_THREADS; t++) {
    CHECK(qt_max_stats[t] <= QT_BOUND + QT_SLACK);
    CHECK(qt_max_header[t] <= QT_BOUND + QT_SLACK);
  }
  for (int i = 0; i < QT_SLOTS; i++)
    if (qt_slot[i]) ig_free(qt_slot[i]);
  ig_get_stats(&st);
  CHECK_EQ(st.live_blocks, before.live_blocks); /* every block freed, whichever thread freed it */
  CHECK_EQ(st.total_allocs - before.total_allocs, st.total_frees - before.total_frees);
  CHECK(st.quarantine_bytes <= QT_BOUND + (1u << 17) + 4096); /* one thread left: one batch of slack */
  CHECK(st.quarantine_bytes >= QT_BOUND / 2);                 /* exited threads' blocks are still held */
  /* more than the bound of 1024-byte frees: orphans go first, then the main thread's older entries */
  for (int i = 0; i < 2 * (int)(QT_BOUND / 1024); i++) ig_free(ig_malloc(1024));
  ig_get_stats(&st);
  CHECK(st.quarantine_blocks > 0);
  CHECK_EQ(st.quarantine_bytes, st.quarantine_blocks * 1024); /* nothing of the workers is left */
  CHECK(st.quarantine_bytes >= QT_BOUND / 2 && st.quarantine_bytes <= QT_BOUND + (1u << 17) + 4096);
  CHECK_EQ(st.live_blocks, before.live_blocks);
}

static void test_stats(void) {
  ig_stats_t a, b;
  ig_get_stats(&a);
  void *p = ig_malloc(1000);
  ig_get_stats(&b);
  CHECK_EQ(b.total_allocs, a.total_allocs + 1);
  CHECK_EQ(b.live_blocks, a.live_blocks + 1);
  CHECK_EQ(b.live_block_bytes, a.live_block_bytes + 1000);
  CHECK_EQ(b.live_ranges, a.live_ranges + 1);
  ig_free(p);
  ig_get_stats(&b);
  CHECK_EQ(b.total_frees, a.total_frees + 1);
  CHECK_EQ(b.live_blocks, a.live_blocks);
}

/* The default fill (max_malloc_fill_size=4096) is partial, and the table header says so for the validator. */
static void test_partial_fill_is_published(void) {
  CHECK_EQ(ig_table()->fill_flags, IG_TABLE_F_PARTIAL_FILL);
  CHECK_EQ(ig_table()->fill_size, 4096);
  unsigned char *p = ig_malloc(60000);
  CHECK(p != NULL);
  CHECK_EQ(p[4095], 0xbe);
  ig_free(p);
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  /* before this process's ig_init: its forked children initialise with their own options */
  RUN(test_quarantine_off_keeps_freed_blocks_in_reuse);
  ig_init("quarantine_mb=1", 0);
  ig_set_report_hook(hook, NULL);
  RUN(test_malloc_basic);
  RUN(test_redzone_scaling);
  RUN(test_overflow_into_class_slack);
  RUN(test_reused_block_freed_then_live);
  RUN(test_reuse_from_the_next_class);
  RUN(test_write_after_free_then_reused);
  RUN(test_reuse_two_threads_one_class);
  RUN(test_state_beyond_the_first_bin);
  RUN(test_block_start_in_a_later_bin);
  RUN(test_region_beyond_the_first_bin);
  RUN(test_calloc);
  RUN(test_aligned);
  RUN(test_realloc);
  RUN(test_poison);
  RUN(test_double_free);
  RUN(test_invalid_free);
  RUN(test_garbage_pointers);
  RUN(test_overflow_at_free);
  RUN(test_verify);
  RUN(test_check_native);
  RUN(test_set_alloc_site);
  RUN(test_write_after_free_on_eviction);
  RUN(test_quarantine_bound);
  RUN(test_quarantine_threads);
  RUN(test_stats);
  RUN(test_partial_fill_is_published);
  TEST_MAIN_END();
}
