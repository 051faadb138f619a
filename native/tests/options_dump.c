/* options_dump.c - the native half of the managed option fuzz test (OptionParsersAgreeTests): reads option
 * strings, one per line in hex, and for each prints what the C parser made of it (its warnings and the
 * value of every option named on the command line), parsing each in a forked child ("first call wins").
 * Built with the native tests, run by the managed test only. */
#include "interopguard.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int main(int argc, char **argv) {
  static char line[1 << 20];
  static char text[1 << 19];
  int index = 0;
  while (fgets(line, sizeof line, stdin)) {
    size_t n = 0;
    for (size_t i = 0; hexval(line[i]) >= 0 && hexval(line[i + 1]) >= 0 && n < sizeof text - 1; i += 2)
      text[n++] = (char)(hexval(line[i]) * 16 + hexval(line[i + 1]));
    text[n] = 0;
    printf("\001%d\n", index++); /* warnings escape control bytes, so this marker starts only a block */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      dup2(1, 2); /* warnings go to stdout, before the values */
      alarm(10);  /* a hang fails the test instead of stalling it */
      ig_init(text, 0);
      for (int i = 1; i < argc; i++) printf("%s=%lld\n", argv[i], (long long)ig_option_int(argv[i]));
      fflush(stdout);
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) printf("CHILD FAILED status=%d\n", status);
    fflush(stdout);
  }
  return 0;
}
