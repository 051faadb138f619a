/* test_heap.c - unit tests of native-heap tracking: a plain library (tests/native/igheapholder.c, dlopen'ed after
 * ig_heap_install) has its malloc/calloc/realloc/aligned/new/delete imports hooked; its blocks are zeroed and recorded,
 * frees of blocks it never allocated pass through, and the registry loses and duplicates nothing under 8 threads.
 * Runs under CTest, one test per case (also in the ASan+UBSan and TSan builds). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "interopguard.h"
#include "ig_test.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

static void *lib;
static void *(*h_malloc)(size_t);
static void *(*h_calloc)(size_t, size_t);
static void *(*h_realloc)(void *, size_t);
static void *(*h_aligned)(size_t, size_t);
static void *(*h_new)(size_t);
static void (*h_delete)(void *);
static void (*h_free)(void *);
static size_t (*h_usable)(void *);
static int (*h_fork_exec)(void);
static void *(*h_hold)(int, void *);
static void (*h_drop)(int);

/* Installs tracking (once), then loads the holder library and hooks it. */
static int setup(void) {
  if (lib != NULL) return 1;
  CHECK_EQ(ig_init("", IG_INIT_QUIET), IG_OK);
  CHECK_EQ(ig_heap_install(), IG_OK);
  lib = dlopen(IG_HEAP_HOLDER, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    CHECK(lib != NULL);
    return 0;
  }
  CHECK(ig_heap_refresh() >= 1);
  CHECK(ig_heap_hooked("libigheapholder"));
  *(void **)&h_malloc = dlsym(lib, "igh_malloc");
  *(void **)&h_calloc = dlsym(lib, "igh_calloc");
  *(void **)&h_realloc = dlsym(lib, "igh_realloc");
  *(void **)&h_aligned = dlsym(lib, "igh_aligned");
  *(void **)&h_new = dlsym(lib, "igh_new");
  *(void **)&h_delete = dlsym(lib, "igh_delete");
  *(void **)&h_free = dlsym(lib, "igh_free");
  *(void **)&h_usable = dlsym(lib, "igh_usable_size");
  *(void **)&h_fork_exec = dlsym(lib, "igh_fork_exec");
  *(void **)&h_hold = dlsym(lib, "igh_hold");
  *(void **)&h_drop = dlsym(lib, "igh_drop");
  return h_malloc && h_calloc && h_realloc && h_aligned && h_new && h_delete && h_free && h_usable && h_fork_exec &&
         h_hold && h_drop;
}

static int all_zero(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0) return 0;
  return 1;
}

/* The caller recorded for a block lies inside the library that asked for it. */
static int caller_in_holder(const ig_heap_slot_t *s) {
  Dl_info info;
  return dladdr((void *)(uintptr_t)s->caller, &info) != 0 && info.dli_fname != NULL &&
         strstr(info.dli_fname, "libigheapholder") != NULL;
}

static void test_malloc_tracked_zeroed(void) {
  if (!setup()) return;
  /* leave stale bytes where the next block will likely be */
  unsigned char *old = h_malloc(200);
  memset(old, 0xAB, 200);
  h_free(old);
  unsigned char *p = h_malloc(200);
  ig_heap_slot_t s;
  CHECK(ig_heap_find(p, &s));
  CHECK_EQ(s.size, 200);
  CHECK_EQ(s.how, IG_HEAP_HOW_MALLOC);
  CHECK(caller_in_holder(&s));
  CHECK(all_zero(p, 200));
  h_free(p);
  CHECK(!ig_heap_find(p, NULL));
}

static void test_calloc_aligned_new(void) {
  if (!setup()) return;
  void *c = h_calloc(10, 24);
  void *a = h_aligned(256, 512);
  void *n = h_new(40);
  ig_heap_slot_t s;
  CHECK(ig_heap_find(c, &s) && s.size == 240 && s.how == IG_HEAP_HOW_CALLOC);
  CHECK(ig_heap_find(a, &s) && s.size == 512 && s.how == IG_HEAP_HOW_ALIGNED && ((uintptr_t)a & 255) == 0);
  CHECK(ig_heap_find(n, &s) && s.size == 40 && s.how == IG_HEAP_HOW_NEW);
  CHECK(all_zero(a, 512) && all_zero(n, 40) && all_zero(c, 240));
  h_free(c);
  h_free(a);
  h_delete(n);
  CHECK(!ig_heap_find(c, NULL) && !ig_heap_find(a, NULL) && !ig_heap_find(n, NULL));
}

static void test_realloc_moves_and_zero(void) {
  if (!setup()) return;
  unsigned char *p = h_malloc(16);
  memset(p, 7, 16);
  unsigned char *q = h_realloc(p, 1 << 20); /* moves (mmap-sized) */
  ig_heap_slot_t s;
  CHECK(ig_heap_find(q, &s) && s.size == (1u << 20) && s.how == IG_HEAP_HOW_REALLOC);
  if (q != p) CHECK(!ig_heap_find(p, NULL));
  CHECK(q[0] == 7 && q[15] == 7 && all_zero(q + 16, (1u << 20) - 16));
  /* realloc to 0 frees the block (glibc returns NULL) and it leaves the registry */
  void *r = h_realloc(q, 0);
  CHECK(!ig_heap_find(q, NULL) || r == q);
  if (r != NULL) h_free(r);
}

static void test_mmap_sized_zeroed(void) {
  if (!setup()) return;
  unsigned char *p = h_malloc(4u << 20);
  ig_heap_slot_t s;
  CHECK(ig_heap_find(p, &s) && s.size == (4u << 20));
  CHECK(all_zero(p, 4u << 20));
  h_free(p);
}

static void test_usable_size(void) {
  if (!setup()) return;
  void *p = h_malloc(100);
  CHECK(h_usable(p) >= 100);
  h_free(p);
}

static void test_foreign_free_passes_through(void) {
  if (!setup()) return;
  const ig_heap_header_t *h = ig_heap();
  CHECK(h != NULL);
  uint64_t before = __atomic_load_n(&h->untracked_frees, __ATOMIC_RELAXED);
  void *mine = malloc(64); /* the test program is not hooked: an untracked block */
  CHECK(!ig_heap_find(mine, NULL));
  h_free(mine); /* the library frees memory it did not allocate */
  CHECK(__atomic_load_n(&h->untracked_frees, __ATOMIC_RELAXED) >= before + 1);
  void *grown = h_realloc(malloc(8), 64); /* an untracked block stays untracked through realloc */
  CHECK(!ig_heap_find(grown, NULL));
  h_free(grown);
}

static void test_unhooked_caller_untracked(void) {
  if (!setup()) return;
  void *p = malloc(77);
  CHECK(!ig_heap_find(p, NULL));
  free(p);
}

static void test_holder_ways(void) {
  if (!setup()) return;
  void *marker = (void *)(uintptr_t)0x1234567890ull;
  for (int how = 0; how < 9; how++) {
    void *b = h_hold(how, marker);
    ig_heap_slot_t s;
    CHECK(b != NULL && ig_heap_find(b, &s));
    if (b != NULL) CHECK(((void **)b)[s.size / sizeof(void *) - 1] == marker);
    h_drop(how);
    CHECK(!ig_heap_find(b, NULL));
  }
}

static void test_fork_exec(void) {
  if (!setup()) return;
  CHECK_EQ(h_fork_exec(), 0);
  void *p = h_malloc(10);
  CHECK(ig_heap_find(p, NULL));
  h_free(p);
}

/* 8 threads allocate and free through the library in random order; every block they still hold is in the registry
 * exactly once, and nothing else of theirs is. */
#define THREADS 8
#define OPS 20000
#define KEEP 256
static void *kept[THREADS][KEEP];

static void *churn(void *arg) {
  int t = (int)(intptr_t)arg;
  unsigned x = 12345u + (unsigned)t * 7919u;
  for (int i = 0; i < OPS; i++) {
    x = x * 1103515245u + 12345u;
    int k = (int)((x >> 8) % KEEP);
    if (kept[t][k] != NULL) {
      if ((x >> 20) & 1) h_free(kept[t][k]);
      else kept[t][k] = h_realloc(kept[t][k], 16 + ((x >> 4) & 511));
      if ((x >> 20) & 1) kept[t][k] = NULL;
    } else {
      size_t n = 8 + ((x >> 12) & 1023);
      kept[t][k] = (x >> 21) & 1 ? h_malloc(n) : h_calloc(1, n);
    }
  }
  return NULL;
}

static void test_threads_no_lost_or_duplicated_blocks(void) {
  if (!setup()) return;
  pthread_t th[THREADS];
  for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, churn, (void *)(intptr_t)t);
  for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
  const ig_heap_header_t *h = ig_heap();
  const ig_heap_slot_t *slots = (const ig_heap_slot_t *)(uintptr_t)h->slots;
  size_t held = 0, lost = 0;
  for (int t = 0; t < THREADS; t++)
    for (int k = 0; k < KEEP; k++)
      if (kept[t][k] != NULL) {
        held++;
        lost += !ig_heap_find(kept[t][k], NULL);
      }
  CHECK_EQ(lost, 0);
  CHECK_EQ(h->dropped, 0);
  /* every live slot is a held block, each once */
  size_t live = 0, duplicated = 0, stray = 0;
  for (uint64_t i = 0; i < h->capacity; i++) {
    if (slots[i].state != 1 || slots[i].addr <= IG_HEAP_TOMBSTONE) continue;
    live++;
    int seen = 0;
    for (int t = 0; t < THREADS; t++)
      for (int k = 0; k < KEEP; k++) seen += (uintptr_t)kept[t][k] == slots[i].addr;
    duplicated += seen > 1;
    stray += seen == 0;
  }
  CHECK_EQ(duplicated, 0);
  CHECK_EQ(stray, 0);
  CHECK_EQ(live, held);
  for (int t = 0; t < THREADS; t++)
    for (int k = 0; k < KEEP; k++) h_free(kept[t][k]);
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  RUN(test_malloc_tracked_zeroed);
  RUN(test_calloc_aligned_new);
  RUN(test_realloc_moves_and_zero);
  RUN(test_mmap_sized_zeroed);
  RUN(test_usable_size);
  RUN(test_foreign_free_passes_through);
  RUN(test_unhooked_caller_untracked);
  RUN(test_holder_ways);
  RUN(test_fork_exec);
  RUN(test_threads_no_lost_or_duplicated_blocks);
  TEST_MAIN_END();
}
