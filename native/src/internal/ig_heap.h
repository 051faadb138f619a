/* ig_heap.h - the internal interface of native-heap tracking: the block registry (ig_heap.c), the allocation hooks
 * (ig_heap_hooks.c) and the import-slot patcher (ig_heap_patch.c). */
#ifndef IG_HEAP_INTERNAL_H
#define IG_HEAP_INTERNAL_H

#include "ig_internal.h"

/* The registry header the validator reads (ig_table_header_t.native_heap points at it). */
extern ig_heap_header_t _ig_heap_header;

/* Maps the slot array (capacity rounded up to a power of two); 0 on success. */
int _ig_heap_registry_init(uint64_t capacity);
/* Records a new block; 0 when its probe window is full (the block stays untracked and is counted as dropped). */
int _ig_heap_insert(const void *ptr, size_t size, uintptr_t caller, uint32_t how);
/* Removes the block that starts at ptr; 1 when it was tracked (and *size set), 0 when the registry never saw it. */
int _ig_heap_remove(const void *ptr, size_t *size);
/* Counts a free or realloc of a block the registry never saw. */
void _ig_heap_count_untracked(void);

/* The real allocation functions (resolved once by ig_heap_install) and the hooks that stand in for them. */
typedef struct _ig_heap_reals_s {
  void *(*malloc)(size_t);
  void *(*calloc)(size_t, size_t);
  void *(*realloc)(void *, size_t);
  void *(*reallocarray)(void *, size_t, size_t);
  void (*free)(void *);
  int (*posix_memalign)(void **, size_t, size_t);
  void *(*aligned_alloc)(size_t, size_t);
  void *(*memalign)(size_t, size_t);
  void *(*dlopen)(const char *, int);
} _ig_heap_reals_t;
extern _ig_heap_reals_t _ig_heap_real;

/* One import the patcher may redirect: the symbol's name, the hook, and the slot holding the real function (resolved
 * through the importing library when still NULL, for the C++ operators that live in libstdc++). */
typedef struct _ig_heap_hook_s {
  const char *name;
  void *hook;
  void **real;
  uint32_t runtime; /* 1: also patched in libSystem.Native (the runtime's allocation exports) */
} _ig_heap_hook_t;
extern const _ig_heap_hook_t _ig_heap_hooks[];
extern const size_t _ig_heap_hook_count;
/* libcoreclr's dlopen import is redirected here: the real dlopen, then ig_heap_refresh. */
void *_ig_heap_dlopen_hook(const char *file, int mode);

/* 1 while tracking runs (after ig_heap_install). */
extern uint32_t _ig_heap_on;

#endif /* IG_HEAP_INTERNAL_H */
