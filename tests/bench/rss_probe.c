/* rss_probe OUT PROGRAM [ARGS...]: runs PROGRAM (stdin, stdout and stderr
 * inherited), writes its peak resident set size in KiB to the file OUT and
 * exits with its status. The bench measures memory through this small static
 * process because a child's ru_maxrss also counts the memory of the process
 * that spawned it, up to the exec (the bench itself holds large inputs). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    fputs("usage: rss_probe OUT PROGRAM [ARGS...]\n", stderr);
    return 125;
  }
  pid_t pid = fork();
  if (pid < 0) return 125;
  if (pid == 0) {
    execv(argv[2], argv + 2);
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return 125;
  FILE* out = fopen(argv[1], "w");
  if (!out) return 125;
  fprintf(out, "%ld\n", ru.ru_maxrss);
  fclose(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
