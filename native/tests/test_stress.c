/* test_stress.c - the multi-threaded stress test: threads allocate, free, pin, release and look up
 * concurrently; every lookup of a thread's own live block or pin must be INSIDE/LIVE, and the counts
 * must add up at the end; runs under CTest in a few seconds. */
#include "interopguard.h"
#include "ig_test.h"

#include <pthread.h>
#include <time.h>

#define THREADS 6
#define LIVE 512
#define SECONDS 3

static volatile int stop;
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

int main(void) {
  ig_init("quarantine_mb=8:release_history=4096", 0);
  ig_stats_t before;
  ig_get_stats(&before);
  pthread_t th[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
  struct timespec ts = {SECONDS, 0};
  nanosleep(&ts, NULL);
  stop = 1;
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

  ig_set_report_hook(NULL, NULL);
  for (int i = 0; i < 20000; i++) shared[i] = ig_malloc(16);
  pthread_barrier_init(&barrier, NULL, 2);
  pthread_t r0, r1;
  pthread_create(&r0, NULL, racer, (void *)0);
  pthread_create(&r1, NULL, racer, (void *)1);
  pthread_join(r0, NULL);
  pthread_join(r1, NULL);
  CHECK_EQ(wins[0] + wins[1], 20000);
  ig_get_stats(&after);
  CHECK_EQ(after.live_blocks, before.live_blocks);
  CHECK_EQ(after.live_ranges, before.live_ranges);
  TEST_MAIN_END();
}
