/* fuzz_driver.h - a small coverage-guided mutation fuzzer (AFL-style) for gcc, which has no libFuzzer; included by each
 * fuzz program (fuzz_*.c), which supplies the target, its seed inputs and its dictionary.
 *
 * The code under test is compiled with -fsanitize-coverage=trace-pc: every basic block calls
 * __sanitizer_cov_trace_pc, which counts the edge (previous block, this block) in a 64 KiB map. An input whose run
 * hits an edge count bucket (1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+) never hit before joins the corpus. Each round
 * takes a corpus input, stacks 1-8 mutations (bit flips, bytes, dictionary tokens, inserts, deletes, copies,
 * splices) and runs the target. The random sequence is fixed by the seed; the run is bounded by time (the
 * sanitizers catch memory errors, the target checks its own oracle and calls fuzz_fail).
 *
 *   fuzz_x [seconds [seed]]   fuzz (default 20 s, seed 1); exit 0 when nothing failed
 *   fuzz_x --replay FILE      run one input (what a failure wrote to fuzz_x-failure.bin)
 */
#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H

/* Built with a sanitizer (the asan preset): its reports go to the real stderr, and a crash saves the input first. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FUZZ_SANITIZED 1
#include <sanitizer/common_interface_defs.h>
#else
#define FUZZ_SANITIZED 0
#endif
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FUZZ_MAP_SIZE 65536u
#define FUZZ_MAX_CORPUS 4096u

typedef void (*fuzz_target_t)(const uint8_t *data, size_t size);

typedef struct fuzz_input_s {
  uint8_t *data;
  size_t size;
} fuzz_input_t;

static uint8_t fuzz_map[FUZZ_MAP_SIZE];  /* edge hit counts of the current run */
static uint8_t fuzz_seen[FUZZ_MAP_SIZE]; /* count buckets any run hit so far, one bit each */
static uintptr_t fuzz_prev;
static const char *fuzz_name = "fuzz";
static FILE *fuzz_err; /* the real stderr: fd 2 goes to /dev/null while fuzzing (the targets' warnings) */
static const uint8_t *fuzz_current; /* the input being run, written out when it fails */
static size_t fuzz_current_size;

/* Called by every basic block of the code under test (never by this file, which is compiled without coverage). */
void __sanitizer_cov_trace_pc(void);
void __sanitizer_cov_trace_pc(void) {
  uintptr_t pc = (uintptr_t)__builtin_return_address(0);
  uintptr_t cur = (pc ^ (pc >> 16)) * 0x9E3779B1u;
  cur = (cur >> 8) & (FUZZ_MAP_SIZE - 1);
  fuzz_map[cur ^ fuzz_prev]++;
  fuzz_prev = cur >> 1;
}

/* Writes the failing input next to the program (fuzz_x-failure.bin) and as hex to stderr. */
static void fuzz_save_current(void) {
  if (fuzz_current == NULL) return;
  char path[256];
  snprintf(path, sizeof path, "%s-failure.bin", fuzz_name);
  FILE *f = fopen(path, "wb");
  if (f != NULL) {
    fwrite(fuzz_current, 1, fuzz_current_size, f);
    fclose(f);
  }
  fprintf(fuzz_err, "%s: failing input (%zu bytes, saved to %s; rerun with --replay):\n", fuzz_name, fuzz_current_size,
          path);
  for (size_t i = 0; i < fuzz_current_size && i < 1024; i++)
    fprintf(fuzz_err, "%02x%s", fuzz_current[i], (i % 32 == 31) ? "\n" : "");
  fprintf(fuzz_err, "\n");
  fuzz_current = NULL;
}

/* The target's oracle found a wrong answer: say what, save the input, abort. */
__attribute__((noreturn, format(printf, 1, 2))) static void fuzz_fail(const char *fmt, ...);
#include <stdarg.h>
static void fuzz_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(fuzz_err, "%s: FAIL: ", fuzz_name);
  vfprintf(fuzz_err, fmt, ap);
  fprintf(fuzz_err, "\n");
  va_end(ap);
  fuzz_save_current();
  abort();
}

static uint64_t fuzz_rng;
static uint64_t fuzz_rand(void) { /* xorshift64* */
  fuzz_rng ^= fuzz_rng >> 12;
  fuzz_rng ^= fuzz_rng << 25;
  fuzz_rng ^= fuzz_rng >> 27;
  return fuzz_rng * 0x2545F4914F6CDD1DULL;
}
static size_t fuzz_below(size_t n) { return n ? (size_t)(fuzz_rand() % n) : 0; }

static double fuzz_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned fuzz_bucket(uint8_t count) {
  if (count <= 3) return count; /* 1, 2, 3 -> bits 1, 2, 3 (0 never gets here) */
  if (count < 8) return 4;
  if (count < 16) return 5;
  if (count < 32) return 6;
  if (count < 128) return 7;
  return 0; /* 128+ : bit 0 */
}

/* Runs one input; returns how many new (edge, bucket) pairs it hit. */
static size_t fuzz_run(fuzz_target_t target, const uint8_t *data, size_t size) {
  memset(fuzz_map, 0, sizeof fuzz_map);
  fuzz_prev = 0;
  fuzz_current = data;
  fuzz_current_size = size;
  target(data, size);
  fuzz_current = NULL;
  size_t fresh = 0;
  for (size_t i = 0; i < FUZZ_MAP_SIZE; i++) {
    if (fuzz_map[i] == 0) continue;
    uint8_t bit = (uint8_t)(1u << fuzz_bucket(fuzz_map[i]));
    if (!(fuzz_seen[i] & bit)) {
      fuzz_seen[i] |= bit;
      fresh++;
    }
  }
  return fresh;
}

static size_t fuzz_edges(void) {
  size_t n = 0;
  for (size_t i = 0; i < FUZZ_MAP_SIZE; i++) n += fuzz_seen[i] != 0;
  return n;
}

/* Mutates buf (size *n, capacity cap) in place with 1-8 stacked mutations. */
static void fuzz_mutate(uint8_t *buf, size_t *n, size_t cap, const fuzz_input_t *corpus, size_t ncorpus,
                        const char *const *dict, size_t ndict) {
  static const uint8_t interesting[] = {0, 1, 0x7f, 0x80, 0xff, ':', '=', '0', '1', '9', ' ', '-', '+', 'x'};
  size_t rounds = 1 + fuzz_below(8);
  for (size_t r = 0; r < rounds; r++) {
    size_t len = *n;
    switch (fuzz_below(9)) {
      case 0: /* flip a bit */
        if (len) buf[fuzz_below(len)] ^= (uint8_t)(1u << fuzz_below(8));
        break;
      case 1: /* a random byte */
        if (len) buf[fuzz_below(len)] = (uint8_t)fuzz_rand();
        break;
      case 2: /* an interesting byte */
        if (len) buf[fuzz_below(len)] = interesting[fuzz_below(sizeof interesting)];
        break;
      case 3: { /* insert a byte */
        if (len >= cap) break;
        size_t at = fuzz_below(len + 1);
        memmove(buf + at + 1, buf + at, len - at);
        buf[at] = fuzz_below(2) ? interesting[fuzz_below(sizeof interesting)] : (uint8_t)fuzz_rand();
        *n = len + 1;
        break;
      }
      case 4: { /* delete a range */
        if (len == 0) break;
        size_t at = fuzz_below(len), k = 1 + fuzz_below(len - at < 16 ? len - at : 16);
        memmove(buf + at, buf + at + k, len - at - k);
        *n = len - k;
        break;
      }
      case 5:   /* insert a dictionary token */
      case 6: { /* overwrite with a dictionary token */
        if (ndict == 0) break;
        const char *tok = dict[fuzz_below(ndict)];
        size_t k = strlen(tok), at = fuzz_below(len + 1);
        if (fuzz_below(2) == 0 && len + k <= cap) {
          memmove(buf + at + k, buf + at, len - at);
          *n = len + k;
        } else if (at + k > len) {
          if (at + k > cap) break;
          *n = at + k;
        }
        memcpy(buf + at, tok, k);
        break;
      }
      case 7: { /* copy a range within the input */
        if (len < 2) break;
        size_t from = fuzz_below(len), to = fuzz_below(len), k = 1 + fuzz_below(len - (from > to ? from : to));
        memmove(buf + to, buf + from, k);
        break;
      }
      case 8: { /* splice: keep a prefix, append the tail of another corpus input */
        const fuzz_input_t *o = &corpus[fuzz_below(ncorpus)];
        if (o->size == 0) break;
        size_t keep = fuzz_below(len + 1), from = fuzz_below(o->size), k = o->size - from;
        if (keep + k > cap) k = cap - keep;
        memcpy(buf + keep, o->data + from, k);
        *n = keep + k;
        break;
      }
    }
  }
}

#if FUZZ_SANITIZED
static void fuzz_on_death(void) { fuzz_save_current(); }
#endif

static int fuzz_replay(fuzz_target_t target, const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(fuzz_err, "%s: cannot open %s\n", fuzz_name, path);
    return 2;
  }
  static uint8_t buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  fuzz_run(target, buf, n);
  printf("%s: replayed %zu bytes, no failure\n", fuzz_name, n);
  return 0;
}

/* The fuzz program's main: seeds the corpus, then mutates and runs until the time is up. max_size bounds an input. */
static int fuzz_main(int argc, char **argv, const char *name, fuzz_target_t target, const char *const *seeds,
                     size_t nseeds, const char *const *dict, size_t ndict, size_t max_size) {
  fuzz_name = name;
  /* The targets print warnings for every bad input: fd 2 goes to /dev/null, the sanitizers' reports and this
   * driver's messages to a copy of the real stderr. */
  int real_stderr = dup(2);
  fuzz_err = real_stderr >= 0 ? fdopen(real_stderr, "w") : NULL;
  if (fuzz_err == NULL) fuzz_err = stderr;
  else {
    setvbuf(fuzz_err, NULL, _IONBF, 0);
#if FUZZ_SANITIZED
    __sanitizer_set_report_fd((void *)(intptr_t)real_stderr);
#endif
    FILE *null = freopen("/dev/null", "w", stderr);
    (void)null;
  }
#if FUZZ_SANITIZED
  __sanitizer_set_death_callback(fuzz_on_death);
#endif
  if (argc > 2 && strcmp(argv[1], "--replay") == 0) return fuzz_replay(target, argv[2]);
  double seconds = argc > 1 ? atof(argv[1]) : 20.0;
  fuzz_rng = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
  if (fuzz_rng == 0) fuzz_rng = 1;

  static fuzz_input_t corpus[FUZZ_MAX_CORPUS];
  size_t ncorpus = 0;
  for (size_t i = 0; i < nseeds && ncorpus < FUZZ_MAX_CORPUS; i++) {
    size_t k = strlen(seeds[i]);
    corpus[ncorpus].data = malloc(k + 1);
    memcpy(corpus[ncorpus].data, seeds[i], k + 1);
    corpus[ncorpus].size = k;
    fuzz_run(target, corpus[ncorpus].data, k);
    ncorpus++;
  }
  if (ncorpus == 0) { /* no seeds: start from the empty input */
    corpus[0].data = malloc(1);
    corpus[0].size = 0;
    ncorpus = 1;
  }

  uint8_t *buf = malloc(max_size + 1);
  double start = fuzz_now(), end = start + seconds;
  unsigned long runs = 0;
  while ((runs & 63) != 0 || fuzz_now() < end) {
    const fuzz_input_t *base = &corpus[fuzz_below(ncorpus)];
    size_t n = base->size < max_size ? base->size : max_size;
    memcpy(buf, base->data, n);
    fuzz_mutate(buf, &n, max_size, corpus, ncorpus, dict, ndict);
    size_t fresh = fuzz_run(target, buf, n);
    runs++;
    if (fresh > 0 && ncorpus < FUZZ_MAX_CORPUS) {
      corpus[ncorpus].data = malloc(n ? n : 1);
      memcpy(corpus[ncorpus].data, buf, n);
      corpus[ncorpus].size = n;
      ncorpus++;
    }
  }
  printf("%s: %lu runs in %.1f s (seed %llu), corpus %zu inputs, %zu edges; no failure\n", name, runs,
         fuzz_now() - start, (unsigned long long)(argc > 2 ? strtoull(argv[2], NULL, 10) : 1), ncorpus, fuzz_edges());
  for (size_t i = 0; i < ncorpus; i++) free(corpus[i].data);
  free(buf);
  return 0;
}

#endif
