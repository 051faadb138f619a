/* bench_alloc.c - timing program (built, not a ctest case): ig_malloc+ig_free pairs against glibc for
 * 16 B - 64 KiB on 1 and 2 threads, and ig_check hits/misses with 10^2 - 10^6 live ranges, in order
 * (hot) and at random (against a plain random read of the same pointer array, so the difference is the
 * sanitizer's). The options string (argv[1]) goes to ig_init; run it once per configuration. */
#include "interopguard.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *volatile sink;
static pthread_barrier_t barrier;

typedef struct job {
  int use_ig;
  size_t size;
  long n;
  double ns;
} job_t;

static void *pairs(void *arg) {
  job_t *j = arg;
  size_t sz = j->size;
  long warm = j->n / 2;
  /* warm up: fills the quarantine to its bound, so eviction is part of what is timed */
  for (long i = 0; i < warm; i++) {
    void *p = j->use_ig ? ig_malloc(sz) : malloc(sz);
    sink = p;
    if (j->use_ig) ig_free(p); else free(p);
  }
  pthread_barrier_wait(&barrier);
  double t0 = now();
  if (j->use_ig) {
    for (long i = 0; i < j->n; i++) { void *p = ig_malloc(sz); sink = p; ig_free(p); }
  } else {
    for (long i = 0; i < j->n; i++) { void *p = malloc(sz); sink = p; free(p); }
  }
  j->ns = (now() - t0) / (double)j->n;
  return NULL;
}

/* ns per pair (mean over threads). */
static double run_pairs(int use_ig, size_t size, int threads) {
  long n = size >= 65536 ? 200000 : size >= 4096 ? 1000000 : 2000000;
  pthread_t th[2];
  job_t jobs[2];
  pthread_barrier_init(&barrier, NULL, (unsigned)threads);
  for (int t = 0; t < threads; t++) {
    jobs[t] = (job_t){use_ig, size, n, 0};
    pthread_create(&th[t], NULL, pairs, &jobs[t]);
  }
  double sum = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(th[t], NULL);
    sum += jobs[t].ns;
  }
  pthread_barrier_destroy(&barrier);
  return sum / threads;
}

static uint64_t lcg(uint64_t *x) {
  *x = *x * 6364136223846793005ull + 1442695040888963407ull;
  return *x >> 33;
}

int main(int argc, char **argv) {
  const char *opts = argc > 1 ? argv[1] : NULL;
  ig_init(opts, 0);
  printf("options: %s\n", opts && *opts ? opts : "(defaults)");
  size_t sizes[] = {16, 64, 256, 1024, 4096, 65536};
  printf("malloc+free pair, ns (per thread)   glibc-1t  ig-1t  ratio   glibc-2t  ig-2t  ratio\n");
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    double g1 = run_pairs(0, sizes[s], 1), i1 = run_pairs(1, sizes[s], 1);
    double g2 = run_pairs(0, sizes[s], 2), i2 = run_pairs(1, sizes[s], 2);
    printf("pair %6zu B                        %7.1f %7.1f %6.2f   %7.1f %7.1f %6.2f\n", sizes[s], g1, i1,
           i1 / g1, g2, i2, i2 / g2);
  }

  /* lookups with many live ranges (32-byte blocks) */
  printf("ig_check, ns       hot-hit  hot-miss  rand-hit  rand-base  rand-hit-minus-base  rand-miss\n");
  size_t counts[] = {100, 10000, 100000, 1000000};
  for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
    size_t n = counts[c];
    char **blocks = malloc(n * sizeof *blocks);
    for (size_t i = 0; i < n; i++) blocks[i] = ig_malloc(32);
    const long L = 5000000;
    uint64_t x = 12345, hits = 0;
    double t0 = now();
    for (long i = 0; i < L; i++) hits += ig_check(blocks[(size_t)i % n] + 8, 16, NULL) == IG_KIND_NONE;
    double t1 = now();
    for (long i = 0; i < L; i++)
      hits += ig_check((void *)(uintptr_t)(0x500000000000ull + (uint64_t)(i & 1023) * 64), 8, NULL) == 0;
    double t2 = now();
    x = 12345;
    for (long i = 0; i < L; i++) hits += ig_check(blocks[lcg(&x) % n] + 8, 16, NULL) == IG_KIND_NONE;
    double t3 = now();
    x = 12345;
    uintptr_t acc = 0;
    for (long i = 0; i < L; i++) acc += (uintptr_t)blocks[lcg(&x) % n] + 8;
    sink = (void *)acc;
    double t4 = now();
    x = 777;
    for (long i = 0; i < L; i++)
      hits += ig_check((void *)(uintptr_t)(0x500000000000ull + (lcg(&x) << 6)), 8, NULL) == 0;
    double t5 = now();
    printf("%8zu ranges  %8.1f %9.1f %9.1f %10.1f %20.1f %10.1f   (%llu)\n", n, (t1 - t0) / L, (t2 - t1) / L,
           (t3 - t2) / L, (t4 - t3) / L, ((t3 - t2) - (t4 - t3)) / L, (t5 - t4) / L, (unsigned long long)hits);
    for (size_t i = 0; i < n; i++) ig_free(blocks[i]);
    free(blocks);
  }
  return 0;
}
