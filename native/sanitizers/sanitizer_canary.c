/* sanitizer_canary.c - one deliberate bug per sanitizer, run by the sanitizer presets (native/CMakePresets.json) to
 * prove that their flags, runtime options and suppressions still let the sanitizer report (a build whose sanitizer
 * went quiet would pass every other test). argv[1] names the bug. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int sink;

static int heap_overflow(void) {
  volatile size_t size = 16; /* unknown to the compiler, so UBSan's object-size check leaves the read to ASan */
  char *p = malloc(size);
  memset(p, 0, size);
  sink = p[size]; /* one past the end */
  free(p);
  return 0;
}

static int signed_overflow(void) {
  volatile int big = 2147483647;
  sink = big + 1;
  return 0;
}

static int leak(void) {
  void *volatile p = malloc(64);
  p = NULL;
  return 0;
}

static int racy; /* written by two threads without a lock */
static void *race_body(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++) racy++;
  return NULL;
}
static int data_race(void) {
  pthread_t a, b;
  pthread_create(&a, NULL, race_body, NULL);
  pthread_create(&b, NULL, race_body, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  sink = racy;
  return 0;
}

int main(int argc, char **argv) {
  const char *bug = argc > 1 ? argv[1] : "";
  if (strcmp(bug, "heap_overflow") == 0) return heap_overflow();
  if (strcmp(bug, "signed_overflow") == 0) return signed_overflow();
  if (strcmp(bug, "leak") == 0) return leak();
  if (strcmp(bug, "data_race") == 0) return data_race();
  fprintf(stderr, "usage: sanitizer_canary heap_overflow|signed_overflow|leak|data_race\n");
  return 2;
}
