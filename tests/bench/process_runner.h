// Runs a program the way Claude Code runs a hook: a fresh process, the event
// written to its stdin through a pipe, stdout and stderr read through pipes,
// then the exit status collected. Measures the whole thing, wall clock, from
// just before the spawn to just after the wait.
#pragma once

#include <string>
#include <vector>

namespace dbguard::bench {

struct SpawnResult {
  double wall_ms = 0;        // spawn → exit status collected
  double cpu_ms = 0;         // user + system time of the child
  long max_rss_kib = 0;      // ru_maxrss: includes the spawning process up to the exec (see rss_probe.c)
  int exit_code = -1;        // -1 when killed by a signal
  int signal = 0;
  std::string out, err;
};

// Spawns argv[0] (a path) with `input` on stdin. Never throws; a spawn failure
// is reported as exit_code -1 with the error in `err`.
SpawnResult spawn_with_input(const std::vector<std::string>& argv, const std::string& input);

}  // namespace dbguard::bench
