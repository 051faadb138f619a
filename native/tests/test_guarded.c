/* test_guarded.c - unit tests of the sampled guarded pool (sample_rate): placement at the page end, overflow and
 * use-after-free faults reported with their sites, chaining to the previous SIGSEGV handler, quarantine order,
 * slack canary; every case runs in a forked child, since each needs its own ig_init and many of them die. */
#include "interopguard.h"
#include "ig_test.h"
#include "ig_fork_test.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static long page;

/* Runs fn in a child with ig_init(options, 0) (options NULL: no ig_init); see ig_fork_test.h. */
static int run(const char *options, void (*fn)(void)) { return ig_fork_run(options, options ? 0 : NO_INIT, fn); }

/* ---------------------------------------------------------------------------------------------------
 * Placement and the non-sampled path.
 * ------------------------------------------------------------------------------------------------ */
static void child_placement(void) {
  int fails = 0;
  size_t sizes[] = {1, 10, 16, 17, 100, 4000};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    uint8_t *p = ig_malloc(sizes[i]);
    uint64_t end = (uint64_t)(uintptr_t)p + ((sizes[i] + 15) & ~(size_t)15);
    EXPECT(ig_guarded_info(p, NULL, NULL) == 1);
    EXPECT(((uintptr_t)p & 15) == 0);
    EXPECT(end % (uint64_t)page == 0);      /* the aligned end is the page end */
    EXPECT(ig_usable_size(p) == sizes[i]);
    ig_range_t r;
    EXPECT(ig_lookup(p, sizes[i], &r) == IG_LOOKUP_INSIDE); /* the shadow table knows the block */
    memset(p, 0x11, sizes[i]);             /* every user byte is writable */
    EXPECT(ig_free_at(p, 0, NULL) == IG_OK);
    EXPECT(ig_lookup(p, 1, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_FREED);
  }
  uint8_t *big = ig_malloc((size_t)page); /* too large for a slot: a plain block */
  EXPECT(ig_guarded_info(big, NULL, NULL) == 0);
  ig_free(big);
  _exit(fails ? 10 + fails : 0);
}

static void test_placement(void) {
  int st = run("sample_rate=1", child_placement);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) fprintf(stderr, "%s", captured);
}

static void child_every_second(void) {
  int fails = 0;
  void *a = ig_malloc(32), *b = ig_malloc(32), *c = ig_malloc(32), *d = ig_malloc(32);
  /* the countdown samples the first allocation of a thread, then 1 in sample_rate */
  EXPECT(ig_guarded_info(a, NULL, NULL) == 1);
  EXPECT(ig_guarded_info(b, NULL, NULL) == 0);
  EXPECT(ig_guarded_info(c, NULL, NULL) == 1);
  EXPECT(ig_guarded_info(d, NULL, NULL) == 0);
  /* a non-sampled block keeps its heap redzone: an overflow by one is found at free, as always */
  ((uint8_t *)b)[32] = 0;
  ig_violation_t v;
  EXPECT(ig_free_at(b, 0, &v) == IG_ERR_OVERFLOW && v.kind == IG_KIND_NATIVE_BUFFER_OVERFLOW);
  ig_free(a); ig_free(c); ig_free(d);
  _exit(fails ? 10 + fails : 0);
}

static void test_non_sampled_unaffected(void) {
  int st = run("sample_rate=2", child_every_second);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) fprintf(stderr, "%s", captured);
}

/* ---------------------------------------------------------------------------------------------------
 * Faults.
 * ------------------------------------------------------------------------------------------------ */
static volatile uint8_t sink;

static void child_overflow(void) {
  uint32_t site = ig_site_intern("/home/dev/codec/src/decoder.c", 42, "make_row"); /* reported by file name */
  uint8_t *p = ig_malloc_at(32, 0, site);
  p[31] = 1;          /* the last byte is fine */
  p[32] = 1;          /* one past the end: the guard page */
  _exit(0);
}

static void test_overflow_faults_and_reports(void) {
  int st = run("sample_rate=1", child_overflow);
  CHECK(died_of(st, SIGSEGV));
  CHECK(strstr(captured, "ERROR: InteropGuard: native-buffer-overflow on address 0x") != NULL);
  CHECK(strstr(captured, "WRITE at 0x") != NULL || strstr(captured, "ACCESS at 0x") != NULL);
  CHECK(strstr(captured, ", 0 bytes after 32-byte native buffer [0x") != NULL);
  CHECK(strstr(captured, "Buffer allocated by (OS tid ") != NULL);
  CHECK(strstr(captured, "  #0 make_row  decoder.c:42\n") != NULL);
  CHECK(strstr(captured, "Buffer freed by") == NULL);
  CHECK(strstr(captured, "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_buffer_overflow=0") != NULL);
  CHECK(strstr(captured, "SUMMARY: InteropGuard: native-buffer-overflow decoder.c:42 in make_row\n") != NULL);
  if (!died_of(st, SIGSEGV)) fprintf(stderr, "%s", captured);
}

static void test_overflow_check_off_still_faults_silently(void) {
  int st = run("sample_rate=1:detect_native_buffer_overflow=0", child_overflow);
  CHECK(died_of(st, SIGSEGV));
  CHECK(strstr(captured, "InteropGuard") == NULL);
}

static void test_overflow_halt_on_error_aborts(void) {
  int st = run("sample_rate=1:halt_on_error=1", child_overflow);
  CHECK(died_of(st, SIGABRT));
  CHECK(strstr(captured, "ERROR: InteropGuard: native-buffer-overflow") != NULL);
}

static void child_overflow_ok(void) { /* the nearest correct code: the last byte, then free */
  uint8_t *p = ig_malloc(32);
  p[31] = 1;
  ig_free(p);
  _exit(0);
}

static void test_in_bounds_is_silent(void) {
  int st = run("sample_rate=1", child_overflow_ok);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(captured[0] == 0);
}

static void child_uaf(void) {
  uint32_t a = ig_site_intern("decoder.c", 40, "decoder_new");
  uint32_t f = ig_site_intern("decoder.c", 131, "decoder_dispose");
  uint8_t *p = ig_malloc_at(64, 0, a);
  ig_free_at(p, f, NULL);
  sink = p[16];       /* read after free: the data page is inaccessible */
  _exit(0);
}

static void test_use_after_free_faults_and_reports(void) {
  int st = run("sample_rate=1", child_uaf);
  CHECK(died_of(st, SIGSEGV));
  CHECK(strstr(captured, "ERROR: InteropGuard: native-use-after-free on address 0x") != NULL);
  CHECK(strstr(captured, ", 16 bytes inside of 64-byte native buffer [0x") != NULL);
  CHECK(strstr(captured, "that was freed ") != NULL);
  CHECK(strstr(captured, "Buffer freed by (OS tid ") != NULL);
  CHECK(strstr(captured, "  #0 decoder_dispose  decoder.c:131\n") != NULL);
  CHECK(strstr(captured, "  #0 decoder_new  decoder.c:40\n") != NULL);
  CHECK(strstr(captured, "SUMMARY: InteropGuard: native-use-after-free decoder.c:40 in decoder_new\n") != NULL);
#if defined(__x86_64__)
  CHECK(strstr(captured, "READ at 0x") != NULL);
#endif
  if (!died_of(st, SIGSEGV)) fprintf(stderr, "%s", captured);
}

static void test_use_after_free_check_off(void) {
  int st = run("sample_rate=1:detect_native_use_after_free=0", child_uaf);
  CHECK(died_of(st, SIGSEGV));
  CHECK(strstr(captured, "InteropGuard") == NULL);
}

/* ---------------------------------------------------------------------------------------------------
 * Golden fault reports: the whole text, line by line. The child prints its block's address before the fault; the
 * OS thread id and the times ("N ms", "N.N ms ago") vary and are matched by '*' (any run of characters but '\n').
 * ------------------------------------------------------------------------------------------------ */
static int glob_line_match(const char *text, const char *pattern) {
  if (*pattern == 0) return *text == 0;
  if (*pattern == '*') {
    for (const char *t = text;; t++) {
      if (glob_line_match(t, pattern + 1)) return 1;
      if (*t == 0 || *t == '\n') return 0;
    }
  }
  return *text == *pattern && glob_line_match(text + 1, pattern + 1);
}

static uint64_t printed_block(const char *text) {
  const char *at = strstr(text, "block=0x");
  return at ? strtoull(at + 8, NULL, 16) : 0;
}

static void child_overflow_golden(void) {
  uint32_t site = ig_site_intern("/home/dev/codec/src/decoder.c", 42, "make_row");
  uint8_t *p = ig_malloc_at(32, 0, site);
  fprintf(stderr, "block=%p\n", (void *)p);
  fflush(stderr);
  p[32] = 1;
  _exit(0);
}

static void test_overflow_fault_golden(void) {
  int st = run("sample_rate=1", child_overflow_golden);
  unsigned long long b = (unsigned long long)printed_block(captured);
  char want[4096];
  snprintf(want, sizeof want,
           "block=0x%llx\n"
           "=================================================================\n"
           "ERROR: InteropGuard: native-buffer-overflow on address 0x%llx [IG0002]\n"
           "WRITE at 0x%llx, 0 bytes after 32-byte native buffer [0x%llx, 0x%llx), caught by the guard page after it.\n"
           "  faulting thread (OS tid *), a sampled guarded allocation (sample_rate=1)\n"
           "Buffer allocated by (OS tid *, * ms ago):\n"
           "  #0 make_row  decoder.c:42\n"
           "HINT: an access went past the end of the buffer; check the length passed with the pointer against the size "
           "allocated.\n"
           "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_buffer_overflow=0\n"
           "HINT: this block was sampled into the guarded pool; sample_rate=0 turns the pool off\n"
           "SUMMARY: InteropGuard: native-buffer-overflow decoder.c:42 in make_row\n"
           "=================================================================\n",
           b, b + 32, b + 32, b, b + 32);
  CHECK(died_of(st, SIGSEGV));
#if defined(__x86_64__)
  CHECK(b != 0 && glob_line_match(captured, want));
  if (!glob_line_match(captured, want)) fprintf(stderr, "--- got ---\n%s--- want ---\n%s", captured, want);
#endif
}

static void child_uaf_golden(void) {
  uint32_t a = ig_site_intern("decoder.c", 40, "decoder_new");
  uint32_t f = ig_site_intern("decoder.c", 131, "decoder_dispose");
  uint8_t *p = ig_malloc_at(64, 0, a);
  fprintf(stderr, "block=%p\n", (void *)p);
  fflush(stderr);
  ig_free_at(p, f, NULL);
  sink = p[16];
  _exit(0);
}

static void test_use_after_free_fault_golden(void) {
  int st = run("sample_rate=1", child_uaf_golden);
  unsigned long long b = (unsigned long long)printed_block(captured);
  char want[4096];
  snprintf(want, sizeof want,
           "block=0x%llx\n"
           "=================================================================\n"
           "ERROR: InteropGuard: native-use-after-free on address 0x%llx [IG0001]\n"
           "READ at 0x%llx, 16 bytes inside of 64-byte native buffer [0x%llx, 0x%llx) that was freed * ms before, "
           "caught by its inaccessible page.\n"
           "  faulting thread (OS tid *), a sampled guarded allocation (sample_rate=1)\n"
           "Buffer freed by (OS tid *, * ms ago):\n"
           "  #0 decoder_dispose  decoder.c:131\n"
           "Buffer allocated by (OS tid *, * ms ago):\n"
           "  #0 decoder_new  decoder.c:40\n"
           "HINT: the buffer was freed while a pointer to it was still in use; free it only after the last use.\n"
           "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_use_after_free=0\n"
           "HINT: this block was sampled into the guarded pool; sample_rate=0 turns the pool off\n"
           "SUMMARY: InteropGuard: native-use-after-free decoder.c:40 in decoder_new\n"
           "=================================================================\n",
           b, b + 16, b + 16, b, b + 64);
  CHECK(died_of(st, SIGSEGV));
#if defined(__x86_64__)
  CHECK(b != 0 && glob_line_match(captured, want));
  if (!glob_line_match(captured, want)) fprintf(stderr, "--- got ---\n%s--- want ---\n%s", captured, want);
#endif
}

/* ---------------------------------------------------------------------------------------------------
 * Signal handler installation and chaining.
 * ------------------------------------------------------------------------------------------------ */
static void test_handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig; (void)ctx;
  static const char msg[] = "test handler ran\n";
  if (write(2, msg, sizeof msg - 1) < 0) _exit(4);
  /* make the page accessible so the instruction succeeds when it runs again */
  uintptr_t pg = (uintptr_t)si->si_addr & ~(uintptr_t)(page - 1);
  mprotect((void *)pg, (size_t)page, PROT_READ | PROT_WRITE);
}

static void install_test_handler(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = test_handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
}

static void child_no_handler_when_off(void) {
  int fails = 0;
  install_test_handler();
  ig_init("sample_rate=0", 0);
  void *p = ig_malloc(32);
  EXPECT(ig_guarded_info(p, NULL, NULL) == 0);
  uint64_t lo = 1;
  ig_guarded_info(NULL, &lo, NULL);
  EXPECT(lo == 0);
  struct sigaction cur;
  sigaction(SIGSEGV, NULL, &cur);
  EXPECT((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == test_handler);
  ig_free(p);
  _exit(fails ? 10 + fails : 0);
}

static void test_sample_rate_0_installs_nothing(void) {
  int st = run(NULL, child_no_handler_when_off);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void child_fault_outside_pool(void) {
  int fails = 0;
  install_test_handler();
  ig_init("sample_rate=1", 0);
  struct sigaction cur;
  sigaction(SIGSEGV, NULL, &cur);
  EXPECT(cur.sa_sigaction != test_handler); /* ours is in front */
  uint8_t *other = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  other[5] = 7;                              /* faults; the test handler unprotects the page; the write resumes */
  EXPECT(other[5] == 7);
  uint8_t *p = ig_malloc(16);                /* the pool still works afterwards */
  EXPECT(ig_guarded_info(p, NULL, NULL) == 1);
  ig_free(p);
  _exit(fails ? 10 + fails : 0);
}

static void test_fault_outside_pool_reaches_previous_handler(void) {
  int st = run(NULL, child_fault_outside_pool);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(strstr(captured, "test handler ran\n") != NULL);
  CHECK(strstr(captured, "InteropGuard") == NULL);
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) fprintf(stderr, "%s", captured);
}

static void child_overflow_after_test_handler(void) {
  install_test_handler();
  ig_init("sample_rate=1", 0);
  uint8_t *p = ig_malloc(48);
  p[48] = 1;                                 /* report, then the previous handler gets the re-fault */
  _exit(p[48] == 1 ? 0 : 20);
}

static void test_pool_fault_is_handed_to_previous_handler(void) {
  int st = run(NULL, child_overflow_after_test_handler);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(strstr(captured, "ERROR: InteropGuard: native-buffer-overflow") != NULL);
  const char *rep = strstr(captured, "SUMMARY:");
  CHECK(rep != NULL && strstr(rep, "test handler ran\n") != NULL); /* after the report */
}

static volatile uintptr_t null_plus_8 = 8;

static void child_null_deref_default(void) {
  ig_init("sample_rate=1", 0);
  sink = *(volatile uint8_t *)null_plus_8;  /* not ours: the default action, as without InteropGuard */
  _exit(0);
}

static void test_fault_outside_pool_with_default_action_dies(void) {
  int st = run(NULL, child_null_deref_default);
  CHECK(died_of(st, SIGSEGV));
  CHECK(strstr(captured, "InteropGuard") == NULL);
}

/* ---------------------------------------------------------------------------------------------------
 * Quarantine and the slack canary.
 * ------------------------------------------------------------------------------------------------ */
static void child_quarantine_order(void) {
  int fails = 0;
  void *p[4];
  for (int i = 0; i < 4; i++) p[i] = ig_malloc(32);
  for (int i = 0; i < 4; i++) EXPECT(ig_guarded_info(p[i], NULL, NULL) == 1);
  void *extra = ig_malloc(32); /* no fresh slot, nothing freed: a plain block */
  EXPECT(ig_guarded_info(extra, NULL, NULL) == 0);
  for (int i = 0; i < 4; i++) ig_free(p[i]);
  /* guarded_quarantine=1: slots come back oldest first until one freed slot remains inaccessible */
  void *q0 = ig_malloc(32), *q1 = ig_malloc(32), *q2 = ig_malloc(32), *q3 = ig_malloc(32);
  EXPECT(q0 == p[0]);
  EXPECT(q1 == p[1]);
  EXPECT(q2 == p[2]);
  EXPECT(ig_guarded_info(q3, NULL, NULL) == 0);
  ig_range_t r; /* the slot still in quarantine keeps its FREED record; a reused one has a new live record */
  EXPECT(ig_lookup(p[3], 1, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_FREED);
  EXPECT(ig_lookup(q0, 1, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_LIVE);
  ig_free(q0); ig_free(q1); ig_free(q2); ig_free(q3); ig_free(extra);
  _exit(fails ? 10 + fails : 0);
}

static void test_quarantine_reuse_order(void) {
  int st = run("sample_rate=1:guarded_pool_pages=4:guarded_quarantine=1", child_quarantine_order);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) fprintf(stderr, "%s", captured);
}

/* A freed slot is reused before a never-used one once more than guarded_quarantine wait (its page is resident; a
 * never-used page faults), and never while it is among the last guarded_quarantine freed. */
static void child_reuse_before_fresh(void) {
  int fails = 0;
  void *x = ig_malloc(32), *y = ig_malloc(32), *z = ig_malloc(32); /* slots 0, 1, 2 */
  ig_free(x);
  ig_free(y);
  void *a = ig_malloc(32); /* two freed, quarantine 2: not full, so a never-used slot */
  EXPECT(ig_guarded_info(a, NULL, NULL) == 1);
  EXPECT(a != x && a != y);
  ig_free(z);
  void *b = ig_malloc(32); /* three freed: the oldest, x's slot, leaves the quarantine (slots 4-7 never used) */
  EXPECT(b == x);
  ig_range_t r; /* the last two freed stay inaccessible, their records FREED */
  EXPECT(ig_lookup(y, 1, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_FREED);
  EXPECT(ig_lookup(z, 1, &r) == IG_LOOKUP_INSIDE && r.state == IG_STATE_FREED);
  ig_free(a);
  ig_free(b);
  _exit(fails ? 10 + fails : 0);
}

static void test_freed_slot_reused_before_a_never_used_one(void) {
  int st = run("sample_rate=1:guarded_pool_pages=8:guarded_quarantine=2", child_reuse_before_fresh);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) fprintf(stderr, "%s", captured);
}

static void child_slack_canary(void) {
  int fails = 0;
  uint8_t *p = ig_malloc(10); /* 6 bytes of slack before the page end */
  p[12] = 0;                  /* inside the slack: no fault, the canary is damaged */
  ig_violation_t v;
  EXPECT(ig_free_at(p, 0, &v) == IG_ERR_OVERFLOW);
  EXPECT(v.kind == IG_KIND_NATIVE_BUFFER_OVERFLOW);
  EXPECT(v.address == (uint64_t)(uintptr_t)(p + 12));
  EXPECT(v.detail == 2); /* two bytes past the end */
  uint8_t *q = ig_malloc(10); /* the nearest correct code: no report */
  q[9] = 0;
  EXPECT(ig_free_at(q, 0, &v) == IG_OK);
  _exit(fails ? 10 + fails : 0);
}

static void test_slack_canary_checked_at_free(void) {
  int st = run("sample_rate=1", child_slack_canary);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) fprintf(stderr, "%s", captured);
}

static void child_double_free(void) {
  int fails = 0;
  uint8_t *p = ig_malloc(24);
  ig_free(p);
  ig_violation_t v;
  EXPECT(ig_free_at(p, 0, &v) == IG_ERR_DOUBLE_FREE); /* found from the record; the header is never read */
  _exit(fails ? 10 + fails : 0);
}

static void test_double_free_of_guarded_block(void) {
  int st = run("sample_rate=1", child_double_free);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) fprintf(stderr, "%s", captured);
}

/* ---------------------------------------------------------------------------------------------------
 * Mappings: once a slot has been used, each of its pages is a mapping of its own, so taking and freeing it changes one
 * mapping's protection in place and never splits or merges the pool's mappings (the cost of a sample).
 * ------------------------------------------------------------------------------------------------ */
/* The mappings of /proc/self/maps that lie inside [lo, hi); -1 when the file cannot be read. */
static int mappings_in(uint64_t lo, uint64_t hi) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (f == NULL) return -1;
  int count = 0;
  unsigned long long a, b;
  char line[512];
  while (fgets(line, sizeof line, f) != NULL) {
    if (sscanf(line, "%llx-%llx", &a, &b) == 2 && a >= lo && b <= hi) count++;
  }
  fclose(f);
  return count;
}

static void child_mappings(void) {
  int fails = 0;
  uint64_t lo = 0, hi = 0;
  void *slots[8];
  for (int i = 0; i < 8; i++) slots[i] = ig_malloc(64); /* every slot taken once, in order */
  EXPECT(ig_guarded_info(slots[0], &lo, &hi) == 1);
  EXPECT(ig_guarded_info(slots[7], NULL, NULL) == 1);
  EXPECT(hi - lo == 16 * (uint64_t)page);
  EXPECT(mappings_in(lo, hi) == 16); /* one per page: 8 data pages (read-write), 8 guard pages */
  for (int i = 0; i < 8; i++) ig_free(slots[i]);
  EXPECT(mappings_in(lo, hi) == 16); /* freed data pages are inaccessible, still one mapping each */
  for (int round = 0; round < 20; round++) { /* slots leave the quarantine, are reused and freed again */
    void *live[3];
    for (int i = 0; i < 3; i++) live[i] = ig_malloc(100);
    EXPECT(ig_guarded_info(live[2], NULL, NULL) == 1);
    EXPECT(mappings_in(lo, hi) == 16);
    for (int i = 0; i < 3; i++) ig_free(live[i]);
  }
  EXPECT(mappings_in(lo, hi) == 16);
  _exit(fails ? 10 + fails : 0);
}

static void test_every_page_keeps_its_own_mapping(void) {
  int st = run("sample_rate=1:guarded_pool_pages=8:guarded_quarantine=2", child_mappings);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(strstr(captured, "would take too many of the process's mappings") == NULL); /* a small pool is not capped */
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) fprintf(stderr, "%s", captured);
}

static void child_pool_capped(void) {
  int fails = 0;
  uint64_t lo = 0, hi = 0;
  void *p = ig_malloc(64);
  EXPECT(ig_guarded_info(p, &lo, &hi) == 1);
  uint64_t max_maps = 0;
  FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
  if (f != NULL) {
    unsigned long long v = 0;
    if (fscanf(f, "%llu", &v) == 1) max_maps = v;
    fclose(f);
  }
  if (max_maps == 0) max_maps = 65530;
  EXPECT((hi - lo) / (2 * (uint64_t)page) == max_maps / 8); /* a quarter of the mappings, two per slot */
  memset(p, 1, 64);
  ig_free(p);
  _exit(fails ? 10 + fails : 0);
}

static void test_pool_too_large_for_the_mapping_limit_is_capped(void) {
  int st = run("sample_rate=1:guarded_pool_pages=1048576", child_pool_capped);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(strstr(captured, "guarded_pool_pages=1048576 would take too many of the process's mappings") != NULL);
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) fprintf(stderr, "%s", captured);
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  page = sysconf(_SC_PAGESIZE);
  RUN(test_placement);
  RUN(test_non_sampled_unaffected);
  RUN(test_overflow_faults_and_reports);
  RUN(test_overflow_check_off_still_faults_silently);
  RUN(test_overflow_halt_on_error_aborts);
  RUN(test_in_bounds_is_silent);
  RUN(test_use_after_free_faults_and_reports);
  RUN(test_use_after_free_check_off);
  RUN(test_overflow_fault_golden);
  RUN(test_use_after_free_fault_golden);
  RUN(test_sample_rate_0_installs_nothing);
  RUN(test_fault_outside_pool_reaches_previous_handler);
  RUN(test_pool_fault_is_handed_to_previous_handler);
  RUN(test_fault_outside_pool_with_default_action_dies);
  RUN(test_quarantine_reuse_order);
  RUN(test_freed_slot_reused_before_a_never_used_one);
  RUN(test_slack_canary_checked_at_free);
  RUN(test_double_free_of_guarded_block);
  RUN(test_every_page_keeps_its_own_mapping);
  RUN(test_pool_too_large_for_the_mapping_limit_is_capped);
  TEST_MAIN_END();
}
