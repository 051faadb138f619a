/* test_options.c - unit tests of INTEROPGUARD_OPTIONS parsing: every default, good values, malformed
 * strings and their warnings; each case runs ig_init in a forked child so "first call wins" holds. */
#include "interopguard.h"
#include "ig_test.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs ig_init(options, flags) in a child (or with INTEROPGUARD_OPTIONS=env when options is NULL); the
 * child writes "name=value\n" for each name, then its stderr. Returns the captured text. */
static char captured[16384];
static int last_status; /* the child's wait status */
static const char *run(const char *options, const char *env, uint32_t flags, const char *const *names) {
  int out[2];
  if (pipe(out) != 0) abort();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(out[1], 2);
    close(out[0]);
    alarm(10); /* a hang ends the child with SIGALRM instead of stalling the test */
    if (env) setenv("INTEROPGUARD_OPTIONS", env, 1); else unsetenv("INTEROPGUARD_OPTIONS");
    if (options || !env) ig_init(options, flags);
    for (int i = 0; names && names[i]; i++) {
      char line[128];
      int n = snprintf(line, sizeof line, "%s=%lld\n", names[i], (long long)ig_option_int(names[i]));
      if (write(1, line, (size_t)n) < 0) _exit(3);
    }
    _exit(0);
  }
  close(out[1]);
  size_t len = 0;
  ssize_t n;
  while ((n = read(out[0], captured + len, sizeof captured - 1 - len)) > 0) len += (size_t)n;
  captured[len] = 0;
  close(out[0]);
  waitpid(pid, &last_status, 0);
  return captured;
}

static int count_of(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++) n++;
  return n;
}

static const char *const all_names[] = {
  "halt_on_error", "report_format", "quarantine_mb", "redzone", "max_redzone", "malloc_fill_byte",
  "max_malloc_fill_size", "free_fill_byte", "poison_freed", "max_free_fill_size", "release_history", "max_ranges",
  "capture_stacks", "max_reports", "dedupe_reports", "validator_interval_ms", "pin_leak_ms", "verbosity",
  "validator_timeout_ms", "validator_path", "exit_code",
  "detect_native_use_after_free", "detect_native_buffer_overflow", "detect_double_free",
  "detect_invalid_free", "detect_use_after_unpin", "detect_unpinned_managed_pointer",
  "detect_dangling_managed_pointer", "detect_collected_delegate_callback", "detect_invalid_handle",
  "detect_array_pool_use_after_return", "detect_handle_released_in_use", "detect_use_after_unmap",
  "detect_leaked_pin", "report_path", "suppressions", "no_such_option", NULL};

static void test_defaults(void) {
  const char *t = run("", NULL, 0, all_names);
  CHECK(strstr(t, "halt_on_error=0\n"));
  CHECK(strstr(t, "report_format=0\n"));
  CHECK(strstr(t, "quarantine_mb=64\n"));
  CHECK(strstr(t, "redzone=16\n"));
  CHECK(strstr(t, "max_redzone=2048\n"));
  CHECK(strstr(t, "malloc_fill_byte=190\n"));
  CHECK(strstr(t, "max_malloc_fill_size=4096\n"));
  CHECK(strstr(t, "free_fill_byte=85\n"));
  CHECK(strstr(t, "poison_freed=1\n"));
  CHECK(strstr(t, "max_free_fill_size=4096\n"));
  CHECK(strstr(t, "release_history=65536\n"));
  CHECK(strstr(t, "max_ranges=16777216\n"));
  CHECK(strstr(t, "capture_stacks=0\n"));
  CHECK(strstr(t, "max_reports=100\n"));
  CHECK(strstr(t, "dedupe_reports=1\n"));
  CHECK(strstr(t, "validator_interval_ms=1000\n"));
  CHECK(strstr(t, "pin_leak_ms=0\n"));
  CHECK(strstr(t, "exit_code=0\n"));
  CHECK(strstr(t, "verbosity=0\n"));
  CHECK(strstr(t, "validator_timeout_ms=30000\n"));
  CHECK(strstr(t, "validator_path=-1\n")); /* a string option */
  CHECK_EQ(count_of(t, "detect_") - count_of(t, "detect_leaked_pin"), 12);
  CHECK(strstr(t, "detect_native_use_after_free=1\n"));
  CHECK(strstr(t, "detect_use_after_unmap=1\n"));
  CHECK(strstr(t, "detect_leaked_pin=1\n"));
  CHECK(strstr(t, "report_path=-1\n"));
  CHECK(strstr(t, "no_such_option=-1\n"));
  CHECK(strstr(t, "WARNING") == NULL);
}

static void test_good_values(void) {
  const char *names[] = {"halt_on_error", "quarantine_mb", "redzone", "report_format", "detect_double_free",
                         "dedupe_reports", "max_redzone", NULL};
  const char *t = run("halt_on_error=true:quarantine_mb=0:redzone=64:report_format=sarif:"
                      "detect_double_free=false:dedupe_reports=0:report_path=/tmp/x.%p.log",
                      NULL, 0, names);
  CHECK(strstr(t, "halt_on_error=1\n"));
  CHECK(strstr(t, "quarantine_mb=0\n"));
  CHECK(strstr(t, "redzone=64\n"));
  CHECK(strstr(t, "report_format=2\n"));
  CHECK(strstr(t, "detect_double_free=0\n"));
  CHECK(strstr(t, "dedupe_reports=0\n"));
  CHECK(strstr(t, "WARNING") == NULL);
  t = run("redzone=2048:max_redzone=16", NULL, 0, names);
  CHECK(strstr(t, "max_redzone=2048\n")); /* raised to redzone */
  /* the mode-2 options are accepted (the managed side uses them) */
  const char *mode2[] = {"validator_timeout_ms", NULL};
  t = run("validator_path=/opt/ig/InteropGuard.Cli.dll:validator_timeout_ms=500", NULL, 0, mode2);
  CHECK(strstr(t, "validator_timeout_ms=500\n"));
  CHECK(strstr(t, "WARNING") == NULL);
}

static void test_env(void) {
  const char *names[] = {"quarantine_mb", NULL};
  const char *t = run(NULL, "quarantine_mb=7", 0, names);
  CHECK(strstr(t, "quarantine_mb=7\n"));
  /* lazy initialisation from another entry point also reads the environment */
  t = run(NULL, "quarantine_mb=9", 0, NULL);
  (void)t;
  /* an explicit string wins over the environment */
  t = run("quarantine_mb=3", "quarantine_mb=9", 0, names);
  CHECK(strstr(t, "quarantine_mb=3\n"));
}

static void test_malformed(void) {
  const char *names[] = {"quarantine_mb", "redzone", "halt_on_error", "report_format", NULL};
  struct { const char *opts; int warnings; } cases[] = {
    {"::", 0},
    {":", 0},
    {"", 0},
    {"=", 1},
    {"=5", 1},
    {"a=b=c", 1},
    {"quarantine_mb=-5", 1},
    {"quarantine_mb=abc", 1},
    {"quarantine_mb=", 1},
    {"quarantine_mb", 1},
    {"quarantine_mb=12x", 1},
    {"quarantine_mb= 12", 1},
    {"quarantine_mb=99999999999999999999999999", 1},
    {"quarantine_mb=18446744073709551616", 1},
    {"quarantine_mb=1048577", 1},
    {"quarantine_mb=1=2", 1},
    {"redzone=24", 1},
    {"redzone=8", 1},
    {"redzone=4096", 1},
    {"halt_on_error=2", 1},
    {"halt_on_error=yes", 1},
    {"report_format=xml", 1},
    {"QUARANTINE_MB=1", 1},
    {"unknown=1:quarantine_mb=bad:redzone=7", 3},
    {"::quarantine_mb=abc::", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *t = run(cases[i].opts, NULL, 0, names);
    if (count_of(t, "InteropGuard: WARNING:") != cases[i].warnings) {
      fprintf(stderr, "case '%s':\n%s\n", cases[i].opts, t);
      CHECK(0);
    }
    CHECK(strstr(t, "quarantine_mb=64\n"));
    CHECK(strstr(t, "redzone=16\n"));
    CHECK(strstr(t, "halt_on_error=0\n"));
    CHECK(strstr(t, "report_format=0\n"));
  }
}

static void test_warning_text(void) {
  const char *t = run("bogus=1", NULL, 0, NULL);
  CHECK(strstr(t, "InteropGuard: WARNING: unknown option 'bogus' in INTEROPGUARD_OPTIONS is ignored; valid "
                  "options: halt_on_error, report_path, report_format, quarantine_mb,"));
  CHECK(strstr(t, "detect_leaked_pin\n"));
  t = run("quarantine_mb=abc", NULL, 0, NULL);
  CHECK(strstr(t, "InteropGuard: WARNING: bad value 'abc' for option quarantine_mb; valid values: a decimal "
                  "integer from 0 to 1048576; keeping quarantine_mb=64\n"));
  t = run("halt_on_error=maybe", NULL, 0, NULL);
  CHECK(strstr(t, "valid values: 0, 1, true, false"));
  t = run("report_format=xml", NULL, 0, NULL);
  CHECK(strstr(t, "valid values: text, json, sarif"));
  t = run("redzone=3", NULL, 0, NULL);
  CHECK(strstr(t, "a power of two from 16 to 2048"));
  /* quiet: no warnings */
  t = run("bogus=1:quarantine_mb=abc", NULL, IG_INIT_QUIET, NULL);
  CHECK(strstr(t, "WARNING") == NULL);
  /* a very long token is cut in the warning */
  char longkey[3000];
  memset(longkey, 'k', sizeof longkey - 1);
  longkey[sizeof longkey - 1] = 0;
  t = run(longkey, NULL, 0, NULL);
  CHECK_EQ(count_of(t, "WARNING"), 1);
  CHECK(strstr(t, "unknown option 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...'"));
  /* a long value is cut to 40 bytes; control characters, quotes and bytes above 0x7e are escaped */
  char longval[200];
  snprintf(longval, sizeof longval, "quarantine_mb=%0150dx", 7);
  t = run(longval, NULL, 0, NULL);
  CHECK(strstr(t, "bad value '0000000000000000000000000000000000000000...' for option quarantine_mb"));
  t = run("verbosity=\033[2J\r'\\\xc3\xa9", NULL, 0, NULL);
  CHECK(strstr(t, "bad value '\\x1b[2J\\x0d\\x27\\x5c\\xc3\\xa9' for option verbosity;"));
  CHECK(strchr(t, '\033') == NULL && strchr(t, '\r') == NULL);
  /* a text value too long for the table, or holding '=', is refused and the earlier value kept */
  char longpath[400];
  snprintf(longpath, sizeof longpath, "report_path=/tmp/a:report_path=/%0300d", 1);
  t = run(longpath, NULL, 0, NULL);
  CHECK(strstr(t, "valid values: text of at most 255 bytes without '='; keeping report_path=/tmp/a\n"));
}

/* Values in range on their own but contradicting each other warn, and the larger one wins. */
static void test_consistency(void) {
  const char *names[] = {"redzone", "max_redzone", NULL};
  const char *t = run("max_redzone=16:redzone=2048", NULL, 0, names);
  CHECK(strstr(t, "InteropGuard: WARNING: max_redzone=16 is below redzone=2048; using max_redzone=2048\n"));
  CHECK(strstr(t, "max_redzone=2048\n"));
  CHECK(strstr(t, "redzone=2048\n"));
  t = run("max_redzone=64:redzone=64", NULL, 0, names);
  CHECK(strstr(t, "WARNING") == NULL);
  CHECK(strstr(t, "max_redzone=64\n"));
  t = run("max_redzone=16:redzone=2048", NULL, IG_INIT_QUIET, names);
  CHECK(strstr(t, "WARNING") == NULL);
  CHECK(strstr(t, "max_redzone=2048\n"));
}

/* A few hundred random strings (keys, values, separators, control and non-ASCII bytes, long runs): each
 * child parses one and must exit normally, quickly, with one warning line at most per item plus one. */
static uint64_t fuzz_state = 0x9e3779b97f4a7c15ull;
static uint32_t fuzz_next(void) {
  fuzz_state ^= fuzz_state << 13;
  fuzz_state ^= fuzz_state >> 7;
  fuzz_state ^= fuzz_state << 17;
  return (uint32_t)(fuzz_state >> 32);
}

static void test_fuzz(void) {
  static const char *const pieces[] = {
    "halt_on_error", "redzone", "max_redzone", "report_path", "report_format", "quarantine_mb", "verbosity",
    "max_ranges", "detect_leaked_pin", "suppressions", "=", "=", ":", ":", "::", "0", "1", "16", "2048", "true",
    "FALSE", "json", "sarif", "-1", " ", "99999999999999999999", "2147483648", "\xc3\xa9", "\033[2J", "\r\n", "'",
    "\\", "\x7f", "\xff", "%p"};
  static char text[5000];
  int failures = 0;
  for (int round = 0; round < 300; round++) {
    size_t n = 0;
    int parts = (int)(fuzz_next() % 12);
    for (int p = 0; p < parts && n < sizeof text - 1100; p++) {
      uint32_t r = fuzz_next() % 10;
      if (r < 7) {
        const char *piece = pieces[fuzz_next() % (sizeof pieces / sizeof pieces[0])];
        size_t len = strlen(piece);
        memcpy(text + n, piece, len);
        n += len;
      } else if (r < 9) {
        int len = (int)(fuzz_next() % 16);
        for (int i = 0; i < len; i++) text[n++] = (char)(1 + fuzz_next() % 255);
      } else {
        size_t len = fuzz_next() % 1024;
        memset(text + n, (int)('a' + fuzz_next() % 26), len);
        n += len;
      }
    }
    text[n] = 0;
    size_t items = 1;
    for (size_t i = 0; i < n; i++) items += text[i] == ':';
    const char *t = run(text, NULL, 0, NULL);
    int warnings = count_of(t, "InteropGuard: WARNING:");
    if (!WIFEXITED(last_status) || WEXITSTATUS(last_status) != 0 || (size_t)warnings > items + 1 ||
        strlen(t) > 4096 * (items + 1)) {
      fprintf(stderr, "fuzz round %d: status %d, %d warnings for %zu items\n", round, last_status, warnings, items);
      failures++;
    }
  }
  CHECK_EQ(failures, 0);
}

static void test_first_call_wins(void) {
  const char *names[] = {"quarantine_mb", NULL};
  int out[2];
  if (pipe(out) != 0) abort();
  pid_t pid = fork();
  if (pid == 0) {
    ig_init("quarantine_mb=5", 0);
    ig_init("quarantine_mb=6", 0);
    char line[64];
    int n = snprintf(line, sizeof line, "q=%lld\n", (long long)ig_option_int(names[0]));
    if (write(out[1], line, (size_t)n) < 0) _exit(2);
    _exit(0);
  }
  close(out[1]);
  char buf[64] = {0};
  ssize_t n = read(out[0], buf, sizeof buf - 1);
  (void)n;
  close(out[0]);
  waitpid(pid, NULL, 0);
  CHECK_STR(buf, "q=5\n");
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  RUN(test_defaults);
  RUN(test_good_values);
  RUN(test_env);
  RUN(test_malformed);
  RUN(test_warning_text);
  RUN(test_consistency);
  RUN(test_fuzz);
  RUN(test_first_call_wins);
  TEST_MAIN_END();
}
