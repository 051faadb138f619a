/* ig_test.h - the tiny assertion harness of the native unit tests; compiled into each test program. */
#ifndef IG_TEST_H
#define IG_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ig_test_failures;
static int ig_test_checks;
static const char *ig_test_current = "";

#define CHECK(cond)                                                                                     \
  do {                                                                                                  \
    ig_test_checks++;                                                                                   \
    if (!(cond)) {                                                                                      \
      ig_test_failures++;                                                                               \
      fprintf(stderr, "FAIL %s: %s:%d: %s\n", ig_test_current, __FILE__, __LINE__, #cond);              \
    }                                                                                                   \
  } while (0)

#define CHECK_EQ(a, b)                                                                                  \
  do {                                                                                                  \
    long long ig_a_ = (long long)(a), ig_b_ = (long long)(b);                                           \
    ig_test_checks++;                                                                                   \
    if (ig_a_ != ig_b_) {                                                                               \
      ig_test_failures++;                                                                               \
      fprintf(stderr, "FAIL %s: %s:%d: %s == %s (%lld != %lld)\n", ig_test_current, __FILE__, __LINE__, \
              #a, #b, ig_a_, ig_b_);                                                                    \
    }                                                                                                   \
  } while (0)

#define CHECK_STR(a, b)                                                                                 \
  do {                                                                                                  \
    const char *ig_a_ = (a), *ig_b_ = (b);                                                              \
    ig_test_checks++;                                                                                   \
    if (strcmp(ig_a_, ig_b_) != 0) {                                                                    \
      ig_test_failures++;                                                                               \
      fprintf(stderr, "FAIL %s: %s:%d: %s\n--- got ---\n%s\n--- want ---\n%s\n", ig_test_current,       \
              __FILE__, __LINE__, #a, ig_a_, ig_b_);                                                    \
    }                                                                                                   \
  } while (0)

#define RUN(fn)                                                                                         \
  do {                                                                                                  \
    ig_test_current = #fn;                                                                              \
    int before_ = ig_test_failures;                                                                     \
    fn();                                                                                               \
    printf("%s %s\n", ig_test_failures == before_ ? "ok  " : "FAIL", #fn);                              \
  } while (0)

#define TEST_MAIN_END()                                                                                 \
  do {                                                                                                  \
    printf("%d checks, %d failures\n", ig_test_checks, ig_test_failures);                               \
    return ig_test_failures ? 1 : 0;                                                                    \
  } while (0)

#endif
