/* ig_test.h - the tiny assertion harness of the native unit tests; compiled into each test program.
 *
 * A test program runs every case named in a RUN line of its main, or only the one case named by its first argument
 * (`test_alloc test_calloc`): CTest registers each case as its own test (native/tests/CMakeLists.txt reads the RUN
 * lines), so a failure names its case and the totals count cases. A name no RUN line carries fails the program, so a
 * registered case cannot pass by running nothing. */
#ifndef IG_TEST_H
#define IG_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ig_test_failures;
static int ig_test_checks;
static const char *ig_test_current = "";
static const char *ig_test_only; /* the one case to run (argv[1]); NULL runs them all */
static int ig_test_ran;           /* cases run */
static int ig_test_skipped;       /* cases that skipped themselves (SKIP) */
static int ig_test_skipping;      /* the current case called SKIP */

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

/* Reads the case selection from the command line: argv[1], when given and not empty, names the one case to run. */
#define TEST_MAIN_BEGIN(argc, argv)                                                                     \
  do {                                                                                                  \
    if ((argc) > 1 && (argv)[1][0] != 0) ig_test_only = (argv)[1];                                      \
  } while (0)

/* 1 when the case named fn is selected (no selection selects every case). */
#define SELECTED(fn) (ig_test_only == NULL || strcmp(ig_test_only, #fn) == 0)

/* Ends the current case without a verdict, saying why: for a case whose subject a build cannot show (a sanitizer
 * build whose malloc differs from glibc's). A program that ran only skipped cases exits 77, which CTest counts as
 * skipped (SKIP_RETURN_CODE), neither passed nor failed. */
#define SKIP(reason)                                                                                    \
  do {                                                                                                  \
    printf("skip %s: %s\n", ig_test_current, reason);                                                   \
    ig_test_skipping = 1;                                                                               \
    return;                                                                                             \
  } while (0)

#define RUN(fn)                                                                                         \
  do {                                                                                                  \
    if (!SELECTED(fn)) break;                                                                           \
    ig_test_ran++;                                                                                      \
    ig_test_current = #fn;                                                                              \
    ig_test_skipping = 0;                                                                               \
    int before_ = ig_test_failures;                                                                     \
    fn();                                                                                               \
    if (ig_test_skipping) { ig_test_skipped++; break; }                                                 \
    printf("%s %s\n", ig_test_failures == before_ ? "ok  " : "FAIL", #fn);                              \
  } while (0)

#define TEST_MAIN_END()                                                                                 \
  do {                                                                                                  \
    if (ig_test_ran == 0) {                                                                             \
      fprintf(stderr, "FAIL: no test case named '%s' in this program\n", ig_test_only ? ig_test_only : ""); \
      return 2;                                                                                         \
    }                                                                                                   \
    printf("%d checks, %d failures, %d skipped\n", ig_test_checks, ig_test_failures, ig_test_skipped);  \
    if (ig_test_failures) return 1;                                                                     \
    return ig_test_skipped == ig_test_ran ? 77 : 0;                                                     \
  } while (0)

#endif
