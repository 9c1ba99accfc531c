// The hook's time budget, kept by the kernel: an interval timer on the process's
// CPU time (ITIMER_PROF) and one on the wall clock (ITIMER_REAL). Not a thread:
// creating one and reaping it at exit cost about a sixth of a trivial call.
//
// On expiry the signal handler writes the deny to stderr and must still leave an
// audit record, which takes memory allocation, files and hashing: nothing a
// handler may do in a process it interrupted anywhere. So it hands the event's
// bytes to a fresh image of this binary
// (`dbguard hook-timeout-record`, protocol/failure_record) started in a child,
// waits for it to record the deny, and exits 2 whatever became of it.
#pragma once

#include <string_view>

namespace dbguard::protocol {

// One at a time per process: the timers and the handler are the process's.
class Watchdog {
 public:
  // Denies once the process has used `cpu_budget_ms` of CPU time (counted from
  // its start) or `wall_cap_ms` have passed from now.
  Watchdog(int cpu_budget_ms, int wall_cap_ms);
  ~Watchdog();  // disarms: the decision was made in time
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Moves both deadlines later (a custom-pack compile on first use).
  void extend(int ms);

  // The event, for the record of a timeout, once read. The bytes must stay
  // alive and unchanged while the watchdog is armed.
  void publish_event(std::string_view bytes, bool complete);
  // In the event's place, what the record says of the call (audit::call_fields,
  // as JSON): a large event's bytes need not be kept through the analysis. The
  // same rule: alive and unchanged while armed.
  void publish_call(std::string_view call_fields_json);

  // Where the record of a timeout is made: this binary (the CLI sets it to
  // /proc/self/exe). Unset, as in a test process that runs the hook in-process,
  // a timeout denies without a record.
  static void set_recorder(const char* executable);
};

}  // namespace dbguard::protocol
