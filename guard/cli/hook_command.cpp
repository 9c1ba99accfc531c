#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "protocol/hook_runner.h"

namespace dbguard::cli {

void add_hook(CLI::App& app) {
  auto* cmd = app.add_subcommand("hook", "Claude Code PreToolUse hook: event on stdin; exit 0 allow, 2 deny");
  cmd->callback([] { std::exit(protocol::run_hook(stdin, stdout, stderr)); });
}

}  // namespace dbguard::cli
