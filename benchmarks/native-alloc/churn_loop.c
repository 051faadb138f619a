/* churn_loop.c - the Debug gate's native-buffer-churn pair in C, compiled three ways by CMakeLists.txt (glibc, gcc
 * -fsanitize=address, ig_malloc/ig_free) and run by run_churn.py: `churn_loop ITERATIONS [mode2]` prints the mean CPU
 * ns of one iteration (free the ring slot's buffer, allocate the next size, memset it, crc32 it), so the gate's ratio
 * can be set beside what AddressSanitizer costs on the same work. `checks` (InteropGuard only) also makes the native
 * calls the gate's mode-1 wrappers make: ig_check of the range before memset and before crc32, and the allocation and
 * free with a site (ig_malloc_at / ig_free_at).
 *
 * The workload is the gate's (benchmarks/InteropGuard.BenchGate/BufferChurnBenchmarks.cs): a ring of 32 live buffers,
 * sizes from a fixed sequence of 4099 log-uniform sizes between 64 B and 16 KiB, each buffer written by libc's memset
 * and read by zlib's crc32. The loop first runs enough iterations to cycle the allocator's quarantine once (as the
 * gate's warm-up does), then times ITERATIONS more. `mode2` (InteropGuard only) initialises the library as mode 2
 * does (IG_INIT_FULL_FILL). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#ifdef ALLOC_IG
#include "interopguard.h"
#define ALLOC(n) ig_malloc(n)
#define FREE(p) ig_free(p)
#define QUARANTINE_BYTES (64ull << 20) /* quarantine_mb's default */
#elif defined(__SANITIZE_ADDRESS__)
#define ALLOC(n) malloc(n)
#define FREE(p) free(p)
#define QUARANTINE_BYTES (256ull << 20) /* ASan's quarantine_size_mb default on x86-64 Linux */
#else
#define ALLOC(n) malloc(n)
#define FREE(p) free(p)
#define QUARANTINE_BYTES 0ull
#endif

#define LIVE 32
#define SEQUENCE 4099
#define MIN_SIZE 64.0
#define MAX_SIZE 16384.0

static size_t sizes[SEQUENCE];
#ifdef ALLOC_IG
static int checks;     /* the mode-1 wrappers' native calls too */
static uint32_t site;  /* the site they pass */
#endif
static unsigned char *ring[LIVE];
static size_t next_size;
static unsigned long crc_sink;

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A fixed log-uniform sequence (splitmix64, so every variant sees the same sizes). */
static void make_sizes(void) {
  uint64_t s = 0x5EED0005u;
  for (int i = 0; i < SEQUENCE; i++) {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    double u = (double)(z >> 11) / 9007199254740992.0;
    sizes[i] = (size_t)(MIN_SIZE * pow(MAX_SIZE / MIN_SIZE, u));
  }
}

static __attribute__((noinline)) void churn(long n) {
  unsigned long crc = crc_sink;
  for (long i = 0; i < n; i++) {
    int slot = (int)(next_size % LIVE);
    size_t size = sizes[next_size];
    unsigned char *b;
#ifdef ALLOC_IG
    if (checks) {
      ig_violation_t v;
      if (ig_free_at(ring[slot], site, &v) != IG_OK) abort();
      b = ig_malloc_at(size, 0, site);
      ring[slot] = b;
      if (ig_check(b, size, &v) != IG_KIND_NONE) abort();
      memset(b, (int)i, size);
      if (ig_check(b, size, &v) != IG_KIND_NONE) abort();
      crc = crc32(crc, b, (uInt)size);
      next_size = next_size + 1 == SEQUENCE ? 0 : next_size + 1;
      continue;
    }
#endif
    FREE(ring[slot]);
    b = ALLOC(size);
    ring[slot] = b;
    memset(b, (int)i, size);
    crc = crc32(crc, b, (uInt)size);
    next_size = next_size + 1 == SEQUENCE ? 0 : next_size + 1;
  }
  crc_sink = crc;
}

int main(int argc, char **argv) {
  if (argc < 2 || atol(argv[1]) < 1) {
    fprintf(stderr, "usage: %s ITERATIONS [mode2|checks]\n", argv[0]);
    return 2;
  }
  long iterations = atol(argv[1]);
#ifdef ALLOC_IG
  ig_init(NULL, argc > 2 && strcmp(argv[2], "mode2") == 0 ? IG_INIT_FULL_FILL : 0);
  checks = argc > 2 && strcmp(argv[2], "checks") == 0;
  site = ig_site_intern("churn_loop.c", __LINE__, "churn");
#endif
  make_sizes();
  double mean = 0;
  for (int i = 0; i < SEQUENCE; i++) mean += (double)sizes[i] / SEQUENCE;
  /* warm-up: cycle the quarantine once (plus the timed count once), so eviction is timed and fresh memory is not */
  churn(iterations + (long)(QUARANTINE_BYTES / mean) + 1);
  double t0 = now_ns();
  churn(iterations);
  printf("%.1f\n", (now_ns() - t0) / (double)iterations);
  for (int i = 0; i < LIVE; i++) FREE(ring[i]);
  fprintf(stderr, "crc %08lx\n", crc_sink); /* keeps the work live */
  return 0;
}
