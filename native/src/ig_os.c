/* ig_os.c - the tiny OS primitives layer (pages, clock, thread id, write, spin locks);
 * its code runs under every other file, from initialisation to reporting. */
#include "internal/ig_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

void *_ig_os_reserve(size_t size) {
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

/* Pre-faults writable pages. Lazily mapped memory that is read before it is written is backed by the shared zero
 * page; the first write then takes a copy-on-write fault and, with several threads, a TLB shootdown. Record chunks
 * are read (state, generation) before they are written, so they are populated up front: one pass of a few ms per
 * 65,536 records instead of a fault per page on the allocation path. Kernels before 5.14 answer EINVAL: ignored. */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
void _ig_os_populate(void *p, size_t size) {
  if (p != NULL) (void)madvise(p, size, MADV_POPULATE_WRITE);
}

void _ig_os_release(void *p, size_t size) {
  if (p != NULL) munmap(p, size);
}

uint64_t _ig_os_now_ns(void) {
  /* The coarse clock costs ~5 ns instead of ~25 ns; its resolution is one scheduler tick (1-4 ms). */
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static IG_TLS uint32_t _ig_cached_tid;

uint32_t _ig_os_tid(void) {
  uint32_t t = _ig_cached_tid;
  if (IG_UNLIKELY(t == 0)) {
    t = (uint32_t)syscall(SYS_gettid);
    _ig_cached_tid = t;
  }
  return t;
}

uint64_t _ig_os_pid(void) { return (uint64_t)getpid(); }

uint64_t _ig_os_max_map_count(void) {
  char text[32];
  int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  uint64_t v = 0;
  for (ssize_t i = 0; i < n && text[i] >= '0' && text[i] <= '9'; i++) v = v * 10 + (uint64_t)(text[i] - '0');
  return v;
}

void _ig_os_write(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    buf += n;
    len -= (size_t)n;
  }
}

void _ig_os_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

void _ig_assert_fail(const char *cond, const char *file, int line) {
  char text[512];
  _ig_buf_t b = {text, 0, sizeof text};
  _ig_buf_str(&b, "InteropGuard: internal error: assertion '");
  _ig_buf_str(&b, cond);
  _ig_buf_str(&b, "' failed at ");
  _ig_buf_str(&b, file);
  _ig_buf_str(&b, ":");
  _ig_buf_u64(&b, (uint64_t)line);
  _ig_buf_str(&b, "\n");
  _ig_os_write(2, b.p, b.len);
  abort();
}

/* ---------------------------------------------------------------------------------------------------
 * Locks.
 * ------------------------------------------------------------------------------------------------ */
void _ig_os_yield(void) { sched_yield(); }

static void _ig_backoff(unsigned *spins) {
  if (++*spins < 64) {
    _ig_os_cpu_relax();
  } else {
    sched_yield();
  }
}

void _ig_lock_slow(_ig_lock_t *l) {
  unsigned spins = 0;
  for (;;) {
    while (__atomic_load_n(&l->v, __ATOMIC_RELAXED) != 0) _ig_backoff(&spins);
    if (__atomic_exchange_n(&l->v, 1u, __ATOMIC_ACQUIRE) == 0) return;
  }
}

/* Yama's permission for a non-ancestor to ptrace us (mode 2: the validator child attaches to its parent).
 * Without Yama the kernel answers EINVAL and anyone with the same uid may attach already: success. */
#ifndef PR_SET_PTRACER
#define PR_SET_PTRACER 0x59616d61
#endif
#ifndef PR_SET_PTRACER_ANY
#define PR_SET_PTRACER_ANY ((unsigned long)-1)
#endif
IG_API int ig_set_ptracer(int64_t pid) {
  if (pid < -1) return EINVAL;
  unsigned long who = pid == -1 ? PR_SET_PTRACER_ANY : (unsigned long)pid;
  if (prctl(PR_SET_PTRACER, who, 0, 0, 0) == 0) return 0;
  return errno == EINVAL ? 0 : errno;
}

/* MAP_32BIT (x86-64 Linux) maps in the first 2 GiB: a constant address there fits a 32-bit displacement. */
IG_API void *ig_map_low(size_t size) {
  if (size == 0) return NULL;
#if defined(__x86_64__) && defined(MAP_32BIT)
  void *low = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low != MAP_FAILED) return low;
#endif
  return _ig_os_reserve(size);
}
