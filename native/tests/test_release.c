/* test_release.c - unit tests of release mode (ig_init with IG_INIT_RELEASE): the flag and its default sample rate,
 * unsampled blocks that are plain malloc blocks (untracked, freed by free(), realloc'd by realloc, zeroed, aligned),
 * sampled blocks that keep their guarded-pool record and fault with a report, and nothing changed without the flag;
 * every case runs in a forked child, since each needs its own ig_init and some of them die. */
#include "interopguard.h"
#include "ig_test.h"
#include "ig_fork_test.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

static long page;

#define run ig_fork_run

/* A child that must exit 0; prints what it said otherwise. */
#define CHECK_CHILD_OK(st)                                                                                \
  do {                                                                                                    \
    CHECK(exited_ok(st));                                                                                 \
    if (!exited_ok(st)) fprintf(stderr, "%s", captured);                                                 \
  } while (0)

static int is_plain(const void *p) { /* a plain block: outside the pool, unknown to the shadow table */
  ig_range_t r;
  return ig_guarded_info(p, NULL, NULL) == 0 && ig_lookup(p, 1, &r) == IG_LOOKUP_UNKNOWN;
}

static int is_sampled_live(const void *p, size_t size) {
  ig_range_t r;
  return ig_guarded_info(p, NULL, NULL) == 1 && ig_lookup(p, size, &r) == IG_LOOKUP_INSIDE &&
         r.state == IG_STATE_LIVE && r.kind == IG_RANGE_NATIVE_BLOCK && r.size == size;
}

/* ---------------------------------------------------------------------------------------------------
 * The flag, the default sample rate, and the options text.
 * ------------------------------------------------------------------------------------------------ */
static void child_flag_defaults(void) {
  int fails = 0;
  EXPECT(ig_release_mode() == 1);
  EXPECT(ig_option_int("sample_rate") == IG_RELEASE_SAMPLE_RATE);
  uint64_t lo = 0, hi = 0;
  ig_guarded_info(NULL, &lo, &hi);
  EXPECT(lo != 0 && hi > lo); /* release mode samples: the pool exists */
  CHILD_END();
}

static void test_flag_sets_release_mode_and_default_rate(void) {
  CHECK_CHILD_OK(run("", IG_INIT_RELEASE, child_flag_defaults));
  CHECK(captured[0] == 0); /* nothing printed */
}

static void child_env_options(void) {
  int fails = 0;
  setenv("INTEROPGUARD_OPTIONS", "sample_rate=3", 1);
  ig_init(NULL, IG_INIT_RELEASE); /* NULL: the environment's options, release flag still applies */
  EXPECT(ig_release_mode() == 1);
  EXPECT(ig_option_int("sample_rate") == 3);
  CHILD_END();
}

static void test_null_options_read_environment_in_release_mode(void) {
  CHECK_CHILD_OK(run(NULL, NO_INIT, child_env_options));
}

static void child_no_flag(void) {
  int fails = 0;
  EXPECT(ig_release_mode() == 0);
  EXPECT(ig_option_int("sample_rate") == 0); /* the default of modes 1 and 2: no sampling */
  uint64_t lo = 1;
  ig_guarded_info(NULL, &lo, NULL);
  EXPECT(lo == 0);
  uint8_t *p = ig_malloc(40);
  ig_range_t r;
  EXPECT(ig_lookup(p, 40, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_LIVE); /* tracked, as always */
  EXPECT(ig_usable_size(p) == 40);                                              /* exact, not malloc's */
  p[40] = 1;                                                                   /* into the heap redzone */
  ig_violation_t v;
  EXPECT(ig_free_at(p, 0, &v) == IG_ERR_OVERFLOW && v.kind == IG_KIND_NATIVE_BUFFER_OVERFLOW);
  EXPECT(ig_lookup(p, 1, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_FREED);
  EXPECT(ig_check(p, 1, &v) == IG_KIND_NATIVE_USE_AFTER_FREE);
  CHILD_END();
}

static void test_without_flag_nothing_changes(void) {
  CHECK_CHILD_OK(run("", 0, child_no_flag));
}

static void child_lazy_init(void) { /* no ig_init at all: the lazy initialisation is never release mode */
  int fails = 0;
  void *p = ig_malloc(8);
  EXPECT(ig_release_mode() == 0);
  ig_range_t r;
  EXPECT(ig_lookup(p, 8, &r) == IG_LOOKUP_INSIDE);
  ig_free(p);
  CHILD_END();
}

static void test_lazy_init_is_not_release_mode(void) {
  CHECK_CHILD_OK(run(NULL, NO_INIT, child_lazy_init));
}

static void child_rate_7(void) {
  int fails = 0;
  EXPECT(ig_option_int("sample_rate") == 7);
  void *p[22];
  for (int i = 0; i < 22; i++) p[i] = ig_malloc(24);
  /* the countdown samples the thread's first allocation, then every 7th */
  for (int i = 0; i < 22; i++) {
    if (i % 7 == 0) EXPECT(is_sampled_live(p[i], 24));
    else EXPECT(is_plain(p[i]));
  }
  for (int i = 0; i < 22; i++) ig_free(p[i]);
  CHILD_END();
}

static void test_options_sample_rate_wins_and_samples_every_nth(void) {
  CHECK_CHILD_OK(run("sample_rate=7", IG_INIT_RELEASE, child_rate_7));
}

static void child_default_rate_pattern(void) {
  int fails = 0;
  enum { N = 2 * IG_RELEASE_SAMPLE_RATE + 1 };
  static void *p[N];
  int sampled = 0;
  for (int i = 0; i < N; i++) {
    p[i] = ig_malloc(16);
    if (ig_guarded_info(p[i], NULL, NULL)) {
      sampled++;
      EXPECT(i % IG_RELEASE_SAMPLE_RATE == 0);
    }
  }
  EXPECT(sampled == 3); /* blocks 0, IG_RELEASE_SAMPLE_RATE and twice that */
  for (int i = 0; i < N; i++) ig_free(p[i]);
  CHILD_END();
}

static void test_default_rate_samples_one_in_20000(void) {
  CHECK_CHILD_OK(run("", IG_INIT_RELEASE, child_default_rate_pattern));
}

static void child_bad_rate_keeps_release_default(void) {
  int fails = 0;
  EXPECT(ig_release_mode() == 1);
  EXPECT(ig_option_int("sample_rate") == IG_RELEASE_SAMPLE_RATE);
  CHILD_END();
}

static void test_bad_sample_rate_warns_and_keeps_release_default(void) {
  CHECK_CHILD_OK(run("sample_rate=often", IG_INIT_RELEASE, child_bad_rate_keeps_release_default));
  CHECK(strstr(captured, "sample_rate") != NULL); /* the warning names the option */
}

static void child_rate_0(void) {
  int fails = 0;
  EXPECT(ig_release_mode() == 1);
  EXPECT(ig_option_int("sample_rate") == 0);
  uint64_t lo = 1, hi = 1;
  ig_guarded_info(NULL, &lo, &hi);
  EXPECT(lo == 0 && hi == 0); /* no pool */
  void *p[8];
  for (int i = 0; i < 8; i++) p[i] = ig_malloc(32);
  for (int i = 0; i < 8; i++) EXPECT(is_plain(p[i])); /* the first one too: nothing is sampled */
  for (int i = 0; i < 8; i++) ig_free(p[i]);
  CHILD_END();
}

static void test_explicit_sample_rate_0_has_no_pool(void) {
  CHECK_CHILD_OK(run("sample_rate=0", IG_INIT_RELEASE, child_rate_0));
  CHECK(captured[0] == 0);
}

/* ---------------------------------------------------------------------------------------------------
 * Unsampled blocks: plain malloc blocks (release mode with sample_rate=0 makes every block one).
 * ------------------------------------------------------------------------------------------------ */
#define PLAIN "sample_rate=0"

static void child_plain_untracked(void) {
  int fails = 0;
  uint8_t *p = ig_malloc(40);
  EXPECT(p != NULL && is_plain(p));
  memset(p, 0x5A, 40);
  ig_violation_t v;
  EXPECT(ig_check(p, 40, &v) == IG_KIND_NONE);     /* unknown to the table: allowed, never reported */
  EXPECT(ig_check(p, 4096, &v) == IG_KIND_NONE);   /* no bounds known: no overflow either */
  EXPECT(ig_usable_size(p) == malloc_usable_size(p));
  EXPECT(ig_usable_size(p) >= 40);
  EXPECT(ig_verify(NULL, 0) == 0);
  EXPECT(ig_free_at(p, 0, &v) == IG_OK);
  EXPECT(ig_lookup(p, 1, NULL) == IG_LOOKUP_UNKNOWN); /* no FREED record either */
  EXPECT(ig_check(p, 1, &v) == IG_KIND_NONE);          /* the documented limit: an unsampled free is not tracked */
  /* the chunk went back to malloc at once */
#if defined(__SANITIZE_ADDRESS__)
  EXPECT(__asan_address_is_poisoned(p)); /* ASan's malloc poisons a freed chunk and holds it in its own quarantine */
#else
  void *again = malloc(40); /* glibc's per-thread cache hands the same chunk out next */
  EXPECT(again == p);
  free(again);
#endif
  CHILD_END();
}

static void test_plain_block_is_untracked_and_freed_by_free(void) {
  CHECK_CHILD_OK(run(PLAIN, IG_INIT_RELEASE, child_plain_untracked));
  CHECK(captured[0] == 0);
}

static void child_plain_calloc(void) {
  int fails = 0;
  uint8_t *dirty = malloc(256);
  memset(dirty, 0xAB, 256);
  free(dirty);
  uint8_t *p = ig_calloc(32, 8); /* likely the dirty chunk again: calloc must zero it */
  EXPECT(p != NULL && is_plain(p));
  int nonzero = 0;
  for (int i = 0; i < 256; i++) nonzero |= p[i];
  EXPECT(nonzero == 0);
  ig_free(p);
  errno = 0;
  EXPECT(ig_calloc(SIZE_MAX / 2, 4) == NULL); /* the product overflows: NULL and ENOMEM, as in every mode */
  EXPECT(errno == ENOMEM);
  CHILD_END();
}

static void test_plain_calloc_zeroes(void) {
  CHECK_CHILD_OK(run(PLAIN, IG_INIT_RELEASE, child_plain_calloc));
}

static void child_plain_realloc(void) {
  int fails = 0;
  uint8_t *p = ig_malloc(16);
  for (int i = 0; i < 16; i++) p[i] = (uint8_t)(i + 1);
  uint8_t *q = ig_realloc(p, 10000);
  EXPECT(q != NULL && is_plain(q)); /* a plain block stays plain */
  int same = 1;
  for (int i = 0; i < 16; i++) same &= q[i] == (uint8_t)(i + 1);
  EXPECT(same);
  EXPECT(ig_usable_size(q) >= 10000 && ig_usable_size(q) == malloc_usable_size(q));
  memset(q, 1, 10000);
  uint8_t *s = ig_realloc(q, 8); /* shrinking keeps the first bytes */
  EXPECT(s != NULL && s[0] == 1 && s[7] == 1);
  EXPECT(ig_realloc(s, 0) == NULL); /* size 0 frees, like glibc */
  uint8_t *n = ig_realloc(NULL, 8);  /* NULL: a new (plain) block */
  EXPECT(n != NULL && is_plain(n));
  ig_free(n);
  CHILD_END();
}

static void test_plain_realloc_is_realloc(void) {
  CHECK_CHILD_OK(run(PLAIN, IG_INIT_RELEASE, child_plain_realloc));
  CHECK(captured[0] == 0);
}

static void child_plain_aligned(void) {
  int fails = 0;
  size_t aligns[] = {32, 64, 256, 4096};
  for (size_t i = 0; i < sizeof aligns / sizeof *aligns; i++) {
    uint8_t *a = ig_aligned_alloc(aligns[i], 100);
    EXPECT(a != NULL && ((uintptr_t)a & (aligns[i] - 1)) == 0);
    EXPECT(is_plain(a)); /* aligned beyond 16: never sampled, so plain even at sample_rate=1 */
    memset(a, 7, 100);
    uint8_t *b = ig_malloc_at(3, aligns[i], 0);
    EXPECT(b != NULL && ((uintptr_t)b & (aligns[i] - 1)) == 0);
    uint8_t *z = ig_calloc(1, 200); /* in between: sampled or not, it must be zero */
    int nonzero = 0;
    for (int k = 0; k < 200; k++) nonzero |= z[k];
    EXPECT(nonzero == 0);
    ig_free(a);
    ig_free(b);
    ig_free(z);
  }
  void *p16 = ig_malloc_at(40, 16, 0);
  EXPECT(((uintptr_t)p16 & 15) == 0);
  ig_free(p16);
  errno = 0;
  EXPECT(ig_aligned_alloc(48, 10) == NULL && errno == EINVAL); /* not a power of two: refused as in every mode */
  CHILD_END();
}

static void test_plain_aligned_alloc_honours_alignment(void) {
  CHECK_CHILD_OK(run(PLAIN, IG_INIT_RELEASE, child_plain_aligned));
  CHECK_CHILD_OK(run("sample_rate=1", IG_INIT_RELEASE, child_plain_aligned));
}

static void child_plain_size_zero(void) {
  int fails = 0;
  void *a = ig_malloc(0), *b = ig_malloc(0), *c = ig_calloc(0, 8), *d = ig_aligned_alloc(64, 0);
  EXPECT(a != NULL && b != NULL && c != NULL && d != NULL);
  EXPECT(a != b && a != c && b != c && a != d && b != d && c != d); /* unique */
  EXPECT(is_plain(a) && is_plain(b) && is_plain(c) && is_plain(d));
  EXPECT(((uintptr_t)d & 63) == 0);
  ig_free(a); ig_free(b); ig_free(c); ig_free(d);
  ig_free(NULL); /* as free(NULL) */
  CHILD_END();
}

static void test_plain_size_zero_is_unique_non_null(void) {
  CHECK_CHILD_OK(run(PLAIN, IG_INIT_RELEASE, child_plain_size_zero));
}

static void child_too_large_for_a_slot(void) {
  int fails = 0;
  uint8_t *big = ig_malloc((size_t)page); /* sampled by the countdown, too large for a slot: plain */
  EXPECT(big != NULL && is_plain(big));
  memset(big, 3, (size_t)page);
  uint8_t *next = ig_malloc(32); /* the next one fits: sampled */
  EXPECT(is_sampled_live(next, 32));
  ig_free(big);
  ig_free(next);
  CHILD_END();
}

static void test_block_too_large_for_a_slot_is_plain(void) {
  CHECK_CHILD_OK(run("sample_rate=1", IG_INIT_RELEASE, child_too_large_for_a_slot));
}

static void child_table_full(void) {
  int fails = 0;
  void *p[40];
  int plain = 0, sampled = 0;
  for (int i = 0; i < 40; i++) {
    p[i] = ig_malloc(32);
    EXPECT(p[i] != NULL); /* a full table never fails an allocation in release mode */
    if (p[i] != NULL) memset(p[i], 1, 32);
    if (is_plain(p[i])) plain++;
    else if (is_sampled_live(p[i], 32)) sampled++;
  }
  EXPECT(sampled > 0 && sampled <= 16);
  EXPECT(plain + sampled == 40);
  for (int i = 0; i < 40; i++) ig_free(p[i]);
  CHILD_END();
}

static void test_table_full_gives_plain_blocks(void) {
  CHECK_CHILD_OK(run("sample_rate=1:max_ranges=16", IG_INIT_RELEASE, child_table_full));
}

/* ---------------------------------------------------------------------------------------------------
 * Sampled blocks: a shadow-table record, a freed record, and faults with reports, as in every mode.
 * ------------------------------------------------------------------------------------------------ */
static void child_sampled_record(void) {
  int fails = 0;
  uint8_t *p = ig_malloc(32);
  EXPECT(is_sampled_live(p, 32));
  EXPECT(ig_usable_size(p) == 32); /* the record's size, not malloc's */
  ig_violation_t v;
  EXPECT(ig_check(p, 32, &v) == IG_KIND_NONE); /* the nearest correct code: a live block */
  EXPECT(ig_check(p, 33, &v) == IG_KIND_NATIVE_BUFFER_OVERFLOW); /* its bounds are known */
  EXPECT(ig_free_at(p, 0, &v) == IG_OK);
  ig_range_t r;
  EXPECT(ig_lookup(p, 1, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_FREED);
  memset(&v, 0, sizeof v);
  EXPECT(ig_check(p + 8, 4, &v) == IG_KIND_NATIVE_USE_AFTER_FREE);
  EXPECT(v.kind == IG_KIND_NATIVE_USE_AFTER_FREE && v.address == (uint64_t)(uintptr_t)(p + 8));
  EXPECT(ig_usable_size(p) == 0); /* freed */
  EXPECT(ig_free_at(p, 0, &v) == IG_ERR_DOUBLE_FREE && v.kind == IG_KIND_DOUBLE_FREE);
  CHILD_END();
}

static void test_sampled_block_has_record_and_freed_record(void) {
  CHECK_CHILD_OK(run("sample_rate=1", IG_INIT_RELEASE, child_sampled_record));
  CHECK(captured[0] == 0);
}

static void child_sampled_realloc(void) {
  int fails = 0;
  uint8_t *a = ig_malloc(24); /* sampled (first of the thread) */
  EXPECT(is_sampled_live(a, 24));
  for (int i = 0; i < 24; i++) a[i] = (uint8_t)(100 + i);
  uint8_t *b = ig_realloc(a, 48); /* the new block is the 2nd allocation: plain at sample_rate=2 */
  EXPECT(b != NULL && b != a && is_plain(b));
  int same = 1;
  for (int i = 0; i < 24; i++) same &= b[i] == (uint8_t)(100 + i);
  EXPECT(same);
  ig_violation_t v;
  EXPECT(ig_check(a, 1, &v) == IG_KIND_NATIVE_USE_AFTER_FREE); /* a use after realloc is a use after free */
  EXPECT(ig_usable_size(b) >= 48);
  b = ig_realloc(b, 4096); /* plain stays plain (realloc), whatever the countdown says */
  EXPECT(b != NULL && is_plain(b) && b[23] == (uint8_t)(123));
  ig_free(b);
  CHILD_END();
}

static void test_realloc_of_sampled_block_frees_its_record(void) {
  CHECK_CHILD_OK(run("sample_rate=2", IG_INIT_RELEASE, child_sampled_realloc));
}

static volatile uint8_t sink;

static void child_overflow(void) {
  uint32_t site = ig_site_intern("decoder.c", 42, "make_row");
  uint8_t *p = ig_malloc_at(32, 0, site);
  p[31] = 1; /* the last byte is fine */
  p[32] = 1; /* one past the end: the guard page */
  _exit(0);
}

static void test_sampled_overflow_faults_and_reports(void) {
  int st = run("sample_rate=1", IG_INIT_RELEASE, child_overflow);
  CHECK(died_of(st, SIGSEGV));
  CHECK(strstr(captured, "ERROR: InteropGuard: native-buffer-overflow on address 0x") != NULL);
  CHECK(strstr(captured, ", 0 bytes after 32-byte native buffer [0x") != NULL);
  CHECK(strstr(captured, "  #0 make_row  decoder.c:42\n") != NULL);
  CHECK(strstr(captured, "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_buffer_overflow=0") != NULL);
  CHECK(strstr(captured, "SUMMARY: InteropGuard: native-buffer-overflow decoder.c:42 in make_row\n") != NULL);
  if (!died_of(st, SIGSEGV)) fprintf(stderr, "%s", captured);
}

static void test_sampled_overflow_check_off_faults_silently(void) {
  int st = run("sample_rate=1:detect_native_buffer_overflow=0", IG_INIT_RELEASE, child_overflow);
  CHECK(died_of(st, SIGSEGV));
  CHECK(strstr(captured, "InteropGuard") == NULL);
}

static void test_sampled_overflow_halt_on_error_aborts(void) {
  int st = run("sample_rate=1:halt_on_error=1", IG_INIT_RELEASE, child_overflow);
  CHECK(died_of(st, SIGABRT));
  CHECK(strstr(captured, "ERROR: InteropGuard: native-buffer-overflow") != NULL);
}

static void child_in_bounds(void) { /* the nearest correct code: the last byte, then free */
  uint8_t *p = ig_malloc(32);
  p[31] = 1;
  sink = p[0];
  ig_free(p);
  _exit(0);
}

static void test_sampled_in_bounds_is_silent(void) {
  int st = run("sample_rate=1", IG_INIT_RELEASE, child_in_bounds);
  CHECK(exited_ok(st));
  CHECK(captured[0] == 0);
}

static void child_uaf(void) {
  uint32_t a = ig_site_intern("decoder.c", 40, "decoder_new");
  uint32_t f = ig_site_intern("decoder.c", 131, "decoder_dispose");
  uint8_t *p = ig_malloc_at(64, 0, a);
  ig_free_at(p, f, NULL);
  sink = p[16]; /* read after free: the data page is inaccessible */
  _exit(0);
}

static void test_sampled_use_after_free_faults_and_reports(void) {
  int st = run("sample_rate=1", IG_INIT_RELEASE, child_uaf);
  CHECK(died_of(st, SIGSEGV));
  CHECK(strstr(captured, "ERROR: InteropGuard: native-use-after-free on address 0x") != NULL);
  CHECK(strstr(captured, ", 16 bytes inside of 64-byte native buffer [0x") != NULL);
  CHECK(strstr(captured, "  #0 decoder_dispose  decoder.c:131\n") != NULL);
  CHECK(strstr(captured, "  #0 decoder_new  decoder.c:40\n") != NULL);
  CHECK(strstr(captured, "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_use_after_free=0") != NULL);
  CHECK(strstr(captured, "SUMMARY: InteropGuard: native-use-after-free decoder.c:40 in decoder_new\n") != NULL);
  if (!died_of(st, SIGSEGV)) fprintf(stderr, "%s", captured);
}

static void test_sampled_use_after_free_check_off_faults_silently(void) {
  int st = run("sample_rate=1:detect_native_use_after_free=0", IG_INIT_RELEASE, child_uaf);
  CHECK(died_of(st, SIGSEGV));
  CHECK(strstr(captured, "InteropGuard") == NULL);
}

static void child_read_before_free(void) { /* the nearest correct code: read, then free */
  uint8_t *p = ig_malloc(64);
  sink = p[16];
  ig_free(p);
  _exit(0);
}

static void test_sampled_read_before_free_is_silent(void) {
  int st = run("sample_rate=1", IG_INIT_RELEASE, child_read_before_free);
  CHECK(exited_ok(st));
  CHECK(captured[0] == 0);
}

static void child_plain_overflow_unseen(void) { /* an unsampled block: the same overflow goes unseen */
  uint8_t *first = ig_malloc(32); /* sampled (first of the thread) */
  uint8_t *p = ig_malloc(32);     /* plain at sample_rate=1000 */
  if (!is_plain(p)) _exit(20);
  p[32] = 1;                      /* into malloc's own chunk slack: no fault, no redzone */
  ig_free(p);
  ig_free(first);
  _exit(0);
}

static void test_unsampled_overflow_is_not_detected(void) {
#if defined(__SANITIZE_ADDRESS__)
  SKIP("the case writes into glibc malloc's slack past a 32-byte block; ASan's malloc has none and reports the write");
#endif
  int st = run("sample_rate=1000", IG_INIT_RELEASE, child_plain_overflow_unseen);
  CHECK(exited_ok(st)); /* the documented price of costing what malloc costs */
  CHECK(strstr(captured, "InteropGuard") == NULL);
}

static void child_slack_overflow(void) {
  uint8_t *p = ig_malloc(10); /* 6 bytes of slack before the page end, filled with the canary */
  p[12] = 0;
  ig_free(p);                 /* the canary check at free reports */
  _exit(0);
}

static void test_sampled_slack_overflow_reported_at_free(void) {
  int st = run("sample_rate=1", IG_INIT_RELEASE, child_slack_overflow);
  CHECK(exited_ok(st));
  CHECK(strstr(captured, "ERROR: InteropGuard: native-buffer-overflow on address 0x") != NULL);
  if (strstr(captured, "native-buffer-overflow") == NULL) fprintf(stderr, "%s", captured);
}

static void test_sampled_slack_overflow_check_off_is_silent(void) {
  int st = run("sample_rate=1:detect_native_buffer_overflow=0", IG_INIT_RELEASE, child_slack_overflow);
  CHECK(exited_ok(st));
  CHECK(strstr(captured, "InteropGuard") == NULL);
}

static void child_slack_in_bounds(void) {
  uint8_t *p = ig_malloc(10);
  p[9] = 0;
  ig_free(p);
  _exit(0);
}

static void test_sampled_last_byte_then_free_is_silent(void) {
  int st = run("sample_rate=1", IG_INIT_RELEASE, child_slack_in_bounds);
  CHECK(exited_ok(st));
  CHECK(captured[0] == 0);
}

/* ---------------------------------------------------------------------------------------------------
 * ig_malloc_sampled: the caller's own 1 in N (release mode's managed runtime counts its allocations itself).
 * ------------------------------------------------------------------------------------------------ */
#define CHOSEN "sample_rate=1000:malloc_fill_byte=171:max_malloc_fill_size=4096"

static void child_sampled_chosen(void) {
  int fails = 0;
  void *first = ig_malloc(16); /* the thread's first allocation: the native countdown samples it, then waits 1000 */
  EXPECT(is_sampled_live(first, 16));
  uint32_t site = ig_site_intern("codec.cs", 7, "Decode");
  uint8_t *p = ig_malloc_sampled(40, site, 0);
  EXPECT(is_sampled_live(p, 40)); /* sampled although the countdown had 999 to go */
  ig_range_t r;
  EXPECT(ig_lookup(p, 40, &r) == IG_LOOKUP_INSIDE && r.alloc_site == site);
  EXPECT(p[0] == 171 && p[39] == 171); /* not zeroed: filled like every tracked block */
  uint8_t *z = ig_malloc_sampled(40, site, 1);
  EXPECT(is_sampled_live(z, 40));
  int zero = 1;
  for (int i = 0; i < 40; i++) zero &= z[i] == 0;
  EXPECT(zero);
  void *next = ig_malloc(16); /* the countdown restarted at 1000 with the chosen block */
  EXPECT(is_plain(next));
  ig_violation_t v;
  EXPECT(ig_free_at(p, 0, &v) == IG_OK && ig_free_at(z, 0, &v) == IG_OK);
  EXPECT(ig_lookup(p, 1, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_FREED);
  ig_free(next);
  ig_free(first);
  CHILD_END();
}

static void test_malloc_sampled_places_the_block_in_the_pool(void) {
  CHECK_CHILD_OK(run(CHOSEN, IG_INIT_RELEASE, child_sampled_chosen));
  CHECK(captured[0] == 0);
}

static void child_sampled_chosen_falls_back(void) {
  int fails = 0;
  uint8_t *big = ig_malloc_sampled(3 * (size_t)page, 0, 1); /* more than a slot holds: a plain block */
  EXPECT(big != NULL && is_plain(big));
  int zero = 1;
  for (long i = 0; i < 3 * page; i++) zero &= big[i] == 0;
  EXPECT(zero);
  ig_free(big);
  CHILD_END();
}

static void test_malloc_sampled_too_large_is_plain(void) {
  CHECK_CHILD_OK(run(CHOSEN, IG_INIT_RELEASE, child_sampled_chosen_falls_back));
}

static void child_sampled_chosen_no_pool(void) {
  int fails = 0;
  void *p = ig_malloc_sampled(32, 0, 0);
  EXPECT(p != NULL && is_plain(p)); /* sample_rate=0: no pool, nothing to sample into */
  ig_free(p);
  CHILD_END();
}

static void test_malloc_sampled_without_pool_is_plain(void) {
  CHECK_CHILD_OK(run(PLAIN, IG_INIT_RELEASE, child_sampled_chosen_no_pool));
}

static void child_sampled_chosen_mode_1(void) {
  int fails = 0;
  uint8_t *p = ig_malloc_sampled(24, 0, 0);
  EXPECT(is_sampled_live(p, 24)); /* modes 1 and 2 with sample_rate > 0: the same guarded block */
  uint8_t *q = ig_malloc_sampled(24, 0, 0);
  ig_range_t r;
  EXPECT(ig_guarded_info(q, NULL, NULL) == 1 && ig_lookup(q, 24, &r) == IG_LOOKUP_INSIDE);
  ig_free(p);
  ig_free(q);
  void *t = ig_malloc(24); /* not chosen: a tracked heap block, outside the pool */
  EXPECT(ig_guarded_info(t, NULL, NULL) == 0 && ig_lookup(t, 24, &r) == IG_LOOKUP_INSIDE);
  ig_free(t);
  CHILD_END();
}

static void test_malloc_sampled_in_mode_1_is_tracked(void) {
  CHECK_CHILD_OK(run("sample_rate=1000", 0, child_sampled_chosen_mode_1));
}

static void child_chosen_overflow(void) {
  uint8_t *p = ig_malloc_sampled(32, ig_site_intern("codec.cs", 7, "Decode"), 0);
  p[32] = 1; /* one past the end: the guard page */
  _exit(0);
}

static void test_malloc_sampled_overflow_names_its_site(void) {
  int st = run(CHOSEN, IG_INIT_RELEASE, child_chosen_overflow);
  CHECK(died_of(st, SIGSEGV));
  CHECK(strstr(captured, "native-buffer-overflow") != NULL);
  CHECK(strstr(captured, "SUMMARY: InteropGuard: native-buffer-overflow codec.cs:7 in Decode\n") != NULL);
  if (!died_of(st, SIGSEGV)) fprintf(stderr, "%s", captured);
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  page = sysconf(_SC_PAGESIZE);
  RUN(test_flag_sets_release_mode_and_default_rate);
  RUN(test_null_options_read_environment_in_release_mode);
  RUN(test_without_flag_nothing_changes);
  RUN(test_lazy_init_is_not_release_mode);
  RUN(test_options_sample_rate_wins_and_samples_every_nth);
  RUN(test_default_rate_samples_one_in_20000);
  RUN(test_bad_sample_rate_warns_and_keeps_release_default);
  RUN(test_explicit_sample_rate_0_has_no_pool);
  RUN(test_plain_block_is_untracked_and_freed_by_free);
  RUN(test_plain_calloc_zeroes);
  RUN(test_plain_realloc_is_realloc);
  RUN(test_plain_aligned_alloc_honours_alignment);
  RUN(test_plain_size_zero_is_unique_non_null);
  RUN(test_block_too_large_for_a_slot_is_plain);
  RUN(test_table_full_gives_plain_blocks);
  RUN(test_sampled_block_has_record_and_freed_record);
  RUN(test_realloc_of_sampled_block_frees_its_record);
  RUN(test_sampled_overflow_faults_and_reports);
  RUN(test_sampled_overflow_check_off_faults_silently);
  RUN(test_sampled_overflow_halt_on_error_aborts);
  RUN(test_sampled_in_bounds_is_silent);
  RUN(test_sampled_use_after_free_faults_and_reports);
  RUN(test_sampled_use_after_free_check_off_faults_silently);
  RUN(test_sampled_read_before_free_is_silent);
  RUN(test_unsampled_overflow_is_not_detected);
  RUN(test_sampled_slack_overflow_reported_at_free);
  RUN(test_sampled_slack_overflow_check_off_is_silent);
  RUN(test_sampled_last_byte_then_free_is_silent);
  RUN(test_malloc_sampled_places_the_block_in_the_pool);
  RUN(test_malloc_sampled_too_large_is_plain);
  RUN(test_malloc_sampled_without_pool_is_plain);
  RUN(test_malloc_sampled_in_mode_1_is_tracked);
  RUN(test_malloc_sampled_overflow_names_its_site);
  TEST_MAIN_END();
}
