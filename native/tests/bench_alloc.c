/* bench_alloc.c - timing program (built, not a ctest case): ig_malloc+ig_free against glibc for 16-4096
 * bytes with the default quarantine, the same with fills off, and ig_check/ig_lookup with 10^5 and 10^6
 * live ranges. Prints ns per operation. */
#include "interopguard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile void *sink;

int main(int argc, char **argv) {
  ig_init(argc > 1 ? argv[1] : NULL, 0);
  size_t sizes[] = {16, 64, 256, 1024, 4096};
  const int N = 2000000;
  printf("options: %s\n", argc > 1 ? argv[1] : "(defaults)");
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    size_t sz = sizes[s];
    for (int i = 0; i < N / 10; i++) { void *p = malloc(sz); sink = p; free(p); }
    double t0 = now();
    for (int i = 0; i < N; i++) { void *p = malloc(sz); sink = p; free(p); }
    double t1 = now();
    for (int i = 0; i < N / 2; i++) { void *p = ig_malloc(sz); sink = p; ig_free(p); } /* warm the quarantine */
    double t2 = now();
    for (int i = 0; i < N; i++) { void *p = ig_malloc(sz); sink = p; ig_free(p); }
    double t3 = now();
    printf("malloc+free %5zu B: glibc %6.1f ns   ig %6.1f ns   ratio %.2f\n", sz, (t1 - t0) / N,
           (t3 - t2) / N, (t3 - t2) / (t1 - t0));
  }
  /* lookups with many live ranges */
  size_t counts[] = {100000, 1000000};
  for (size_t c = 0; c < 2; c++) {
    size_t n = counts[c];
    char **blocks = malloc(n * sizeof *blocks);
    for (size_t i = 0; i < n; i++) blocks[i] = ig_malloc(32);
    unsigned long long x = 12345, hits = 0;
    const int L = 5000000;
    double t0 = now();
    for (int i = 0; i < L; i++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      char *b = blocks[(x >> 33) % n];
      hits += ig_check(b + 8, 16, NULL) == IG_KIND_NONE;
    }
    double t1 = now();
    for (int i = 0; i < L; i++) hits += ig_lookup(blocks[i % n] + 8, 16, NULL) == IG_LOOKUP_INSIDE;
    double t2 = now();
    for (int i = 0; i < L; i++) hits += ig_check((void *)(uintptr_t)(0x500000000000ull + i * 64), 8, NULL) == 0;
    double t3 = now();
    printf("%8zu live blocks: ig_check random %.1f ns, ig_lookup sequential %.1f ns, unknown address %.1f ns "
           "(%llu)\n", n, (t1 - t0) / L, (t2 - t1) / L, (t3 - t2) / L, hits);
    for (size_t i = 0; i < n; i++) ig_free(blocks[i]);
    free(blocks);
  }
  return 0;
}
