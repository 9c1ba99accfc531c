// `dbguard check --batch`: many hook events, one decision each, in one process.
// Input is JSONL: one PreToolUse event per line, exactly what `dbguard hook`
// reads on stdin. Output is JSONL: for input line N, output line N is the
// `check --json` object {"decision","hard","rules","reason"} for that event.
//
// Guarantees:
//   - one output line per input line, in order, so callers can pair them; a
//     final line without '\n' counts, an empty input yields no output;
//   - every line is judged like the hook judges its stdin: a blank line, a line
//     that is not a JSON object and a line over kMaxEventBytes are denied
//     (fail closed), and an exception while judging one line denies that line
//     and goes on with the next;
//   - a decision that took longer than the hook's time budget is replaced by
//     the hook's guard.timeout deny, so batch and hook never disagree about a
//     slow event (the hook's watchdog would have denied it).
#pragma once

#include <cstddef>
#include <cstdio>

namespace dbguard::protocol {

struct BatchStats {
  std::size_t events = 0;
  std::size_t allowed = 0;
  std::size_t asked = 0;
  std::size_t denied = 0;
};

// Reads events from `in` until end of input, writes one decision line per event to `out`.
BatchStats run_batch(std::FILE* in, std::FILE* out);

// The `check` exit code for a whole batch: 2 if any event was denied, else 3 if
// any asked, else 0.
int batch_exit_code(const BatchStats& stats);

}  // namespace dbguard::protocol
