#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"
#include "protocol/hook_runner.h"

namespace dbguard::cli {

void run_hook_and_exit() {
  int code = protocol::run_hook(stdin, stdout, stderr);
  // The decision is written and flushed by run_hook; what is left (static
  // destructors, library clean-up) only frees memory the kernel is about to
  // reclaim, and would be paid on every tool call.
  std::fflush(nullptr);
  ::_exit(code);
}

void add_hook(CLI::App& app) {
  auto* cmd = app.add_subcommand("hook", "Claude Code PreToolUse hook: event on stdin; exit 0 allow, 2 deny");
  cmd->callback([] { run_hook_and_exit(); });
}

}  // namespace dbguard::cli
