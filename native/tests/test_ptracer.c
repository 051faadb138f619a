/* test_ptracer.c - ig_set_ptracer: the return contract, and that a child we name really may ptrace-attach
 * to us (what the mode-2 validator child does), whether or not the kernel has Yama. */
#include "interopguard.h"
#include "ig_test.h"

#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

/* Yama's ptrace_scope (0 = classic, 1 = descendants only unless PR_SET_PTRACER, 2 = admin only, 3 = none);
 * -1 when the kernel has no Yama. */
static int ptrace_scope(void) {
  FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
  if (f == NULL) return -1;
  int scope = -1;
  if (fscanf(f, "%d", &scope) != 1) scope = -1;
  fclose(f);
  return scope;
}

static void test_return_values(void) {
  CHECK_EQ(ig_set_ptracer(getpid()), 0);
  CHECK_EQ(ig_set_ptracer(-1), 0); /* anyone */
  CHECK_EQ(ig_set_ptracer(0), 0);  /* clears */
  CHECK_EQ(ig_set_ptracer(-2), EINVAL);
}

/* The child waits for "go", attaches to its parent, waits for the attach stop, detaches and reports the errno
 * of the first step that failed (0 = attached and detached). */
static void test_child_may_attach(void) {
  int scope = ptrace_scope();
  if (scope >= 2) {
    printf("skip test_child_may_attach: ptrace_scope=%d allows no attach by a plain process\n", scope);
    return;
  }
  int go[2], result[2];
  if (pipe(go) != 0 || pipe(result) != 0) abort();
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    close(go[1]);
    close(result[0]);
    char c;
    if (read(go[0], &c, 1) != 1) _exit(2);
    int err = 0;
    if (ptrace(PTRACE_ATTACH, parent, NULL, NULL) != 0) {
      err = errno;
    } else {
      int status;
      if (waitpid(parent, &status, __WALL) != parent) err = errno;
      if (ptrace(PTRACE_DETACH, parent, NULL, NULL) != 0 && err == 0) err = errno;
    }
    if (write(result[1], &err, sizeof err) != (ssize_t)sizeof err) _exit(3);
    _exit(0);
  }
  close(go[0]);
  close(result[1]);
  CHECK_EQ(ig_set_ptracer(child), 0);
  if (write(go[1], "g", 1) != 1) abort();
  int err = -1;
  ssize_t n;
  do n = read(result[0], &err, sizeof err); /* the parent may be stopped and resumed meanwhile: EINTR */
  while (n < 0 && errno == EINTR);
  CHECK_EQ(n, (long long)sizeof err);
  CHECK_EQ(err, 0);
  close(go[1]);
  close(result[0]);
  waitpid(child, NULL, 0);
  ig_set_ptracer(0);
}

int main(int argc, char **argv) {
  TEST_MAIN_BEGIN(argc, argv);
  RUN(test_return_values);
  RUN(test_child_may_attach);
  TEST_MAIN_END();
}
