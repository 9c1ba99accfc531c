/* A stand-in for a dbguard binary that is broken on install: it dies of SIGSEGV
 * before reading anything, the way a crashing hook would. Core dumps are disabled
 * so the test leaves no core file behind. */
#include <signal.h>
#include <sys/resource.h>

int main(void) {
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
  volatile int *volatile nowhere = 0;
  *nowhere = 1; /* the segfault */
  raise(SIGSEGV); /* in case the store above did not fault */
  return 0;
}
