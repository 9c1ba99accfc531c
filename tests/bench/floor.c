/* The floor the hook is measured against: the cheapest process that does what
 * Claude Code asks of a hook — start, read the whole event on stdin, exit 0.
 * Built statically by the bench (no dynamic loader), so the floor is the cost
 * of fork/exec/exit itself on this machine. */
#include <unistd.h>

int main(void) {
  static char buf[1 << 16];
  while (read(0, buf, sizeof buf) > 0) {
  }
  return 0;
}
