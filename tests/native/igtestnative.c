/* igtestnative.c - a deliberately wrong native library for the InteropGuard tests: each function that
 * misuses memory handed over by managed code sits beside the nearest correct one, and the tests call
 * both through P/Invoke (tests/InteropGuard.Tests, tests/InteropGuard.Scenarios). Runs only in tests.
 *
 * Wrong on purpose: ig_test_keep_pointer + ig_test_read_kept (a pointer kept past the call),
 * ig_test_fill with n past the end (overflow), ig_test_free_twice (double free), ig_test_free_interior
 * (invalid free), ig_test_fill on a freed block (write after free, found when the quarantine evicts it).
 * Correct: ig_test_sum, ig_test_fill within bounds, ig_test_alloc / ig_test_realloc / ig_test_free. */
#include <stddef.h>
#include <stdint.h>

#include "interopguard.h"

#if defined(__GNUC__)
#define IG_TEST_API __attribute__((visibility("default")))
#else
#define IG_TEST_API
#endif

/* The pointer ig_test_keep_pointer stored; native code that outlives the call reads through it. */
static void *kept_pointer;

/* Stores p for a later ig_test_read_kept: the bug pattern "native code retains a pointer past the call". */
IG_TEST_API void ig_test_keep_pointer(void *p) { kept_pointer = p; }

/* The pointer ig_test_keep_pointer stored (NULL if none), for tests that pass it back to Guard.Check. */
IG_TEST_API void *ig_test_kept_pointer(void) { return kept_pointer; }

/* Sums n bytes at the kept pointer: reads whatever is there now (freed, unpinned or still valid). */
IG_TEST_API uint64_t ig_test_read_kept(size_t n) {
  const volatile uint8_t *p = (const volatile uint8_t *)kept_pointer;
  uint64_t sum = 0;
  if (p == NULL) return 0;
  for (size_t i = 0; i < n; i++) sum += p[i];
  return sum;
}

/* The correct reader: sums n bytes of p, which the caller owns for the duration of the call. */
IG_TEST_API uint64_t ig_test_sum(const uint8_t *p, size_t n) {
  uint64_t sum = 0;
  if (p == NULL) return 0;
  for (size_t i = 0; i < n; i++) sum += p[i];
  return sum;
}

/* Writes v into n bytes at p; with n past the end of the buffer it is the overflow the canaries catch. */
IG_TEST_API void ig_test_fill(uint8_t *p, size_t n, uint8_t v) {
  volatile uint8_t *q = (volatile uint8_t *)p;
  if (p == NULL) return;
  for (size_t i = 0; i < n; i++) q[i] = v;
}

/* Allocates n bytes from the shadow allocator, as a native library that hands memory to managed code. */
IG_TEST_API void *ig_test_alloc(size_t n) { return ig_malloc(n); }

/* ig_realloc(p, n): the old pointer is freed (into quarantine), so a later use of it is a use after free. */
IG_TEST_API void *ig_test_realloc(void *p, size_t n) { return ig_realloc(p, n); }

/* Frees p once: the correct counterpart of ig_test_free_twice. */
IG_TEST_API void ig_test_free(void *p) { ig_free(p); }

/* Frees p twice: ig_free detects the second free natively and reports it through ig_report (and so
 * through the managed report hook when the runtime installed one). */
IG_TEST_API void ig_test_free_twice(void *p) {
  ig_free(p);
  ig_free(p);
}

/* Frees an interior pointer (p + offset): an invalid free detected natively. */
IG_TEST_API void ig_test_free_interior(void *p, size_t offset) { ig_free((uint8_t *)p + offset); }

/* Forgets the kept pointer, so tests start from a clean state. */
IG_TEST_API void ig_test_reset(void) { kept_pointer = NULL; }

/* ---------------------------------------------------------------------------------------------------
 * For the validator's target programs (tests/InteropGuard.ValidatorTargets): native code that holds
 * pointers in its own memory between calls, and a call that blocks while it holds one.
 * ------------------------------------------------------------------------------------------------ */
#include <pthread.h>

static pthread_mutex_t blocked_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t blocked_cond = PTHREAD_COND_INITIALIZER;
static int blocked_released;
static int blocked_inside;

/* Stores p at holder + offset: native code keeping a pointer inside a block it owns (found by the validator's scan). */
IG_TEST_API void ig_test_keep_in(void *holder, size_t offset, void *p) {
  if (holder == NULL) return;
  *(void *volatile *)(void *)((uint8_t *)holder + offset) = p;
}

static void block_until_released(void);

/* Keeps p (like ig_test_keep_pointer) and blocks until ig_test_release_blocked: a native call in progress that holds a
 * pointer the caller pinned with `fixed` for the duration of the call. Correct while it blocks. */
IG_TEST_API void ig_test_block_holding(void *p) {
  kept_pointer = p;
  block_until_released();
}

/* Blocks until ig_test_release_blocked, the kept pointer untouched. Called through a [SuppressGCTransition] P/Invoke the
 * thread stays in cooperative mode with no transition frame: a stack walk from outside reaches none of its managed frames. */
IG_TEST_API void ig_test_block(void) { block_until_released(); }

/* The blocking half of ig_test_block_holding and ig_test_block. */
static void block_until_released(void) {
  pthread_mutex_lock(&blocked_lock);
  blocked_inside = 1;
  pthread_cond_broadcast(&blocked_cond);
  while (!blocked_released) pthread_cond_wait(&blocked_cond, &blocked_lock);
  blocked_inside = 0;
  blocked_released = 0;
  pthread_cond_broadcast(&blocked_cond);
  pthread_mutex_unlock(&blocked_lock);
}

/* Waits until a thread is blocked inside ig_test_block_holding. */
IG_TEST_API void ig_test_wait_blocked(void) {
  pthread_mutex_lock(&blocked_lock);
  while (!blocked_inside) pthread_cond_wait(&blocked_cond, &blocked_lock);
  pthread_mutex_unlock(&blocked_lock);
}

/* Lets the thread blocked in ig_test_block_holding return (it keeps the pointer: kept_pointer is not cleared). */
IG_TEST_API void ig_test_release_blocked(void) {
  pthread_mutex_lock(&blocked_lock);
  blocked_released = 1;
  pthread_cond_broadcast(&blocked_cond);
  while (blocked_inside) pthread_cond_wait(&blocked_cond, &blocked_lock);
  pthread_mutex_unlock(&blocked_lock);
}

/* ---------------------------------------------------------------------------------------------------
 * Callbacks (GuardedCallback tests): native code that calls a function pointer at once, keeps it and
 * calls it later (wrong once the callback was released), or calls it from a thread it created.
 * ------------------------------------------------------------------------------------------------ */
typedef int (*ig_test_int_fn)(int);

/* The function pointer ig_test_keep_callback stored. */
static ig_test_int_fn kept_callback;

/* Calls fn(x) during the call (the correct use of a callback); -1 for NULL. */
IG_TEST_API int ig_test_call(ig_test_int_fn fn, int x) { return fn == NULL ? -1 : fn(x); }

/* Keeps fn for later calls (a registration: native code holds the pointer past the call). */
IG_TEST_API void ig_test_keep_callback(ig_test_int_fn fn) { kept_callback = fn; }

/* Calls the kept callback with x; -1 when none is kept. Wrong when it was released meanwhile. */
IG_TEST_API int ig_test_call_kept(int x) { return kept_callback == NULL ? -1 : kept_callback(x); }

struct ig_test_call_args {
  int x;
  int result;
};

static void *ig_test_call_kept_thread(void *arg) {
  struct ig_test_call_args *a = (struct ig_test_call_args *)arg;
  a->result = ig_test_call_kept(a->x);
  return NULL;
}

/* Calls the kept callback from a thread native code creates (no managed caller below it); waits for it. */
IG_TEST_API int ig_test_call_kept_on_thread(int x) {
  struct ig_test_call_args a = {x, -2};
  pthread_t thread;
  if (pthread_create(&thread, NULL, ig_test_call_kept_thread, &a) != 0) return -3;
  pthread_join(thread, NULL);
  return a.result;
}
