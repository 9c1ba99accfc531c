// Runs a program with input on stdin and collects its output, with a deadline:
// `dbguard doctor` probes the installed hook command through it, and the tests
// run the built binary through it.
#pragma once

#include <string>
#include <vector>

namespace dbguard {

struct ProcessResult {
  bool started = false;
  bool timed_out = false;  // killed at the deadline
  int exit_code = -1;      // -1 when killed by a signal
  int signal = 0;
  std::string out, err;
};

// argv[0] is a path (no PATH search). `env` ("NAME=value" entries) replaces the
// environment; null inherits this process's.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input, int timeout_ms,
                          const std::vector<std::string>* env = nullptr);

}  // namespace dbguard
