/* ig_fork_test.h - running a native test case in a forked child (its own ig_init; it may die of the fault under test)
 * and reading what it printed; shared by the guarded-pool and release-mode tests. */
#ifndef IG_FORK_TEST_H
#define IG_FORK_TEST_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interopguard.h"

/* flags value for ig_fork_run: do not call ig_init in the child (the case calls it, or relies on lazy init). */
#define NO_INIT 0xFFFFFFFFu

/* What the last child printed (stderr and stdout), NUL-terminated. */
static char captured[16384];

/* Runs fn in a child after ig_init(options, flags) (no ig_init when flags is NO_INIT); captures the child's
 * stderr+stdout into `captured`; returns the wait status. */
static int ig_fork_run(const char *options, uint32_t flags, void (*fn)(void)) {
  int out[2];
  if (pipe(out) != 0) abort();
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(out[1], 2);
    close(out[0]);
    if (flags != NO_INIT) ig_init(options, flags);
    fn();
    _exit(0);
  }
  close(out[1]);
  size_t len = 0;
  ssize_t n;
  while ((n = read(out[0], captured + len, sizeof captured - 1 - len)) > 0) len += (size_t)n;
  captured[len] = 0;
  close(out[0]);
  int status;
  waitpid(pid, &status, 0);
  return status;
}

static inline int died_of(int status, int sig) { return WIFSIGNALED(status) && WTERMSIG(status) == sig; }
static inline int exited_ok(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

/* In a child: count a failed expectation in `fails`; CHILD_END exits 10 + the count so the parent sees them. */
#define EXPECT(cond)                                                                                      \
  do {                                                                                                    \
    if (!(cond)) { fprintf(stderr, "child expectation failed: %s (line %d)\n", #cond, __LINE__); fails++; } \
  } while (0)
#define CHILD_END() _exit(fails ? 10 + fails : 0)

#endif
