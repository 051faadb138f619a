/* wrong_program.c - a deliberately wrong C program (double free, overflow, use after free via ig_check);
 * its CTest case passes only when the three reports appear with the expected text. */
#include "interopguard.h"

#include <stdio.h>
#include <string.h>

#define SITE(fn) ig_site_intern("wrong_program.c", __LINE__, fn)

static char *make_and_drop(void) {
  char *p = ig_malloc_at(24, 0, SITE("make_and_drop"));
  memset(p, 1, 24);
  ig_free_at(p, SITE("make_and_drop"), NULL);
  return p;
}

static void drop_again(char *p) { ig_free_at(p, SITE("drop_again"), NULL); }

static void overflow(void) {
  char *p = ig_malloc_at(10, 0, SITE("overflow"));
  memcpy(p, "hello world!", 12); /* two bytes too many */
  ig_free_at(p, SITE("overflow"), NULL);
}

static void use_after_free(void) {
  char *p = ig_malloc_at(64, 0, SITE("use_after_free"));
  ig_free_at(p, SITE("use_after_free"), NULL);
  ig_violation_t v;
  if (ig_check(p + 16, 8, &v) != IG_KIND_NONE) {
    v.access_site = SITE("use_after_free");
    ig_report(&v);
  }
}

int main(void) {
  ig_init(NULL, 0);
  drop_again(make_and_drop());
  overflow();
  use_after_free();
  ig_stats_t st;
  ig_get_stats(&st);
  fprintf(stderr, "reports: %llu\n", (unsigned long long)st.reports);
  return st.reports == 3 ? 0 : 1;
}
