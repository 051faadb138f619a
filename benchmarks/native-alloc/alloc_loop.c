/* alloc_loop.c - one malloc+free loop, compiled three ways by CMakeLists.txt (glibc, gcc -fsanitize=address,
 * ig_malloc/ig_free) and run by run_bench.py: `alloc_loop SIZE THREADS PAIRS [mode2]` prints the mean CPU ns of one
 * pair as one thread sees it (each thread runs PAIRS pairs at once with the others; its CPU time / PAIRS, averaged
 * over the threads).
 *
 * Each thread first runs PAIRS / 2 + enough pairs to cycle its share of its allocator's quarantine once (64 MiB for
 * InteropGuard's default, 256 MiB for ASan's), so eviction is part of what is timed and no fresh memory is, as in a
 * program that has run for a while. `mode2` (InteropGuard only) initialises the library as mode 2 does
 * (IG_INIT_FULL_FILL). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef ALLOC_IG
#include "interopguard.h"
#define ALLOC(n) ig_malloc(n)
#define FREE(p) ig_free(p)
#define QUARANTINE_BYTES (64ull << 20) /* quarantine_mb's default */
#define BLOCK_OVERHEAD 64              /* header and left canary (48) + the smallest right redzone (16) */
#elif defined(__SANITIZE_ADDRESS__)
#define ALLOC(n) malloc(n)
#define FREE(p) free(p)
#define QUARANTINE_BYTES (256ull << 20) /* ASan's quarantine_size_mb default on x86-64 Linux */
#define BLOCK_OVERHEAD 32               /* chunk header (16) + the smallest redzone (16) */
#else
#define ALLOC(n) malloc(n)
#define FREE(p) free(p)
#define QUARANTINE_BYTES 0ull
#define BLOCK_OVERHEAD 0
#endif

static void *volatile sink;
static pthread_barrier_t barrier;

typedef struct job_s {
  size_t size;
  long pairs;
  long warm;
  double ns;
} job_t;

/* The calling thread's CPU time: on a machine shared with other work, time spent waiting for a core is not counted
 * (every variant runs the same loop, so the ratio is what it would be on a quiet machine, cache sharing aside). */
static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The loop every variant times: allocate, touch the first byte (as a user would), free. */
static __attribute__((noinline)) void loop(size_t size, long n) {
  for (long i = 0; i < n; i++) {
    char *p = ALLOC(size);
    p[0] = (char)i;
    sink = p;
    FREE(p);
  }
}

static void *run(void *arg) {
  job_t *j = arg;
  loop(j->size, j->warm);
  pthread_barrier_wait(&barrier);
  double t0 = now_ns();
  loop(j->size, j->pairs);
  j->ns = (now_ns() - t0) / (double)j->pairs;
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s SIZE THREADS PAIRS [mode2]\n", argv[0]);
    return 2;
  }
  size_t size = strtoull(argv[1], NULL, 10);
  int threads = atoi(argv[2]);
  long pairs = atol(argv[3]);
  if (size == 0 || threads < 1 || threads > 8 || pairs < 1) {
    fprintf(stderr, "%s: SIZE >= 1, THREADS 1..8, PAIRS >= 1\n", argv[0]);
    return 2;
  }
#ifdef ALLOC_IG
  ig_init(NULL, argc > 4 && strcmp(argv[4], "mode2") == 0 ? IG_INIT_FULL_FILL : 0);
#endif
  /* warm-up: enough pairs to cycle this allocator's quarantine once (its bound over a lower bound of the bytes one
   * block holds in it), shared by the threads; until then every allocation takes fresh memory (page faults) */
  long cycle = QUARANTINE_BYTES == 0 ? 0 : (long)(QUARANTINE_BYTES / (size + BLOCK_OVERHEAD) / (unsigned)threads) + 1;
  long warm = pairs / 2 + cycle;
  pthread_t th[8];
  job_t jobs[8];
  pthread_barrier_init(&barrier, NULL, (unsigned)threads);
  for (int t = 0; t < threads; t++) {
    jobs[t] = (job_t){size, pairs, warm, 0};
    pthread_create(&th[t], NULL, run, &jobs[t]);
  }
  double sum = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(th[t], NULL);
    sum += jobs[t].ns;
  }
  printf("%.1f\n", sum / threads);
  return 0;
}
