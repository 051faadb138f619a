/* ig_heap_hooks.c - the functions hooked libraries call instead of malloc & co.: each forwards to the real function,
 * zeroes a new block (so the validator never reads a word nobody wrote) and records or removes it in the registry.
 * They run on any thread of the program, inside the library's own calls: no lock, no allocation, no report. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>

#include "internal/ig_heap.h"

_ig_heap_reals_t _ig_heap_real;
uint32_t _ig_heap_on;

/* 1 when the real malloc is glibc's, whose chunk header (the word before the block) says whether the block came
 * straight from mmap: such memory is fresh from the kernel and already zero. Never under a sanitizer (its own
 * allocator, and reading the word before a block is what it reports). */
uint32_t _ig_heap_glibc_chunks;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define IG_HEAP_CHUNK_PEEK 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define IG_HEAP_CHUNK_PEEK 0
#endif
#endif
#ifndef IG_HEAP_CHUNK_PEEK
#define IG_HEAP_CHUNK_PEEK 1
#endif

/* Zeroes the bytes nobody wrote yet: everything but a block glibc just mmap'ed (IS_MMAPPED, bit 1 of its size word). */
IG_INLINE void _ig_heap_zero(void *p, size_t size) {
#if IG_HEAP_CHUNK_PEEK
  if (_ig_heap_glibc_chunks && (((const size_t *)p)[-1] & 2u) != 0) return;
#endif
  memset(p, 0, size);
}

IG_INLINE void *_ig_heap_track(void *p, size_t size, uintptr_t caller, uint32_t how, int zero) {
  if (IG_UNLIKELY(p == NULL)) return p;
  if (zero) _ig_heap_zero(p, size);
  _ig_heap_insert(p, size, caller, how);
  return p;
}

#define IG_CALLER() ((uintptr_t)__builtin_return_address(0))

static void *_ig_hook_malloc(size_t size) {
  return _ig_heap_track(_ig_heap_real.malloc(size), size, IG_CALLER(), IG_HEAP_HOW_MALLOC, 1);
}

static void *_ig_hook_calloc(size_t n, size_t size) {
  void *p = _ig_heap_real.calloc(n, size);
  return _ig_heap_track(p, n * size, IG_CALLER(), IG_HEAP_HOW_CALLOC, 0); /* calloc zeroed it; n * size cannot wrap once p != NULL */
}

static void _ig_hook_free(void *p) {
  if (p == NULL) return;
  if (!_ig_heap_remove(p, NULL)) _ig_heap_count_untracked(); /* allocated before the hook or by code not hooked */
  _ig_heap_real.free(p);
}

/* realloc of a tracked block: removed before the real call (which may free it: libc can hand the address out again at
 * once), recorded again afterwards with the grown tail zeroed. An untracked block stays untracked: its old bytes were
 * never zeroed, so nothing in them is known to have been written. */
static void *_ig_heap_realloc_as(void *p, size_t size, uintptr_t caller) {
  if (p == NULL) return _ig_heap_track(_ig_heap_real.malloc(size), size, caller, IG_HEAP_HOW_REALLOC, 1);
  size_t old = 0;
  if (!_ig_heap_remove(p, &old)) {
    _ig_heap_count_untracked();
    return _ig_heap_real.realloc(p, size);
  }
  void *q = _ig_heap_real.realloc(p, size);
  if (q == NULL) {
    if (size != 0) _ig_heap_insert(p, old, caller, IG_HEAP_HOW_REALLOC); /* failed: p is still the caller's */
    return NULL; /* realloc(p, 0) freed p */
  }
  if (size > old) memset((char *)q + old, 0, size - old);
  _ig_heap_insert(q, size, caller, IG_HEAP_HOW_REALLOC);
  return q;
}

static void *_ig_hook_realloc(void *p, size_t size) { return _ig_heap_realloc_as(p, size, IG_CALLER()); }

static void *_ig_hook_reallocarray(void *p, size_t n, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  return _ig_heap_realloc_as(p, total, IG_CALLER());
}

static int _ig_hook_posix_memalign(void **out, size_t alignment, size_t size) {
  int rc = _ig_heap_real.posix_memalign(out, alignment, size);
  if (rc == 0) _ig_heap_track(*out, size, IG_CALLER(), IG_HEAP_HOW_ALIGNED, 1);
  return rc;
}

static void *_ig_hook_aligned_alloc(size_t alignment, size_t size) {
  return _ig_heap_track(_ig_heap_real.aligned_alloc(alignment, size), size, IG_CALLER(), IG_HEAP_HOW_ALIGNED, 1);
}

static void *_ig_hook_memalign(size_t alignment, size_t size) {
  return _ig_heap_track(_ig_heap_real.memalign(alignment, size), size, IG_CALLER(), IG_HEAP_HOW_ALIGNED, 1);
}

/* C++ operators: the real ones live in libstdc++ (resolved through the first library that imports them). new throws
 * on failure, so a NULL never comes back from the throwing forms; the nothrow forms may return NULL. */
static void *(*_ig_real_new)(size_t);
static void *(*_ig_real_new_array)(size_t);
static void *(*_ig_real_new_nothrow)(size_t, const void *);
static void *(*_ig_real_new_array_nothrow)(size_t, const void *);
static void *(*_ig_real_new_aligned)(size_t, size_t);
static void *(*_ig_real_new_array_aligned)(size_t, size_t);
static void (*_ig_real_delete)(void *);
static void (*_ig_real_delete_array)(void *);
static void (*_ig_real_delete_sized)(void *, size_t);
static void (*_ig_real_delete_array_sized)(void *, size_t);
static void (*_ig_real_delete_aligned)(void *, size_t);
static void (*_ig_real_delete_array_aligned)(void *, size_t);
static void (*_ig_real_delete_sized_aligned)(void *, size_t, size_t);
static void (*_ig_real_delete_array_sized_aligned)(void *, size_t, size_t);

static void *_ig_hook_new(size_t n) { return _ig_heap_track(_ig_real_new(n), n, IG_CALLER(), IG_HEAP_HOW_NEW, 1); }
static void *_ig_hook_new_array(size_t n) { return _ig_heap_track(_ig_real_new_array(n), n, IG_CALLER(), IG_HEAP_HOW_NEW, 1); }
static void *_ig_hook_new_nothrow(size_t n, const void *tag) {
  return _ig_heap_track(_ig_real_new_nothrow(n, tag), n, IG_CALLER(), IG_HEAP_HOW_NEW, 1);
}
static void *_ig_hook_new_array_nothrow(size_t n, const void *tag) {
  return _ig_heap_track(_ig_real_new_array_nothrow(n, tag), n, IG_CALLER(), IG_HEAP_HOW_NEW, 1);
}
static void *_ig_hook_new_aligned(size_t n, size_t al) {
  return _ig_heap_track(_ig_real_new_aligned(n, al), n, IG_CALLER(), IG_HEAP_HOW_NEW, 1);
}
static void *_ig_hook_new_array_aligned(size_t n, size_t al) {
  return _ig_heap_track(_ig_real_new_array_aligned(n, al), n, IG_CALLER(), IG_HEAP_HOW_NEW, 1);
}

IG_INLINE void _ig_heap_forget(void *p) {
  if (p != NULL && !_ig_heap_remove(p, NULL)) _ig_heap_count_untracked();
}
static void _ig_hook_delete(void *p) { _ig_heap_forget(p); _ig_real_delete(p); }
static void _ig_hook_delete_array(void *p) { _ig_heap_forget(p); _ig_real_delete_array(p); }
static void _ig_hook_delete_sized(void *p, size_t n) { _ig_heap_forget(p); _ig_real_delete_sized(p, n); }
static void _ig_hook_delete_array_sized(void *p, size_t n) { _ig_heap_forget(p); _ig_real_delete_array_sized(p, n); }
static void _ig_hook_delete_aligned(void *p, size_t al) { _ig_heap_forget(p); _ig_real_delete_aligned(p, al); }
static void _ig_hook_delete_array_aligned(void *p, size_t al) { _ig_heap_forget(p); _ig_real_delete_array_aligned(p, al); }
static void _ig_hook_delete_sized_aligned(void *p, size_t n, size_t al) {
  _ig_heap_forget(p);
  _ig_real_delete_sized_aligned(p, n, al);
}
static void _ig_hook_delete_array_sized_aligned(void *p, size_t n, size_t al) {
  _ig_heap_forget(p);
  _ig_real_delete_array_sized_aligned(p, n, al);
}

void *_ig_heap_dlopen_hook(const char *file, int mode) {
  void *h = _ig_heap_real.dlopen(file, mode);
  if (h != NULL) ig_heap_refresh();
  return h;
}

#define IG_HOOK(sym, fn, real, rt) {sym, (void *)(fn), (void **)(real), rt}
const _ig_heap_hook_t _ig_heap_hooks[] = {
    IG_HOOK("malloc", _ig_hook_malloc, &_ig_heap_real.malloc, 1),
    IG_HOOK("calloc", _ig_hook_calloc, &_ig_heap_real.calloc, 1),
    IG_HOOK("realloc", _ig_hook_realloc, &_ig_heap_real.realloc, 1),
    IG_HOOK("reallocarray", _ig_hook_reallocarray, &_ig_heap_real.reallocarray, 1),
    IG_HOOK("free", _ig_hook_free, &_ig_heap_real.free, 1),
    IG_HOOK("posix_memalign", _ig_hook_posix_memalign, &_ig_heap_real.posix_memalign, 1),
    IG_HOOK("aligned_alloc", _ig_hook_aligned_alloc, &_ig_heap_real.aligned_alloc, 1),
    IG_HOOK("memalign", _ig_hook_memalign, &_ig_heap_real.memalign, 1),
    IG_HOOK("_Znwm", _ig_hook_new, &_ig_real_new, 0),
    IG_HOOK("_Znam", _ig_hook_new_array, &_ig_real_new_array, 0),
    IG_HOOK("_ZnwmRKSt9nothrow_t", _ig_hook_new_nothrow, &_ig_real_new_nothrow, 0),
    IG_HOOK("_ZnamRKSt9nothrow_t", _ig_hook_new_array_nothrow, &_ig_real_new_array_nothrow, 0),
    IG_HOOK("_ZnwmSt11align_val_t", _ig_hook_new_aligned, &_ig_real_new_aligned, 0),
    IG_HOOK("_ZnamSt11align_val_t", _ig_hook_new_array_aligned, &_ig_real_new_array_aligned, 0),
    IG_HOOK("_ZdlPv", _ig_hook_delete, &_ig_real_delete, 0),
    IG_HOOK("_ZdaPv", _ig_hook_delete_array, &_ig_real_delete_array, 0),
    IG_HOOK("_ZdlPvm", _ig_hook_delete_sized, &_ig_real_delete_sized, 0),
    IG_HOOK("_ZdaPvm", _ig_hook_delete_array_sized, &_ig_real_delete_array_sized, 0),
    IG_HOOK("_ZdlPvSt11align_val_t", _ig_hook_delete_aligned, &_ig_real_delete_aligned, 0),
    IG_HOOK("_ZdaPvSt11align_val_t", _ig_hook_delete_array_aligned, &_ig_real_delete_array_aligned, 0),
    IG_HOOK("_ZdlPvmSt11align_val_t", _ig_hook_delete_sized_aligned, &_ig_real_delete_sized_aligned, 0),
    IG_HOOK("_ZdaPvmSt11align_val_t", _ig_hook_delete_array_sized_aligned, &_ig_real_delete_array_sized_aligned, 0),
};
const size_t _ig_heap_hook_count = sizeof _ig_heap_hooks / sizeof _ig_heap_hooks[0];
