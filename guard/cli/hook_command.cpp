#include <malloc.h>
#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"
#include "protocol/failure_record.h"
#include "protocol/hook_runner.h"
#include "protocol/watchdog.h"

namespace dbguard::cli {

void run_hook_and_exit() {
  // Blocks under 2 MiB are kept for reuse when freed, not unmapped with fresh pages
  // faulted in for the next (a 1 MiB SQL file's statements: 32 -> 53 ms with the
  // threshold at 1 MiB). Larger ones, the copies of an event near its 4 MiB bound,
  // are mapped and given back when freed: kept, each left a hole the next copy did
  // not fit, which went on top (a 4 MiB `ssh HOST '…'` peaked at 26.0 MiB, 22.4
  // mapped; its calls are 0-5 ms slower for the faults). The process lives for one
  // decision.
  mallopt(M_MMAP_THRESHOLD, 2 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // No fastbins: a long command's syntax tree is freed item by item as it is walked,
  // and with fastbins every larger allocation after that first re-sorts all the
  // small blocks freed (malloc_consolidate, ~5% of such a call).
  mallopt(M_MXFAST, 0);
  // A timeout's audit record is made by this binary, started in a child (protocol/watchdog).
  protocol::Watchdog::set_recorder("/proc/self/exe");
  int code = protocol::run_hook(stdin, stdout, stderr);
  // The decision is written and flushed by run_hook; what is left (static
  // destructors, library clean-up) only frees memory the kernel is about to
  // reclaim, and would be paid on every tool call.
  std::fflush(nullptr);
  ::_exit(code);
}

void record_timeout_and_exit() { protocol::record_handed_over_timeout(stdin); }

void add_hook(CLI::App& app) {
  auto* cmd = app.add_subcommand("hook", "Claude Code PreToolUse hook: event on stdin; exit 0 allow, 2 deny");
  cmd->callback([] { run_hook_and_exit(); });
}

}  // namespace dbguard::cli
