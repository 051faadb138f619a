/* test_report.c - golden tests of the text report: each kind's text captured from stderr (a pipe
 * dup2'ed over fd 2) and matched line by line with addresses substituted; plus hook, dedupe, cap,
 * detect_ switches, report_path and halt_on_error (forked); runs under CTest. */
#include "interopguard.h"
#include "ig_test.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static char got[8192];

/* Runs fn with stderr captured. */
static const char *capture(void (*fn)(void)) {
  int p[2];
  if (pipe(p) != 0) abort();
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  int saved = dup(2);
  dup2(p[1], 2);
  fn();
  dup2(saved, 2);
  close(saved);
  close(p[1]);
  ssize_t n = read(p[0], got, sizeof got - 1);
  got[n > 0 ? n : 0] = 0;
  close(p[0]);
  return got;
}

static char want[8192];
#define X(v) ((unsigned long long)(v))

static uint32_t s_alloc, s_free, s_again, s_call;
static char *block;

static void do_double_free(void) {
  block = ig_malloc_at(24, 0, s_alloc);
  ig_free_at(block, s_free, NULL);
  ig_free_at(block, s_again, NULL);
}

static void test_double_free_golden(void) {
  const char *t = capture(do_double_free);
  snprintf(want, sizeof want,
           "=================================================================\n"
           "ERROR: InteropGuard: double-free on address 0x%llx [IG0003]\n"
           "free of 0x%llx (24-byte native buffer [0x%llx, 0x%llx)) that was already freed.\n"
           "Buffer freed by:\n"
           "  #0 Decoder.Dispose()  Decoder.cs:131\n"
           "Buffer allocated by:\n"
           "  #0 Decoder..ctor(Stream)  Decoder.cs:40\n"
           "HINT: the buffer was freed twice; free it exactly once and clear every copy of the pointer.\n"
           "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_double_free=0\n"
           "SUMMARY: InteropGuard: double-free Decoder.cs:150 in Decoder.Close()\n"
           "=================================================================\n",
           X(block), X(block), X(block), X(block + 24));
  CHECK_STR(t, want);
}

static void do_overflow(void) {
  block = ig_malloc_at(10, 0, s_alloc);
  block[12] = 1;
  ig_free_at(block, s_free, NULL);
}

static void test_overflow_golden(void) {
  const char *t = capture(do_overflow);
  snprintf(want, sizeof want,
           "=================================================================\n"
           "ERROR: InteropGuard: native-buffer-overflow on address 0x%llx [IG0002]\n"
           "redzone of the 10-byte native buffer [0x%llx, 0x%llx) was overwritten 2 bytes past the end.\n"
           "Buffer freed by:\n"
           "  #0 Decoder.Dispose()  Decoder.cs:131\n"
           "Buffer allocated by:\n"
           "  #0 Decoder..ctor(Stream)  Decoder.cs:40\n"
           "HINT: an access went past the end of the buffer; check the length passed with the pointer against "
           "the size allocated.\n"
           "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_buffer_overflow=0\n"
           "SUMMARY: InteropGuard: native-buffer-overflow Decoder.cs:131 in Decoder.Dispose()\n"
           "=================================================================\n",
           X(block + 12), X(block), X(block + 10));
  CHECK_STR(t, want);
}

static void do_uaf(void) {
  block = ig_malloc_at(256, 0, s_alloc);
  ig_free_at(block, s_free, NULL);
  ig_violation_t v;
  ig_check(block + 16, 8, &v);
  v.access_site = s_call;
  ig_report(&v);
}

static void test_uaf_golden(void) {
  const char *t = capture(do_uaf);
  snprintf(want, sizeof want,
           "=================================================================\n"
           "ERROR: InteropGuard: native-use-after-free on address 0x%llx [IG0001]\n"
           "access of 8 bytes at 0x%llx, 16 bytes inside of 256-byte native buffer [0x%llx, 0x%llx) that was "
           "freed.\n"
           "Buffer freed by:\n"
           "  #0 Decoder.Dispose()  Decoder.cs:131\n"
           "Buffer allocated by:\n"
           "  #0 Decoder..ctor(Stream)  Decoder.cs:40\n"
           "HINT: the buffer was freed while a pointer to it was still in use; free it only after the last use.\n"
           "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_native_use_after_free=0\n"
           "SUMMARY: InteropGuard: native-use-after-free Decoder.cs:88 in Decoder.ReadRow(int)\n"
           "=================================================================\n",
           X(block + 16), X(block + 16), X(block), X(block + 256));
  CHECK_STR(t, want);
}

static char *loose;
static void do_invalid_unknown(void) {
  loose = (char *)0xdeadbeef;
  ig_free(loose);
}

static void test_invalid_free_golden(void) {
  const char *t = capture(do_invalid_unknown);
  CHECK_STR(t,
            "=================================================================\n"
            "ERROR: InteropGuard: invalid-free on address 0xdeadbeef [IG0004]\n"
            "free of 0xdeadbeef, which was not returned by ig_malloc.\n"
            "HINT: free only pointers returned by ig_malloc (NativeBuffer.Allocate), and only at their first "
            "byte.\n"
            "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_invalid_free=0\n"
            "SUMMARY: InteropGuard: invalid-free unknown:0 in unknown\n"
            "=================================================================\n");
}

static char pinned[64];
static void do_unpin(void) {
  uint64_t id;
  ig_range_register(IG_RANGE_MANAGED_PIN, pinned, 64, 0, s_alloc, 0, &id);
  ig_range_release(id, s_free, NULL);
  ig_violation_t v;
  ig_check(pinned + 4, 4, &v);
  v.access_site = s_call;
  ig_report(&v);
}

static void test_unpin_golden(void) {
  const char *t = capture(do_unpin);
  snprintf(want, sizeof want,
           "=================================================================\n"
           "ERROR: InteropGuard: use-after-unpin on address 0x%llx [IG0005]\n"
           "access of 4 bytes at 0x%llx, 4 bytes inside of 64-byte pinned managed buffer [0x%llx, 0x%llx) "
           "that was released.\n"
           "Pin released by:\n"
           "  #0 Decoder.Dispose()  Decoder.cs:131\n"
           "Pinned by:\n"
           "  #0 Decoder..ctor(Stream)  Decoder.cs:40\n"
           "HINT: keep the Pin alive (or copy the data) for as long as native code uses the pointer.\n"
           "HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_use_after_unpin=0\n"
           "SUMMARY: InteropGuard: use-after-unpin Decoder.cs:88 in Decoder.ReadRow(int)\n"
           "=================================================================\n",
           X(pinned + 4), X(pinned + 4), X(pinned), X(pinned + 64));
  CHECK_STR(t, want);
}

static void do_dedupe(void) {
  for (int i = 0; i < 5; i++) {
    char *p = ig_malloc_at(8, 0, s_alloc);
    ig_free_at(p, s_free, NULL);
    ig_free_at(p, s_free, NULL); /* same kind, same site: printed once */
  }
}

static void test_dedupe(void) {
  ig_stats_t a, b;
  ig_get_stats(&a);
  const char *t = capture(do_dedupe);
  ig_get_stats(&b);
  int n = 0;
  for (const char *p = t; (p = strstr(p, "ERROR:")) != NULL; p++) n++;
  CHECK_EQ(n, 1);
  CHECK_EQ(b.reports, a.reports + 5); /* counted even when not printed */
}

static ig_violation_t hooked;
static int hook_calls;
static void hook(const ig_violation_t *v, void *ctx) {
  CHECK(ctx == &hook_calls);
  hooked = *v;
  hook_calls++;
  ig_report(v); /* recursion is dropped */
  ig_free((void *)1); /* a report from inside the hook is dropped too */
}

static void do_hooked(void) {
  ig_set_report_hook(hook, &hook_calls);
  char *p = ig_malloc(8);
  ig_free(p);
  ig_free(p);
  ig_set_report_hook(NULL, NULL);
}

static void test_hook(void) {
  hook_calls = 0;
  const char *t = capture(do_hooked);
  CHECK_STR(t, ""); /* the hook replaces the text */
  CHECK_EQ(hook_calls, 1);
  CHECK_EQ(hooked.kind, IG_KIND_DOUBLE_FREE);
}

/* Runs body in a child with options; returns the child's stderr and exit status. */
static int child_status;
static const char *in_child(const char *options, void (*body)(void)) {
  int p[2];
  if (pipe(p) != 0) abort();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 2);
    close(p[0]);
    ig_init(options, 0);
    body();
    _exit(0);
  }
  close(p[1]);
  size_t len = 0;
  ssize_t n;
  while ((n = read(p[0], got + len, sizeof got - 1 - len)) > 0) len += (size_t)n;
  got[len] = 0;
  close(p[0]);
  waitpid(pid, &child_status, 0);
  return got;
}

static void body_double_free(void) {
  char *p = ig_malloc(8);
  ig_free(p);
  ig_free(p);
  ig_free((void *)16);
}

static void test_detect_off(void) {
  const char *t = in_child("detect_double_free=0", body_double_free);
  CHECK(strstr(t, "double-free") == NULL);
  CHECK(strstr(t, "invalid-free") != NULL);
  CHECK(WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0);
}

static void test_halt_on_error(void) {
  const char *t = in_child("halt_on_error=1", body_double_free);
  CHECK(strstr(t, "ERROR: InteropGuard: double-free") != NULL);
  CHECK(strstr(t, "invalid-free") == NULL); /* never got there */
  CHECK(WIFSIGNALED(child_status) && WTERMSIG(child_status) == SIGABRT);
}

static void body_many(void) {
  for (int i = 0; i < 10; i++) ig_free((void *)(uintptr_t)(16 * (i + 1)));
}

static void test_max_reports(void) {
  const char *t = in_child("max_reports=3:dedupe_reports=0", body_many);
  int n = 0;
  for (const char *p = t; (p = strstr(p, "ERROR:")) != NULL; p++) n++;
  CHECK_EQ(n, 3);
  t = in_child("dedupe_reports=0", body_many);
  n = 0;
  for (const char *p = t; (p = strstr(p, "ERROR:")) != NULL; p++) n++;
  CHECK_EQ(n, 10);
}

static void test_report_path(void) {
  char path[128];
  snprintf(path, sizeof path, "/tmp/ig_report_test.%d", (int)getpid());
  char opts[256];
  snprintf(opts, sizeof opts, "report_path=%s.%%p", path);
  unlink(path);
  in_child(opts, body_double_free);
  /* the child's pid is unknown here: find the file by prefix via the stderr copy */
  char file_text[8192] = {0};
  int found = 0;
  char cmd[512];
  snprintf(cmd, sizeof cmd, "cat %s.* 2>/dev/null; rm -f %s.*", path, path);
  FILE *f = popen(cmd, "r");
  if (f) {
    size_t n = fread(file_text, 1, sizeof file_text - 1, f);
    file_text[n] = 0;
    pclose(f);
    found = 1;
  }
  CHECK(found);
  CHECK(strstr(file_text, "ERROR: InteropGuard: double-free") != NULL);
  CHECK(strstr(file_text, "SUMMARY: InteropGuard: invalid-free") != NULL);
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  /* children first: they must initialise the library themselves (the parent has not yet) */
  RUN(test_detect_off);
  RUN(test_halt_on_error);
  RUN(test_max_reports);
  RUN(test_report_path);
  ig_init("quarantine_mb=16", 0);
  s_alloc = ig_site_intern("Decoder.cs", 40, "Decoder..ctor(Stream)");
  s_free = ig_site_intern("Decoder.cs", 131, "Decoder.Dispose()");
  s_again = ig_site_intern("Decoder.cs", 150, "Decoder.Close()");
  s_call = ig_site_intern("/home/dev/app/Decoder.cs", 88, "Decoder.ReadRow(int)"); /* reported by file name */
  RUN(test_double_free_golden);
  RUN(test_overflow_golden);
  RUN(test_uaf_golden);
  RUN(test_invalid_free_golden);
  RUN(test_unpin_golden);
  RUN(test_dedupe);
  RUN(test_hook);
  TEST_MAIN_END();
}
