/* bench_heap.c - timing program (built, not a ctest case): malloc+free pairs inside a library (igheapholder's
 * igh_churn) before and after ig_heap_install hooks it, 16 B - 4 KiB, 1 and 2 threads, rounds alternating so both
 * sides see the same machine; timed in thread CPU time. Prints a markdown table: glibc ns, tracked ns, ratio (medians of the rounds). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "interopguard.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uintptr_t (*churn)(size_t, int);
static pthread_barrier_t barrier;
static volatile uintptr_t sink;

/* Thread CPU time, not wall time: the machine is shared, and a thread that is not running costs neither side anything. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

typedef struct {
  size_t size;
  int n;
  double ns;
} job_t;

static void *run(void *arg) {
  job_t *j = arg;
  sink += churn(j->size, j->n / 4); /* warm */
  pthread_barrier_wait(&barrier);
  double t0 = now();
  sink += churn(j->size, j->n);
  j->ns = (now() - t0) / j->n;
  return NULL;
}

static double measure(size_t size, int threads, int n) {
  pthread_t t[2];
  job_t j[2];
  pthread_barrier_init(&barrier, NULL, (unsigned)threads);
  for (int i = 0; i < threads; i++) {
    j[i] = (job_t){size, n, 0};
    pthread_create(&t[i], NULL, run, &j[i]);
  }
  double sum = 0;
  for (int i = 0; i < threads; i++) {
    pthread_join(t[i], NULL);
    sum += j[i].ns;
  }
  pthread_barrier_destroy(&barrier);
  return sum / threads;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

#define ROUNDS 7
#define SIZES 5
#define N 2000000

int main(void) {
  void *lib = dlopen(IG_HEAP_HOLDER, RTLD_NOW);
  if (lib == NULL) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  *(void **)&churn = dlsym(lib, "igh_churn");
  static const size_t sizes[SIZES] = {16, 64, 256, 1024, 4096};
  static double plain[2][SIZES][ROUNDS], tracked[2][SIZES][ROUNDS];
  /* glibc first (hooks cannot be removed once installed), rounds over sizes and threads */
  for (int r = 0; r < ROUNDS; r++)
    for (int th = 1; th <= 2; th++)
      for (int s = 0; s < SIZES; s++) plain[th - 1][s][r] = measure(sizes[s], th, N);
  if (ig_init("", IG_INIT_QUIET) != IG_OK || ig_heap_install() != IG_OK || !ig_heap_hooked("libigheapholder")) {
    fprintf(stderr, "ig_heap_install did not hook the library\n");
    return 1;
  }
  for (int r = 0; r < ROUNDS; r++)
    for (int th = 1; th <= 2; th++)
      for (int s = 0; s < SIZES; s++) tracked[th - 1][s][r] = measure(sizes[s], th, N);
  printf("| size | threads | glibc ns/pair | tracked ns/pair | ratio |\n|---|---|---|---|---|\n");
  for (int th = 1; th <= 2; th++)
    for (int s = 0; s < SIZES; s++) {
      qsort(plain[th - 1][s], ROUNDS, sizeof(double), cmp);
      qsort(tracked[th - 1][s], ROUNDS, sizeof(double), cmp);
      double a = plain[th - 1][s][ROUNDS / 2], b = tracked[th - 1][s][ROUNDS / 2];
      printf("| %zu | %d | %.1f | %.1f | %.2f |\n", sizes[s], th, a, b, b / a);
    }
  return 0;
}
