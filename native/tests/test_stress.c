/* test_stress.c - the multi-threaded stress test: threads allocate, free, pin, release and look up
 * concurrently; every lookup of a thread's own live block or pin must be INSIDE/LIVE (also while other
 * threads rewrite the very same index bins), and the counts must add up at the end; runs under CTest in
 * a few seconds. */
#include "interopguard.h"
#include "ig_test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define THREADS 6
#define LIVE 512
#define SECONDS 3

static atomic_int stop; /* set by main: the threads stop their loops */
static long false_results[THREADS];
static long ops[THREADS];
static long unexpected_status[THREADS];
static char pin_area[THREADS][LIVE][32];

static uint64_t rnd(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void *worker(void *arg) {
  int me = (int)(intptr_t)arg;
  uint64_t seed = 0x9E3779B97F4A7C15ull * (uint64_t)(me + 1);
  char *blocks[LIVE] = {0};
  size_t sizes[LIVE] = {0};
  uint64_t pins[LIVE] = {0};
  ig_violation_t v;
  while (!stop) {
    for (int k = 0; k < 1000; k++) {
      int i = (int)(rnd(&seed) % LIVE);
      switch (rnd(&seed) % 6) {
        case 0:
        case 1:
          if (blocks[i]) {
            if (ig_free_at(blocks[i], 0, &v) != IG_OK) unexpected_status[me]++;
            blocks[i] = NULL;
          } else {
            size_t r = rnd(&seed);
            sizes[i] = (r & 3) == 0 ? r % 70000 : r % 512;
            blocks[i] = ig_malloc(sizes[i]);
            if (!blocks[i]) unexpected_status[me]++;
          }
          break;
        case 2:
          if (pins[i]) {
            if (ig_range_release(pins[i], 0, NULL) != IG_OK) unexpected_status[me]++;
            pins[i] = 0;
          } else if (ig_range_register(IG_RANGE_MANAGED_PIN, pin_area[me][i], 32, 0, 0, 0, &pins[i]) != IG_OK) {
            unexpected_status[me]++;
          }
          break;
        case 3:
          if (pins[i]) {
            ig_range_t r;
            if (ig_lookup(pin_area[me][i] + 5, 4, &r) != IG_LOOKUP_INSIDE || r.id != pins[i] ||
                r.state != IG_STATE_LIVE)
              false_results[me]++;
          } else if (ig_check(pin_area[me][i] + 5, 4, NULL) != IG_KIND_NONE &&
                     ig_check(pin_area[me][i] + 5, 4, NULL) != IG_KIND_USE_AFTER_UNPIN) {
            false_results[me]++;
          }
          break;
        default:
          if (blocks[i]) {
            ig_range_t r;
            size_t off = sizes[i] ? rnd(&seed) % sizes[i] : 0;
            size_t len = sizes[i] ? sizes[i] - off : 0;
            if (ig_lookup(blocks[i] + off, len, &r) != IG_LOOKUP_INSIDE || r.state != IG_STATE_LIVE ||
                r.start != (uintptr_t)blocks[i] || ig_check(blocks[i] + off, len, NULL) != IG_KIND_NONE ||
                ig_usable_size(blocks[i]) != sizes[i])
              false_results[me]++;
            if (sizes[i] && ig_check(blocks[i], sizes[i] + 1, NULL) != IG_KIND_NATIVE_BUFFER_OVERFLOW)
              false_results[me]++;
          }
          break;
      }
      ops[me]++;
    }
  }
  for (int i = 0; i < LIVE; i++) {
    if (blocks[i] && ig_free_at(blocks[i], 0, &v) != IG_OK) unexpected_status[me]++;
    if (pins[i] && ig_range_release(pins[i], 0, NULL) != IG_OK) unexpected_status[me]++;
  }
  return NULL;
}

/* Seqlock readers racing writers in the same bins: every thread registers and releases 24-byte pins in
 * one shared 64 KiB area (so all threads write the same 16 bins, which grow, shrink, get tombstones and
 * are compacted) and keeps looking up its own live pins, which must always be found INSIDE and LIVE. */
#define SHARED_PINS 2048
static char shared_area[SHARED_PINS * 32] __attribute__((aligned(4096)));
static long bin_race_false[THREADS];
static long bin_race_ops[THREADS];

static void *bin_racer(void *arg) {
  int me = (int)(intptr_t)arg;
  uint64_t seed = 0xD1B54A32D192ED03ull * (uint64_t)(me + 1);
  uint64_t ids[SHARED_PINS / THREADS + 1] = {0};
  int mine = SHARED_PINS / THREADS;
  while (!stop) {
    for (int k = 0; k < 1000; k++) {
      int j = (int)(rnd(&seed) % (uint64_t)mine);
      char *p = shared_area + (size_t)(j * THREADS + me) * 32;
      uint64_t r = rnd(&seed) % 4;
      if (r == 0) {
        if (ids[j]) {
          if (ig_range_release(ids[j], 0, NULL) != IG_OK) bin_race_false[me]++;
          ids[j] = 0;
        } else if (ig_range_register(IG_RANGE_MANAGED_PIN, p, 24, 0, 0, 0, &ids[j]) != IG_OK) {
          bin_race_false[me]++;
        }
      } else if (ids[j]) {
        ig_range_t rg;
        if (ig_check(p + 3, 8, NULL) != IG_KIND_NONE) bin_race_false[me]++;
        if (ig_lookup(p + 23, 1, NULL) != IG_LOOKUP_INSIDE) bin_race_false[me]++;
        if (ig_lookup(p, 24, &rg) != IG_LOOKUP_INSIDE || rg.id != ids[j] || rg.state != IG_STATE_LIVE)
          bin_race_false[me]++;
      }
      bin_race_ops[me]++;
    }
  }
  for (int j = 0; j < mine; j++)
    if (ids[j] && ig_range_release(ids[j], 0, NULL) != IG_OK) bin_race_false[me]++;
  return NULL;
}

/* ig_verify running while blocks are freed and (with quarantine_mb=0 at once) returned to libc: it must
 * never read a block that went back to libc (libc's free-list words would show as a damaged header). */
static long verify_found, verify_rounds;
static void *verifier(void *arg) {
  (void)arg;
  while (!stop) {
    verify_found += (long)ig_verify(NULL, 0);
    verify_rounds++;
  }
  return NULL;
}

/* A racing double free: exactly one of two threads wins each block. */
static char *shared[20000];
static int wins[2];
static pthread_barrier_t barrier;
static void *racer(void *arg) {
  int me = (int)(intptr_t)arg;
  ig_violation_t v;
  pthread_barrier_wait(&barrier);
  for (int i = 0; i < 20000; i++)
    if (ig_free_at(shared[i], 0, &v) == IG_OK) wins[me]++;
  return NULL;
}

/* Stats when main initialised the library: every case must leave the counts as it found them. */
static ig_stats_t before;

/* Threads allocate, free, pin, release and look up their own blocks and pins while one thread verifies every
 * live block's canaries. */
static void test_concurrent_alloc_pin_lookup(void) {
  atomic_store(&stop, 0);
  pthread_t th[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
  pthread_t vt;
  pthread_create(&vt, NULL, verifier, NULL);
  struct timespec ts = {SECONDS, 0};
  nanosleep(&ts, NULL);
  atomic_store(&stop, 1);
  pthread_join(vt, NULL);
  printf("%ld concurrent ig_verify rounds, %ld damaged blocks\n", verify_rounds, verify_found);
  CHECK_EQ(verify_found, 0);
  long total = 0, bad = 0, st = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    total += ops[i];
    bad += false_results[i];
    st += unexpected_status[i];
  }
  printf("%ld operations, %ld false results, %ld unexpected statuses\n", total, bad, st);
  CHECK_EQ(bad, 0);
  CHECK_EQ(st, 0);
  ig_stats_t after;
  ig_get_stats(&after);
  CHECK_EQ(after.live_blocks, before.live_blocks);
  CHECK_EQ(after.live_block_bytes, before.live_block_bytes);
  CHECK_EQ(after.live_ranges, before.live_ranges);
  CHECK_EQ(after.total_allocs - before.total_allocs, after.total_frees - before.total_frees);
  CHECK_EQ(ig_verify(NULL, 0), 0);
}

/* Threads register, release and look up pins in the same few index bins. */
static void test_same_bin_race(void) {
  atomic_store(&stop, 0);
  pthread_t th[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, bin_racer, (void *)(intptr_t)i);
  struct timespec race = {1, 0};
  nanosleep(&race, NULL);
  atomic_store(&stop, 1);
  long race_ops = 0, race_bad = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    race_ops += bin_race_ops[i];
    race_bad += bin_race_false[i];
  }
  printf("%ld same-bin operations, %ld false results\n", race_ops, race_bad);
  CHECK_EQ(race_bad, 0);
  ig_stats_t after;
  ig_get_stats(&after);
  CHECK_EQ(after.live_ranges, before.live_ranges);
}

/* Two threads free the same 20000 blocks at once: each block is freed exactly once. */
static void test_racing_double_free(void) {
  ig_set_report_hook(NULL, NULL);
  for (int i = 0; i < 20000; i++) shared[i] = ig_malloc(16);
  pthread_barrier_init(&barrier, NULL, 2);
  pthread_t r0, r1;
  pthread_create(&r0, NULL, racer, (void *)0);
  pthread_create(&r1, NULL, racer, (void *)1);
  pthread_join(r0, NULL);
  pthread_join(r1, NULL);
  CHECK_EQ(wins[0] + wins[1], 20000);
  ig_stats_t after;
  ig_get_stats(&after);
  CHECK_EQ(after.live_blocks, before.live_blocks);
  CHECK_EQ(after.live_ranges, before.live_ranges);
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  /* argv[2]: other options (CTest also runs every case with the quarantine and release history off) */
  ig_init(argc > 2 ? argv[2] : "quarantine_mb=8:release_history=4096", 0);
  ig_get_stats(&before);
  RUN(test_concurrent_alloc_pin_lookup);
  RUN(test_same_bin_race);
  RUN(test_racing_double_free);
  TEST_MAIN_END();
}
