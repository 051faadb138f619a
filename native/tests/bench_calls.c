/* bench_calls.c - timing program (built, not a ctest case): the per-argument cost of a call-scoped pin, the call
 * region's push+pop against the shared table's register+release it replaces, and an explicit pin's pin-log
 * register+release, side by side in one run (the loops alternate round by round), and what a check of an address no
 * range holds costs beside a full pin log (where the log's filter skips it: another page, or the same page as a pin;
 * and on a 256-byte line a released pin touches, which costs a scan of the log), in thread CPU time so the load of a
 * shared machine does not count; results in benchmarks/results/ (call-pins, pin-log). */
#include "interopguard.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static char arrays[64][256];
static char spread[64][8192] __attribute__((aligned(4096))); /* pins of 200 bytes at even pages' starts */

static double push_pop(long n, uint32_t site) {
  double t0 = cpu_ns();
  for (long i = 0; i < n; i++) {
    uint64_t t = ig_call_pin_push(arrays[i & 63], 256, 0, site);
    ig_call_pin_pop(t);
  }
  return (cpu_ns() - t0) / (double)n;
}

static double register_release(long n, uint32_t site) {
  double t0 = cpu_ns();
  for (long i = 0; i < n; i++) {
    uint64_t id = 0;
    ig_range_register(IG_RANGE_MANAGED_PIN, arrays[i & 63], 256, IG_RANGE_F_CALL_SCOPED, site, 0, &id);
    ig_range_release(id, site, NULL);
  }
  return (cpu_ns() - t0) / (double)n;
}

static double pin_log(long n, uint32_t site) {
  double t0 = cpu_ns();
  for (long i = 0; i < n; i++) {
    uint64_t id = 0;
    ig_pin_register(arrays[i & 63], 256, 0, site, IG_PIN_TAG_KEEP, &id);
    ig_range_release(id, site, NULL);
  }
  return (cpu_ns() - t0) / (double)n;
}

/* ig_check of an untracked address inside the bounds of a log whose slots are full of released 200-byte pins at the
 * start of spread's even pages: offset 4096 + 64 lies on an odd page, 1024 on a pinned page but another line (the
 * filter skips the log for both), 220 on a pinned line past the pin (a scan). */
static double check_miss(long n, size_t offset, uint32_t site) {
  for (uint32_t i = 0; i < IG_PIN_LOG_SLOTS; i++) { /* the log's slots: released pins of spread's even pages */
    uint64_t id = 0;
    ig_pin_register(spread[i & 63], 200, 0, site, IG_PIN_TAG_KEEP, &id);
    ig_range_release(id, site, NULL);
  }
  double t0 = cpu_ns();
  int kinds = 0;
  for (long i = 0; i < n; i++) kinds += (int)ig_check(spread[i & 63] + offset, 8, NULL);
  if (kinds != 0) printf("unexpected: an untracked address was reported\n");
  return (cpu_ns() - t0) / (double)n;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  ig_init(NULL, 0);
  const long n = argc > 1 ? atol(argv[1]) : 1000000;
  const int rounds = argc > 2 ? atoi(argv[2]) : 9;
  uint32_t site = ig_site_intern("Program.cs", 12, "Program.Main");
  push_pop(n / 4, site); /* warm: region taken, history full */
  register_release(n / 4, site);
  pin_log(n / 4, site);
  double pp[64], rr[64], pl[64], cf[64], cp[64], cs[64];
  for (int r = 0; r < rounds && r < 64; r++) {
    pp[r] = push_pop(n, site);
    rr[r] = register_release(n, site);
    pl[r] = pin_log(n, site);
    cf[r] = check_miss(n, 4096 + 64, site);
    cp[r] = check_miss(n, 1024, site);
    cs[r] = check_miss(n / 16, 220, site);
  }
  qsort(pp, (size_t)rounds, sizeof *pp, by_value);
  qsort(rr, (size_t)rounds, sizeof *rr, by_value);
  qsort(pl, (size_t)rounds, sizeof *pl, by_value);
  qsort(cf, (size_t)rounds, sizeof *cf, by_value);
  qsort(cp, (size_t)rounds, sizeof *cp, by_value);
  qsort(cs, (size_t)rounds, sizeof *cs, by_value);
  printf("call pin push+pop          median %6.1f ns  min %6.1f ns  (thread CPU, %d rounds x %ld)\n", pp[rounds / 2], pp[0], rounds, n);
  printf("table register+release     median %6.1f ns  min %6.1f ns\n", rr[rounds / 2], rr[0]);
  printf("pin log register+release   median %6.1f ns  min %6.1f ns\n", pl[rounds / 2], pl[0]);
  printf("check, untracked, another page          median %6.1f ns  min %6.1f ns\n", cf[rounds / 2], cf[0]);
  printf("check, untracked, a pin's page          median %6.1f ns  min %6.1f ns\n", cp[rounds / 2], cp[0]);
  printf("check, untracked, a pin's line (scan)   median %6.1f ns  min %6.1f ns\n", cs[rounds / 2], cs[0]);
  return 0;
}
