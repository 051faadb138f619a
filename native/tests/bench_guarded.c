/* bench_guarded.c - timing program (built, not a ctest case): ig_malloc+ig_free pairs of 64 bytes with the options
 * in argv[1] (run once with sample_rate=0, 1000 and 1), and how many of the blocks the guarded pool took; the
 * difference between the runs is the cost of sampling (docs/design/guarded-pool.md has the numbers). */
#include "interopguard.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *volatile sink;

int main(int argc, char **argv) {
  const char *opts = argc > 1 ? argv[1] : "";
  ig_init(opts, 0);
  const long n = argc > 2 ? atol(argv[2]) : 2000000;
  for (long i = 0; i < n / 2; i++) { void *p = ig_malloc(64); sink = p; ig_free(p); } /* warm: quarantine full */
  double best = 1e30;
  for (int round = 0; round < 5; round++) {
    double t0 = now();
    for (long i = 0; i < n; i++) { void *p = ig_malloc(64); sink = p; ig_free(p); }
    double ns = (now() - t0) / (double)n;
    if (ns < best) best = ns;
  }
  long sampled = 0;
  for (long i = 0; i < 100000; i++) {
    void *p = ig_malloc(64);
    sampled += ig_guarded_info(p, NULL, NULL);
    ig_free(p);
  }
  printf("%-40s %8.1f ns per 64-byte pair (best of 5 x %ld); %ld of 100000 blocks sampled\n", opts, best, n, sampled);
  return 0;
}
