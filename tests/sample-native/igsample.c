/* igsample.c - a plain native library with no InteropGuard inside: what a user's own C library looks like. The
 * package end-to-end test calls it through ordinary [DllImport]/[LibraryImport] declarations.
 * sample_keep stores the pointer it was given past the call (the lifetime bug the test makes); sample_kept returns it;
 * sample_sum reads n bytes at a pointer; sample_wait blocks like a socket read before reading its buffer;
 * sample_set_callback keeps a callback past the call, sample_fire calls it. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#if defined(__GNUC__)
#define SAMPLE_API __attribute__((visibility("default")))
#else
#define SAMPLE_API
#endif

static const uint8_t *kept;

/* Keeps p after returning: native code that retains a caller's buffer. */
SAMPLE_API void sample_keep(const uint8_t *p) { kept = p; }

/* The pointer sample_keep stored, NULL if none. */
SAMPLE_API const uint8_t *sample_kept(void) { return kept; }

/* Sums n bytes at p (NULL sums nothing). */
SAMPLE_API uint64_t sample_sum(const uint8_t *p, size_t n) {
  uint64_t sum = 0;
  if (p == NULL) return 0;
  for (size_t i = 0; i < n; i++) sum += p[i];
  return sum;
}

/* Blocks for ms milliseconds (a read waiting for data), then sums n bytes at p: the buffer is in use the whole time. */
SAMPLE_API uint64_t sample_wait(const uint8_t *p, size_t n, int ms) {
  struct timespec left = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&left, &left) != 0) {
  }
  return sample_sum(p, n);
}

static void (*callback)(int);

/* Keeps cb after returning: a registration API whose callback native code may call any time later. */
SAMPLE_API void sample_set_callback(void (*cb)(int)) { callback = cb; }

/* Calls the kept callback with value (nothing when none is kept). */
SAMPLE_API void sample_fire(int value) {
  if (callback != NULL) callback(value);
}
