/* test_fill.c - how much of a block the allocator writes: of a new block every byte with IG_INIT_FULL_FILL (mode 2,
 * where the validator scans blocks and must never read a word nobody wrote), the first max_malloc_fill_size bytes
 * otherwise; of a freed block the first max_free_fill_size bytes. Each case runs in a forked child with its own
 * ig_init (the fill cases on memory a plain allocation filled and freed first). */
#include "interopguard.h"
#include "ig_fork_test.h"
#include "ig_test.h"

/* The cases rely on glibc handing a freed chunk to the next allocation of its size; a sanitizer's allocator quarantines
 * freed memory instead. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SKIP_UNDER_SANITIZER() SKIP("needs glibc's malloc to reuse a freed chunk; the sanitizer's allocator does not")
#else
#define SKIP_UNDER_SANITIZER() ((void)0)
#endif

/* Writes 0x41 into memory about to be freed (volatile: a plain memset before free is a dead store the compiler
 * drops). */
static void stale_fill(unsigned char *p, size_t n) {
  volatile unsigned char *v = p;
  for (size_t i = 0; i < n; i++) v[i] = 0x41;
}

/* In a child with IG_INIT_FULL_FILL: a plain allocation fills its memory with a pointer-like pattern and frees it; a
 * 60,000-byte block on that memory holds the fill byte in every byte, and so does the grown tail of a realloc. */
static void full_fill_child(void) {
  int fails = 0;
  EXPECT(ig_table()->fill_flags == 0);
  size_t plain_size = 60000 + 4096;
  unsigned char *plain = malloc(plain_size);
  /* keeps the freed chunk from merging into the top chunk (which may be trimmed and come back zeroed) */
  void *fence = malloc(64);
  stale_fill(plain, plain_size);
  uintptr_t plain_start = (uintptr_t)plain;
  free(plain);
  unsigned char *p = ig_malloc(60000);
  EXPECT(p != NULL);
  EXPECT((uintptr_t)p >= plain_start && (uintptr_t)p < plain_start + plain_size); /* it reused the stale memory */
  size_t bad = 0;
  for (size_t i = 0; i < 60000; i++) bad += p[i] != 0xbe;
  EXPECT(bad == 0);
  memset(p, 0x22, 100);
  unsigned char *q = ig_realloc(p, 120000);
  EXPECT(q != NULL && q[99] == 0x22);
  bad = 0;
  for (size_t i = 100; i < 120000; i++) bad += q[i] != 0xbe;
  EXPECT(bad == 0);
  ig_free(q);
  free(fence);
  CHILD_END();
}

static void test_full_fill(void) {
  SKIP_UNDER_SANITIZER();
  int status = ig_fork_run("quarantine_mb=0", IG_INIT_FULL_FILL, full_fill_child);
  if (!exited_ok(status)) fprintf(stderr, "%s", captured);
  CHECK(exited_ok(status));
}

/* The same child without the flag: the bytes past max_malloc_fill_size keep what the plain allocation left. */
static void stale_tail_child(void) {
  int fails = 0;
  unsigned char *plain = malloc(60000 + 4096);
  void *fence = malloc(64); /* as above */
  stale_fill(plain, 60000 + 4096);
  uintptr_t plain_start = (uintptr_t)plain;
  free(plain);
  unsigned char *p = ig_malloc(60000);
  EXPECT((uintptr_t)p >= plain_start && (uintptr_t)p < plain_start + 60000 + 4096);
  EXPECT(p[4095] == 0xbe);
  EXPECT(p[50000] == 0x41);
  ig_free(p);
  free(fence);
  CHILD_END();
}

static void test_partial_fill_leaves_stale_bytes(void) {
  SKIP_UNDER_SANITIZER();
  int status = ig_fork_run("quarantine_mb=0", 0, stale_tail_child);
  if (!exited_ok(status)) fprintf(stderr, "%s", captured);
  CHECK(exited_ok(status));
}

/* A freed 60,000-byte block (held in the quarantine, so reading it here is safe) is poisoned in its first
 * max_free_fill_size bytes and keeps the program's bytes past them; a pointer past the poison is still a use after
 * free at a call, and a write after free into the first 64 bytes is still found when the block leaves the quarantine. */
static ig_violation_t evicted;
static int evicted_count;
static void eviction_hook(const ig_violation_t *v, void *ctx) {
  (void)ctx;
  evicted = *v;
  evicted_count++;
}

static void partial_poison_child(void) {
  int fails = 0;
  ig_set_report_hook(eviction_hook, NULL);
  unsigned char *p = ig_malloc(60000);
  memset(p, 0x22, 60000);
  ig_free(p);
  size_t poisoned = 0;
  while (poisoned < 60000 && p[poisoned] == 0x55) poisoned++;
  EXPECT(poisoned == 4096);
  EXPECT(p[4096] == 0x22 && p[59999] == 0x22);
  ig_violation_t v;
  EXPECT(ig_check(p + 50000, 8, &v) == IG_KIND_NATIVE_USE_AFTER_FREE);
  p[10] = 0x41; /* a write after free, found when the block leaves the quarantine */
  for (int i = 0; i < 64 && evicted_count == 0; i++) ig_free(ig_malloc(60000));
  EXPECT(evicted_count == 1 && evicted.kind == IG_KIND_NATIVE_USE_AFTER_FREE && evicted.detail == 10);
  CHILD_END();
}

static void test_free_poisons_first_bytes(void) {
  int status = ig_fork_run("quarantine_mb=1", 0, partial_poison_child);
  if (!exited_ok(status)) fprintf(stderr, "%s", captured);
  CHECK(exited_ok(status));
}

/* max_free_fill_size=1073741824 poisons every byte of a freed block. */
static void full_poison_child(void) {
  int fails = 0;
  unsigned char *p = ig_malloc(60000);
  memset(p, 0x22, 60000);
  ig_free(p);
  size_t bad = 0;
  for (size_t i = 0; i < 60000; i++) bad += p[i] != 0x55;
  EXPECT(bad == 0);
  CHILD_END();
}

static void test_free_poisons_every_byte_when_asked(void) {
  int status = ig_fork_run("quarantine_mb=1:max_free_fill_size=1073741824", 0, full_poison_child);
  if (!exited_ok(status)) fprintf(stderr, "%s", captured);
  CHECK(exited_ok(status));
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  RUN(test_full_fill);
  RUN(test_partial_fill_leaves_stale_bytes);
  RUN(test_free_poisons_first_bytes);
  RUN(test_free_poisons_every_byte_when_asked);
  TEST_MAIN_END();
}
