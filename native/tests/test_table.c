/* test_table.c - unit tests of the shadow table and interval index: register/release/set_flags/get, stale
 * ids, lookup classification, overlap priority, large ranges, history eviction, table-full, sites, the
 * binary layout of the header and its slot high-water mark; runs under CTest. */
#include "interopguard.h"
#include "ig_test.h"

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

static char arena[1 << 20] __attribute__((aligned(4096)));

static void test_header_layout(void) {
  const ig_table_header_t *h = ig_table();
  CHECK(h == ig_shadow_table);
  CHECK(memcmp(h->magic, "IGTABLE", 8) == 0);
  CHECK_EQ(h->version, IG_TABLE_VERSION);
  CHECK_EQ(h->header_size, 256);
  CHECK_EQ(h->range_size, 96);
  CHECK_EQ(h->site_size, 256);
  CHECK_EQ(h->ranges_per_chunk, 65536);
  CHECK_EQ(h->max_chunks, 1);
  CHECK(h->chunks != 0);
  CHECK(h->sites != 0);
  CHECK_EQ(h->site_capacity, 65536);
  CHECK_EQ(h->pid, (uint64_t)getpid());
  CHECK_EQ(h->canary_byte & 0xff, 0xfc);
  CHECK_EQ(offsetof(ig_table_header_t, chunk_count), 40);
  CHECK_EQ(offsetof(ig_table_header_t, canary_byte), 112);
  CHECK_EQ(offsetof(ig_table_header_t, slot_limit), 160);
  CHECK_EQ(offsetof(ig_range_t, state), 68);
  CHECK_EQ(offsetof(ig_range_t, redzone_right), 94);
  CHECK_EQ(offsetof(ig_site_t, file), 128);
}

/* Walks the table the way the validator does (docs/design/shadow-table.md): the slots below slot_limit, in the
 * chunks published; finds a record by id. */
static int outside_reader_finds(uint64_t id, ig_range_t *out) {
  const ig_table_header_t *h = ig_shadow_table;
  if (memcmp(h->magic, IG_TABLE_MAGIC, 8) != 0 || h->range_size != sizeof(ig_range_t)) return 0;
  uint64_t limit = __atomic_load_n(&h->slot_limit, __ATOMIC_ACQUIRE);
  uint64_t chunks = __atomic_load_n(&h->chunk_count, __ATOMIC_ACQUIRE);
  const uint64_t *dir = (const uint64_t *)(uintptr_t)h->chunks;
  for (uint64_t c = 0; c < chunks && c * h->ranges_per_chunk < limit; c++) {
    const ig_range_t *rec = (const ig_range_t *)(uintptr_t)dir[c];
    for (uint64_t i = 0; i < h->ranges_per_chunk && c * h->ranges_per_chunk + i < limit; i++) {
      uint32_t s1 = __atomic_load_n(&rec[i].state, __ATOMIC_ACQUIRE);
      if (s1 == IG_STATE_EMPTY) continue;
      ig_range_t copy = rec[i];
      uint32_t s2 = __atomic_load_n(&rec[i].state, __ATOMIC_ACQUIRE);
      if (s1 != s2 || copy.id != rec[i].id) continue; /* torn: a real reader retries */
      if (copy.id == id) { *out = copy; return 1; }
    }
  }
  return 0;
}

static void test_register_release(void) {
  uint32_t site = ig_site_intern("pin.cs", 10, "Pin");
  uint32_t rsite = ig_site_intern("pin.cs", 20, "Dispose");
  uint64_t id = 0;
  CHECK_EQ(ig_range_register(IG_RANGE_MANAGED_PIN, arena, 100, IG_RANGE_F_CALL_SCOPED, site, 77, &id), IG_OK);
  CHECK(id != 0);
  ig_range_t r;
  CHECK_EQ(ig_range_get(id, &r), IG_OK);
  CHECK_EQ(r.id, id);
  CHECK_EQ(r.start, (uintptr_t)arena);
  CHECK_EQ(r.size, 100);
  CHECK_EQ(r.kind, IG_RANGE_MANAGED_PIN);
  CHECK_EQ(r.state, IG_STATE_LIVE);
  CHECK_EQ(r.flags, IG_RANGE_F_CALL_SCOPED);
  CHECK_EQ(r.alloc_site, site);
  CHECK_EQ(r.user_tag, 77);
  CHECK_EQ(r.alloc_tid, (uint32_t)r.alloc_tid);
  CHECK(r.alloc_seq > 0);
  CHECK_EQ(r.release_seq, 0);
  CHECK_EQ(r.redzone_left, 0);
  ig_range_t seen;
  CHECK(outside_reader_finds(id, &seen));
  CHECK_EQ(seen.size, 100);

  CHECK_EQ(ig_range_set_flags(id, IG_RANGE_F_RETAINED | 0x10000, IG_RANGE_F_CALL_SCOPED), IG_OK);
  ig_range_get(id, &r);
  CHECK_EQ(r.flags, IG_RANGE_F_RETAINED | 0x10000);
  CHECK_EQ(ig_range_set_flags(id, IG_RANGE_F_ALIGNED, 0), IG_OK);
  ig_range_get(id, &r);
  CHECK_EQ(r.flags & IG_RANGE_F_ALIGNED, 0);

  CHECK_EQ(ig_lookup(arena + 50, 50, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(ig_check(arena + 50, 50, NULL), IG_KIND_NONE);
  ig_violation_t v;
  CHECK_EQ(ig_check(arena + 50, 51, &v), IG_KIND_NATIVE_BUFFER_OVERFLOW);

  ig_range_t out;
  CHECK_EQ(ig_range_release(id, rsite, &out), IG_OK);
  CHECK_EQ(out.state, IG_STATE_RELEASED);
  CHECK_EQ(out.release_site, rsite);
  CHECK_EQ(ig_range_release(id, rsite, &out), IG_ERR_STATE);
  CHECK_EQ(out.state, IG_STATE_RELEASED);
  CHECK_EQ(ig_range_release(id, rsite, NULL), IG_ERR_STATE);
  CHECK_EQ(ig_range_set_flags(id, 1, 0), IG_ERR_STATE);
  CHECK_EQ(ig_range_get(id, &r), IG_OK);
  CHECK(r.release_seq > r.alloc_seq);
  CHECK_EQ(ig_check(arena + 10, 4, &v), IG_KIND_USE_AFTER_UNPIN);
  CHECK_EQ(v.range.id, id);
  CHECK_EQ(v.address, (uintptr_t)(arena + 10));
  CHECK(outside_reader_finds(id, &seen));
  CHECK_EQ(seen.state, IG_STATE_RELEASED);
}

static void test_bad_args(void) {
  uint64_t id;
  CHECK_EQ(ig_range_register(IG_RANGE_NATIVE_BLOCK, arena, 10, 0, 0, 0, &id), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_range_register(0, arena, 10, 0, 0, 0, &id), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_range_register(99, arena, 10, 0, 0, 0, &id), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_range_register(IG_RANGE_MANAGED_PIN, NULL, 10, 0, 0, 0, &id), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_range_register(IG_RANGE_MANAGED_PIN, arena, 10, 0, 0, 0, NULL), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_range_register(IG_RANGE_MANAGED_PIN, (void *)0xffff800000000000ull, 10, 0, 0, 0, &id),
           IG_ERR_BAD_ARG);
  CHECK_EQ(ig_range_register(IG_RANGE_MANAGED_PIN, arena, SIZE_MAX, 0, 0, 0, &id), IG_ERR_BAD_ARG);
  CHECK_EQ(ig_range_release(0, 0, NULL), IG_ERR_NOT_FOUND);
  CHECK_EQ(ig_range_release(0xffffffffffffffffull, 0, NULL), IG_ERR_NOT_FOUND);
  CHECK_EQ(ig_range_release(5, 0, NULL), IG_ERR_NOT_FOUND); /* generation 0 */
  CHECK_EQ(ig_range_get(0, NULL), IG_ERR_BAD_ARG);
  ig_range_t r;
  CHECK_EQ(ig_range_get(0, &r), IG_ERR_NOT_FOUND);
  CHECK_EQ(ig_range_get(((uint64_t)7 << 32) | 3000000, &r), IG_ERR_NOT_FOUND);
  CHECK_EQ(ig_range_set_flags(0, 1, 0), IG_ERR_NOT_FOUND);
  void *p = ig_malloc(8);
  ig_lookup(p, 1, &r);
  CHECK_EQ(ig_range_release(r.id, 0, NULL), IG_ERR_BAD_ARG); /* blocks are freed with ig_free */
  CHECK_EQ(ig_range_get(r.id, &r), IG_OK);
  ig_free(p);
}

static void test_size_zero_and_one_past_end(void) {
  uint64_t id;
  CHECK_EQ(ig_range_register(IG_RANGE_NATIVE_REGION, arena + 4000, 0, 0, 0, 0, &id), IG_OK);
  ig_range_t r;
  ig_range_get(id, &r);
  CHECK_EQ(r.size, 1);
  CHECK_EQ(ig_lookup(arena + 4000, 1, NULL), IG_LOOKUP_INSIDE);
  CHECK_EQ(ig_lookup(arena + 4000, 0, NULL), IG_LOOKUP_INSIDE);
  CHECK_EQ(ig_lookup(arena + 4001, 0, NULL), IG_LOOKUP_UNKNOWN);
  ig_range_release(id, 0, NULL);

  uint64_t a;
  ig_range_register(IG_RANGE_MAPPED_VIEW, arena + 8192, 64, 0, 0, 0, &a);
  CHECK_EQ(ig_lookup(arena + 8192 + 64, 0, NULL), IG_LOOKUP_UNKNOWN); /* not in the extent */
  CHECK_EQ(ig_lookup(arena + 8192 + 63, 1, NULL), IG_LOOKUP_INSIDE);
  CHECK_EQ(ig_lookup(arena + 8192 + 63, 2, NULL), IG_LOOKUP_OUTSIDE);
  CHECK_EQ(ig_lookup(arena + 8191, 1, NULL), IG_LOOKUP_UNKNOWN);
  ig_violation_t v;
  ig_range_release(a, 0, NULL);
  CHECK_EQ(ig_check(arena + 8200, 1, &v), IG_KIND_USE_AFTER_UNMAP);

  /* native block: one past the end with len 0 is inside; with len 1 it is an overflow (redzone) */
  char *p = ig_malloc(40);
  CHECK_EQ(ig_lookup(p + 40, 0, NULL), IG_LOOKUP_INSIDE);
  CHECK_EQ(ig_lookup(p + 40, 1, NULL), IG_LOOKUP_OUTSIDE);
  CHECK_EQ(ig_lookup(p - 1, 1, NULL), IG_LOOKUP_OUTSIDE);
  CHECK_EQ(ig_lookup(p - 48, 1, NULL), IG_LOOKUP_OUTSIDE);
  ig_range_t r2;
  ig_lookup(p, 1, &r2);
  CHECK_EQ(ig_lookup(p + 40 + r2.redzone_right, 1, NULL), IG_LOOKUP_UNKNOWN);
  ig_free(p);
}

static void test_callback(void) {
  uint64_t id;
  ig_range_register(IG_RANGE_CALLBACK, arena + 20000, 1, 0, 0, 0, &id);
  CHECK_EQ(ig_check(arena + 20000, 0, NULL), IG_KIND_NONE);
  ig_range_release(id, 0, NULL);
  CHECK_EQ(ig_check(arena + 20000, 0, NULL), IG_KIND_COLLECTED_DELEGATE_CALLBACK);
}

static void test_overlap_priority(void) {
  char *base = arena + 100000;
  uint64_t old_pin, live_pin, newer_live, sub;
  ig_range_register(IG_RANGE_MANAGED_PIN, base, 1000, 0, 0, 0, &old_pin);
  ig_range_release(old_pin, 0, NULL);
  ig_range_t r;
  CHECK_EQ(ig_lookup(base + 10, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, old_pin);
  ig_range_register(IG_RANGE_MANAGED_PIN, base, 1000, 0, 0, 0, &live_pin);
  CHECK_EQ(ig_lookup(base + 10, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, live_pin); /* live beats released */
  CHECK_EQ(ig_check(base + 10, 1, NULL), IG_KIND_NONE);
  ig_range_register(IG_RANGE_MANAGED_PIN, base, 1000, 0, 0, 0, &newer_live);
  ig_lookup(base + 10, 1, &r);
  CHECK_EQ(r.id, newer_live); /* newest among live */
  ig_range_release(newer_live, 0, NULL);
  ig_lookup(base + 10, 1, &r);
  CHECK_EQ(r.id, live_pin); /* the remaining live pin */
  ig_range_release(live_pin, 0, NULL);
  ig_lookup(base + 10, 1, &r);
  CHECK_EQ(r.id, newer_live); /* among released ones the newest (by alloc_seq) wins */
  /* a live sub-range inside a released larger range */
  ig_range_register(IG_RANGE_MANAGED_PIN, base + 100, 10, 0, 0, 0, &sub);
  CHECK_EQ(ig_lookup(base + 105, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, sub);
  CHECK_EQ(ig_lookup(base + 105, 10, &r), IG_LOOKUP_OUTSIDE);
  CHECK_EQ(ig_lookup(base + 300, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, newer_live);
  ig_range_release(sub, 0, NULL);
}

static void test_repeated_pins_stay_cheap(void) {
  /* Pinning the same array many times keeps one history entry per bin (superseded ones are dropped). */
  char *base = arena + 200000;
  uint64_t id = 0;
  for (int i = 0; i < 5000; i++) {
    CHECK_EQ(ig_range_register(IG_RANGE_MANAGED_PIN, base, 256, 0, 0, 0, &id), IG_OK);
    CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
  }
  ig_range_t r;
  CHECK_EQ(ig_lookup(base, 1, &r), IG_LOOKUP_INSIDE);
  CHECK_EQ(r.id, id);
  CHECK_EQ(r.state, IG_STATE_RELEASED);
}

static void test_large_ranges(void) {
  size_t sizes[] = {(size_t)1 << 16, (size_t)1 << 20, (size_t)1 << 26, (size_t)1 << 32, (size_t)1 << 36};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    /* address space only: the index never touches the memory */
    char *base = (char *)(uintptr_t)(0x100000000000ull + ((uint64_t)i << 40) + 12345);
    uint64_t id;
    CHECK_EQ(ig_range_register(IG_RANGE_MAPPED_VIEW, base, sizes[i], 0, 0, 0, &id), IG_OK);
    ig_range_t r;
    CHECK_EQ(ig_lookup(base, 1, &r), IG_LOOKUP_INSIDE);
    CHECK_EQ(r.id, id);
    CHECK_EQ(ig_lookup(base + sizes[i] / 2 + 3, 8, &r), IG_LOOKUP_INSIDE);
    CHECK_EQ(ig_lookup(base + sizes[i] - 1, 1, &r), IG_LOOKUP_INSIDE);
    CHECK_EQ(ig_lookup(base + sizes[i] - 1, 2, &r), IG_LOOKUP_OUTSIDE);
    CHECK_EQ(ig_lookup(base + sizes[i], 1, &r), IG_LOOKUP_UNKNOWN);
    CHECK_EQ(ig_lookup(base - 1, 1, &r), IG_LOOKUP_UNKNOWN);
    /* a small live range inside the large one wins */
    uint64_t small;
    ig_range_register(IG_RANGE_MANAGED_PIN, base + 4096, 16, 0, 0, 0, &small);
    CHECK_EQ(ig_lookup(base + 4100, 1, &r), IG_LOOKUP_INSIDE);
    CHECK_EQ(r.id, small);
    ig_range_release(small, 0, NULL);
    CHECK_EQ(ig_lookup(base + 4100, 1, &r), IG_LOOKUP_INSIDE);
    CHECK_EQ(r.id, id); /* live large beats the released small one */
    CHECK_EQ(ig_range_release(id, 0, NULL), IG_OK);
    CHECK_EQ(ig_check(base + 5, 1, NULL), IG_KIND_USE_AFTER_UNMAP);
  }
  /* a range that ends exactly at the 47-bit limit */
  uint64_t top;
  char *hi = (char *)(uintptr_t)(0x800000000000ull - 4096);
  CHECK_EQ(ig_range_register(IG_RANGE_NATIVE_REGION, hi, 4096, 0, 0, 0, &top), IG_OK);
  CHECK_EQ(ig_lookup(hi + 4095, 1, NULL), IG_LOOKUP_INSIDE);
  ig_range_release(top, 0, NULL);
}

static void test_history_eviction_and_stale_ids(void) {
  /* release_history=64 in this process */
  uint64_t first;
  char *base = arena + 300000;
  ig_range_register(IG_RANGE_MANAGED_PIN, base, 8, 0, 0, 0, &first);
  ig_range_release(first, 0, NULL);
  for (int i = 0; i < 300; i++) {
    uint64_t id;
    ig_range_register(IG_RANGE_MANAGED_PIN, base + 16 + i * 16, 8, 0, 0, 0, &id);
    ig_range_release(id, 0, NULL);
  }
  ig_range_t r;
  CHECK_EQ(ig_range_get(first, &r), IG_ERR_NOT_FOUND); /* evicted: the id is stale */
  CHECK_EQ(ig_range_release(first, 0, NULL), IG_ERR_NOT_FOUND);
  CHECK_EQ(ig_lookup(base, 1, NULL), IG_LOOKUP_UNKNOWN);
  ig_stats_t st;
  ig_get_stats(&st);
  CHECK(st.released_ranges <= 64 + 64 + 8);
  /* a recycled slot has a new generation: the old id stays invalid */
  uint64_t fresh;
  ig_range_register(IG_RANGE_MANAGED_PIN, base, 8, 0, 0, 0, &fresh);
  CHECK(fresh != first);
  CHECK_EQ(ig_range_get(first, &r), IG_ERR_NOT_FOUND);
  ig_range_release(fresh, 0, NULL);
}

static void test_table_full(void) {
  /* max_ranges=4096 in this process */
  static uint64_t ids[5000];
  int n = 0;
  ig_status_t st = IG_OK;
  while (n < 5000) {
    st = ig_range_register(IG_RANGE_NATIVE_REGION, arena + 500000 + n, 1, 0, 0, 0, &ids[n]);
    if (st != IG_OK) break;
    n++;
  }
  CHECK_EQ(st, IG_ERR_TABLE_FULL);
  CHECK(n > 3000 && n <= 4096);
  CHECK(ig_malloc(10) == NULL); /* the allocator cannot track more blocks either */
  for (int i = 0; i < n; i++) CHECK_EQ(ig_range_release(ids[i], 0, NULL), IG_OK);
  uint64_t id;
  CHECK_EQ(ig_range_register(IG_RANGE_NATIVE_REGION, arena, 1, 0, 0, 0, &id), IG_OK);
  void *p = ig_malloc(10);
  CHECK(p != NULL);
  ig_free(p);
}

/* Every record at or past slot_limit is EMPTY in every published chunk. */
static int records_past_limit(void) {
  const ig_table_header_t *h = ig_shadow_table;
  uint64_t limit = __atomic_load_n(&h->slot_limit, __ATOMIC_ACQUIRE);
  const uint64_t *dir = (const uint64_t *)(uintptr_t)h->chunks;
  int found = 0;
  for (uint64_t c = 0; c < h->chunk_count; c++) {
    const ig_range_t *rec = (const ig_range_t *)(uintptr_t)dir[c];
    for (uint64_t i = 0; i < h->ranges_per_chunk; i++)
      if (c * h->ranges_per_chunk + i >= limit && __atomic_load_n(&rec[i].state, __ATOMIC_ACQUIRE) != IG_STATE_EMPTY) found++;
  }
  return found;
}

/* slot_limit bounds the records a reader must read: it covers every record made, never falls, sits inside the
 * published chunks, and grows with the ranges in use at once, not with the ranges ever made (slots are recycled). */
static void test_slot_limit(void) {
  const ig_table_header_t *h = ig_shadow_table;
  enum { N = 200, ROUNDS = 20 };
  static uint64_t ids[N];
  uint64_t before = h->slot_limit;
  for (int i = 0; i < N; i++)
    CHECK_EQ(ig_range_register(IG_RANGE_NATIVE_REGION, arena + 600000 + i * 8, 8, 0, 0, 0, &ids[i]), IG_OK);
  uint64_t grown = h->slot_limit;
  CHECK(grown >= before);
  CHECK(grown <= h->chunk_count * h->ranges_per_chunk);
  for (int i = 0; i < N; i++) {
    CHECK((ids[i] & 0xffffffffu) < grown);
    ig_range_t seen;
    CHECK(outside_reader_finds(ids[i], &seen));
  }
  CHECK_EQ(records_past_limit(), 0);
  void *p = ig_malloc(32);
  ig_range_t r;
  CHECK(ig_lookup(p, 1, &r) == IG_LOOKUP_INSIDE);
  CHECK((r.id & 0xffffffffu) < h->slot_limit);
  ig_free(p);

  for (int round = 0; round < ROUNDS; round++) {
    for (int i = 0; i < N; i++) CHECK_EQ(ig_range_release(ids[i], 0, NULL), IG_OK);
    for (int i = 0; i < N; i++)
      CHECK_EQ(ig_range_register(IG_RANGE_NATIVE_REGION, arena + 600000 + i * 8, 8, 0, 0, 0, &ids[i]), IG_OK);
    CHECK(h->slot_limit >= grown); /* never lowered */
  }
  CHECK_EQ(records_past_limit(), 0);
  /* 4,000 ranges made, at most 200 live and 64 released held at once: the recycled slots keep the limit near that */
  CHECK(h->slot_limit - grown < N + 64 + 2 * 64);
  for (int i = 0; i < N; i++) CHECK_EQ(ig_range_release(ids[i], 0, NULL), IG_OK);
}

static void test_sites(void) {
  uint32_t a = ig_site_intern("/src/x/Foo.cs", 12, "Foo.Bar()");
  uint32_t b = ig_site_intern("/src/x/Foo.cs", 12, "Foo.Bar()");
  uint32_t c = ig_site_intern("/src/x/Foo.cs", 13, "Foo.Bar()");
  uint32_t d = ig_site_intern(NULL, 0, NULL);
  CHECK(a != 0);
  CHECK_EQ(a, b);
  CHECK(c != a);
  CHECK(d != 0 && d != a);
  CHECK_EQ(ig_site_intern("", 0, ""), d);
  ig_site_t s;
  CHECK_EQ(ig_site_get(a, &s), IG_OK);
  CHECK_EQ(s.id, a);
  CHECK_EQ(s.line, 12);
  CHECK_STR(s.file, "/src/x/Foo.cs");
  CHECK_STR(s.function, "Foo.Bar()");
  CHECK_EQ(ig_site_get(0, &s), IG_ERR_NOT_FOUND);
  CHECK_EQ(ig_site_get(999999, &s), IG_ERR_NOT_FOUND);
  char longpath[400], longfn[300];
  memset(longpath, 'p', sizeof longpath);
  memcpy(longpath + sizeof longpath - 12, "/Tail.cs", 9);
  memset(longfn, 'f', sizeof longfn - 1);
  longfn[sizeof longfn - 1] = 0;
  uint32_t l = ig_site_intern(longpath, 5, longfn);
  CHECK_EQ(ig_site_get(l, &s), IG_OK);
  CHECK_EQ(strlen(s.file), 127);
  CHECK(strcmp(s.file + 127 - 8, "/Tail.cs") == 0);
  CHECK(strncmp(s.file, "...", 3) == 0);
  CHECK_EQ(strlen(s.function), 119);
  CHECK_EQ(ig_site_intern(longpath, 5, longfn), l);
  const ig_table_header_t *h = ig_table();
  CHECK(h->site_count >= 4); /* a, c, d and l at least */
  const ig_site_t *arr = (const ig_site_t *)(uintptr_t)h->sites;
  CHECK_EQ(arr[a - 1].id, a);
  CHECK_EQ(ig_kind_name(IG_KIND_DOUBLE_FREE)[0], 'd');
  CHECK_STR(ig_kind_name(IG_KIND_NATIVE_USE_AFTER_FREE), "native-use-after-free");
  CHECK_STR(ig_kind_name(IG_KIND_LEAKED_PIN), "leaked-pin");
  CHECK_STR(ig_kind_name(IG_KIND_COUNT), "");
  CHECK_STR(ig_kind_name(0xffffffffu), "");
}

static void test_many_ranges_lookup(void) {
  /* dense small ranges in one region: lookups of every interior byte find the right one */
  char *base = arena + 600000;
  static uint64_t ids[1000];
  for (int i = 0; i < 1000; i++) ig_range_register(IG_RANGE_MANAGED_PIN, base + i * 24, 20, 0, 0, 0, &ids[i]);
  int bad = 0;
  for (int i = 0; i < 1000; i++) {
    ig_range_t r;
    for (int k = 0; k < 24; k++) {
      ig_lookup_result_t res = ig_lookup(base + i * 24 + k, 1, &r);
      if (k < 20 ? (res != IG_LOOKUP_INSIDE || r.id != ids[i]) : res != IG_LOOKUP_UNKNOWN) bad++;
    }
  }
  CHECK_EQ(bad, 0);
  for (int i = 0; i < 1000; i++) ig_range_release(ids[i], 0, NULL);
}

/* Overlapping live and released ranges of every size class (so across index levels), checked against
 * a brute-force model: ig_lookup keeps full priority (live beats released, newest wins); ig_check
 * answers "no violation" as soon as any live range holds the whole access, else blames the range
 * ig_lookup would pick. Each round uses its own part of the area, so older rounds' history is out of
 * the way; fewer than release_history releases per round, so nothing is evicted mid-round. */
static char model_area[8 << 20] __attribute__((aligned(1 << 18)));

typedef struct model_range {
  uint64_t id;
  size_t start, size; /* offsets into the round's part of model_area */
  int live;
} model_range_t;

static uint64_t model_rnd(uint64_t *x) {
  *x = *x * 6364136223846793005ull + 1442695040888963407ull;
  return *x >> 33;
}

static void test_index_model(void) {
  enum { ROUNDS = 4, N = 40, PART = 2 << 20, PROBES = 20000 };
  uint64_t x = 42;
  int bad_lookup = 0, bad_check = 0;
  for (int round = 0; round < ROUNDS; round++) {
    char *part = model_area + (size_t)round * PART;
    model_range_t m[N];
    for (int i = 0; i < N; i++) {
      uint64_t cls = model_rnd(&x) % 4;
      size_t size = cls == 0 ? 1 + model_rnd(&x) % 200 : cls == 1 ? 1 + model_rnd(&x) % 5000
                  : cls == 2 ? 4096 + model_rnd(&x) % 60000 : 100000 + model_rnd(&x) % 900000;
      size_t start = model_rnd(&x) % (PART - size);
      if (model_rnd(&x) % 3 == 0 && i > 0) start = m[model_rnd(&x) % (uint64_t)i].start; /* same start */
      if (size > PART - start) size = PART - start;
      m[i].start = start;
      m[i].size = size;
      m[i].live = 1;
      CHECK_EQ(ig_range_register(IG_RANGE_MANAGED_PIN, part + start, size, 0, 0, 0, &m[i].id), IG_OK);
      if (model_rnd(&x) % 2 == 0) {
        CHECK_EQ(ig_range_release(m[i].id, 0, NULL), IG_OK);
        m[i].live = 0;
      }
    }
    for (int p = 0; p < PROBES; p++) {
      int r0 = (int)(model_rnd(&x) % N);
      size_t a = p % 4 == 0 ? model_rnd(&x) % PART : m[r0].start + model_rnd(&x) % (m[r0].size + 8);
      if (a >= PART) a = PART - 1;
      size_t len = model_rnd(&x) % 3 == 0 ? 0 : 1 + model_rnd(&x) % 64;
      int best = -1, granted = 0;
      for (int i = 0; i < N; i++) {
        if (a < m[i].start || a >= m[i].start + m[i].size) continue;
        if (m[i].live && len <= m[i].start + m[i].size - a) granted = 1;
        /* released ranges with the same extent as a later one left the index at its insert */
        int superseded = 0;
        for (int j = i + 1; j < N && !m[i].live; j++)
          superseded |= m[j].start == m[i].start && m[j].size == m[i].size;
        if (superseded) continue;
        if (best < 0 || m[i].live > m[best].live || (m[i].live == m[best].live && i > best)) best = i;
      }
      ig_range_t r;
      ig_lookup_result_t res = ig_lookup(part + a, len, &r);
      if (best < 0 ? res != IG_LOOKUP_UNKNOWN : res == IG_LOOKUP_UNKNOWN || r.id != m[best].id) bad_lookup++;
      ig_kind_t want = granted || best < 0 ? IG_KIND_NONE
                     : m[best].live ? IG_KIND_NATIVE_BUFFER_OVERFLOW : IG_KIND_USE_AFTER_UNPIN;
      ig_violation_t v;
      if (ig_check(part + a, len, NULL) != want || ig_check(part + a, len, &v) != want) bad_check++;
    }
    for (int i = 0; i < N; i++)
      if (m[i].live) ig_range_release(m[i].id, 0, NULL);
  }
  CHECK_EQ(bad_lookup, 0);
  CHECK_EQ(bad_check, 0);
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  ig_init("max_ranges=4096:release_history=64:quarantine_mb=0", 0);
  RUN(test_header_layout);
  RUN(test_register_release);
  RUN(test_bad_args);
  RUN(test_size_zero_and_one_past_end);
  RUN(test_callback);
  RUN(test_overlap_priority);
  RUN(test_repeated_pins_stay_cheap);
  RUN(test_large_ranges);
  RUN(test_history_eviction_and_stale_ids);
  RUN(test_sites);
  RUN(test_many_ranges_lookup);
  RUN(test_index_model);
  RUN(test_slot_limit);
  RUN(test_table_full);
  TEST_MAIN_END();
}
