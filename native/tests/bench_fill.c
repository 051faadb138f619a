/* bench_fill.c - timing program (built, not a ctest case): the cost of filling every byte of a new block (mode 2,
 * IG_INIT_FULL_FILL) against the default fill of the first max_malloc_fill_size (4096) bytes, as ig_malloc+ig_free
 * pairs from 16 B to 256 KiB. Each configuration runs in its own forked process (ig_init once per process), the two
 * alternating over `rounds` rounds (argv[1], default 7) so a busy machine slows both alike; prints the median ns per
 * pair of each and their difference. */
#include "interopguard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *volatile sink;

static const size_t sizes[] = {16, 256, 4096, 16384, 65536, 262144};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* In a child: ns per pair for every size, written to fd. */
static void measure(uint32_t flags, int fd) {
  ig_init("", flags);
  double ns[NSIZES];
  for (size_t s = 0; s < NSIZES; s++) {
    long n = sizes[s] >= 65536 ? 20000 : sizes[s] >= 4096 ? 100000 : 400000;
    for (long i = 0; i < n / 2; i++) { void *p = ig_malloc(sizes[s]); sink = p; ig_free(p); } /* fills the quarantine */
    double t0 = now();
    for (long i = 0; i < n; i++) { void *p = ig_malloc(sizes[s]); sink = p; ig_free(p); }
    ns[s] = (now() - t0) / (double)n;
  }
  if (write(fd, ns, sizeof ns) != (ssize_t)sizeof ns) _exit(1);
  _exit(0);
}

static void run(uint32_t flags, double *out) {
  int p[2];
  if (pipe(p) != 0) abort();
  pid_t pid = fork();
  if (pid == 0) { close(p[0]); measure(flags, p[1]); }
  close(p[1]);
  if (read(p[0], out, NSIZES * sizeof(double)) != (ssize_t)(NSIZES * sizeof(double))) abort();
  close(p[0]);
  waitpid(pid, NULL, 0);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 7;
  if (rounds < 1 || rounds > 99) rounds = 7;
  double partial[99][NSIZES], full[99][NSIZES];
  for (int r = 0; r < rounds; r++) {
    run(0, partial[r]);
    run(IG_INIT_FULL_FILL, full[r]);
  }
  printf("ig_malloc+ig_free pair, median of %d alternating rounds, ns\n", rounds);
  printf("%10s %14s %14s %10s %8s\n", "size", "fill 4096 B", "fill all", "diff", "ratio");
  for (size_t s = 0; s < NSIZES; s++) {
    double a[99], b[99];
    for (int r = 0; r < rounds; r++) { a[r] = partial[r][s]; b[r] = full[r][s]; }
    qsort(a, (size_t)rounds, sizeof a[0], cmp);
    qsort(b, (size_t)rounds, sizeof b[0], cmp);
    double ma = a[rounds / 2], mb = b[rounds / 2];
    printf("%10zu %14.1f %14.1f %10.1f %8.2f\n", sizes[s], ma, mb, mb - ma, mb / ma);
  }
  return 0;
}
