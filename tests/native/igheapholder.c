/* igheapholder.c - a plain C library (no InteropGuard in it) that keeps the pointer it is given inside memory it
 * allocated itself, one function per way of allocating; the native-heap tests (native/tests/test_heap.c and the
 * managed validator tests) hold managed and native addresses in it. Runs only in tests. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <malloc.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define IGH_API __attribute__((visibility("default")))

/* C++ operators, called by their mangled names so this C library imports them as a C++ one does. */
extern void *_Znwm(size_t size);
extern void _ZdlPv(void *p);

/* How igh_hold allocates the holding block. */
enum {
  IGH_MALLOC = 0,
  IGH_CALLOC = 1,
  IGH_REALLOC_MOVED = 2, /* a small block grown by realloc until it moves */
  IGH_POSIX_MEMALIGN = 3,
  IGH_ALIGNED_ALLOC = 4,
  IGH_MEMALIGN = 5,
  IGH_NEW = 6,
  IGH_MMAP_SIZED = 7, /* 1 MiB: glibc serves it with mmap */
  IGH_THREAD = 8,     /* malloc'ed on another thread (its own arena) */
  IGH_HOW_COUNT = 9,
};

#define IGH_BLOCK 256
#define IGH_BIG (1u << 20)

static void *held[IGH_HOW_COUNT];
static size_t held_size[IGH_HOW_COUNT];

typedef struct {
  void *block;
} igh_thread_arg_t;

static void *igh_thread_alloc(void *arg) {
  ((igh_thread_arg_t *)arg)->block = malloc(IGH_BLOCK);
  return NULL;
}

static void *igh_allocate(int how, size_t *size) {
  void *p = NULL;
  *size = IGH_BLOCK;
  switch (how) {
  case IGH_MALLOC: p = malloc(IGH_BLOCK); break;
  case IGH_CALLOC: p = calloc(IGH_BLOCK / 8, 8); break;
  case IGH_REALLOC_MOVED: {
    p = malloc(16);
    for (size_t n = 32; p != NULL && n <= 65536; n *= 2) p = realloc(p, n);
    *size = 65536;
    break;
  }
  case IGH_POSIX_MEMALIGN:
    if (posix_memalign(&p, 64, IGH_BLOCK) != 0) p = NULL;
    break;
  case IGH_ALIGNED_ALLOC: p = aligned_alloc(128, IGH_BLOCK); break;
  case IGH_MEMALIGN: p = memalign(256, IGH_BLOCK); break;
  case IGH_NEW: p = _Znwm(IGH_BLOCK); break;
  case IGH_MMAP_SIZED:
    p = malloc(IGH_BIG);
    *size = IGH_BIG;
    break;
  case IGH_THREAD: {
    igh_thread_arg_t arg = {NULL};
    pthread_t t;
    if (pthread_create(&t, NULL, igh_thread_alloc, &arg) == 0) pthread_join(t, NULL);
    p = arg.block;
    break;
  }
  default: break;
  }
  return p;
}

static void igh_release_block(int how, void *p) {
  if (how == IGH_NEW) _ZdlPv(p);
  else free(p);
}

/* Allocates a block the way `how` says and stores value in its last word (nothing else is written); returns the block.
 * A second call with the same how frees the first block. */
IGH_API void *igh_hold(int how, void *value) {
  if (how < 0 || how >= IGH_HOW_COUNT) return NULL;
  if (held[how] != NULL) igh_release_block(how, held[how]);
  size_t size;
  void *p = igh_allocate(how, &size);
  held[how] = p;
  held_size[how] = size;
  if (p != NULL) ((void **)p)[size / sizeof(void *) - 1] = value;
  return p;
}

/* What the block of `how` holds now (NULL when it holds nothing). */
IGH_API void *igh_held(int how) {
  if (how < 0 || how >= IGH_HOW_COUNT || held[how] == NULL) return NULL;
  return ((void **)held[how])[held_size[how] / sizeof(void *) - 1];
}

/* Forgets the pointer: the block stays, its last word becomes NULL (the correct code's "native code let go"). */
IGH_API void igh_clear(int how) {
  if (how >= 0 && how < IGH_HOW_COUNT && held[how] != NULL) ((void **)held[how])[held_size[how] / sizeof(void *) - 1] = NULL;
}

/* Frees the block of `how`. */
IGH_API void igh_drop(int how) {
  if (how < 0 || how >= IGH_HOW_COUNT || held[how] == NULL) return;
  igh_release_block(how, held[how]);
  held[how] = NULL;
}

/* Plain allocation entry points for the registry tests. */
IGH_API void *igh_malloc(size_t n) { return malloc(n); }
IGH_API void *igh_calloc(size_t n, size_t size) { return calloc(n, size); }
IGH_API void *igh_realloc(void *p, size_t n) { return realloc(p, n); }
IGH_API void *igh_aligned(size_t alignment, size_t n) { return aligned_alloc(alignment, n); }
IGH_API void *igh_new(size_t n) { return _Znwm(n); }
IGH_API void igh_delete(void *p) { _ZdlPv(p); }
IGH_API void igh_free(void *p) { free(p); }
IGH_API size_t igh_usable_size(void *p) { return malloc_usable_size(p); }

/* fork + exec of /bin/true from inside the library; returns the child's wait status (0 = exited 0). */
IGH_API int igh_fork_exec(void) {
  pid_t pid = fork();
  if (pid == 0) {
    void *p = malloc(32); /* the hooks run in the child too */
    free(p);
    execl("/bin/true", "true", (char *)NULL);
    _exit(127);
  }
  if (pid < 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return status;
}

/* n pairs of malloc(size) + free: the allocation benchmark's loop, inside the library so its imports are the ones
 * native-heap tracking hooks. Returns a value that depends on the blocks so the loop is not optimised away. */
IGH_API uintptr_t igh_churn(size_t size, int n) {
  uintptr_t sum = 0;
  for (int i = 0; i < n; i++) {
    void *p = malloc(size);
    sum += (uintptr_t)p & 0xff;
    free(p);
  }
  return sum;
}
