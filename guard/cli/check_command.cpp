#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include "cli/commands.h"
#include "decision/engine.h"
#include "protocol/batch.h"
#include "protocol/hook_output.h"
#include "protocol/hook_runner.h"
#include "unwrap/unwrap.h"

namespace dbguard::cli {

std::string command_from_args(const std::vector<std::string>& args) {
  if (args.size() == 1) return args[0];
  return shell_quote_join(args);
}

namespace {

struct CheckOptions {
  bool json = false;
  bool batch = false;
  std::string cwd;
  std::vector<std::string> command;
};

void run_check(const CheckOptions& o) {
  if (o.batch) {
    auto stats = protocol::run_batch(stdin, stdout);
    std::exit(protocol::batch_exit_code(stats));
  }
  Decision d;
  try {
    if (o.command.empty()) {
      std::string bytes;
      bool complete = protocol::read_all_bounded(stdin, bytes, protocol::kMaxEventBytes);
      d = protocol::decide_event_bytes(bytes, !complete);
    } else {
      std::string cwd = o.cwd;
      if (cwd.empty()) {
        char buf[4096];
        cwd = getcwd(buf, sizeof buf) ? buf : ".";
      }
      // The same path as the hook: a Bash event, with the policy for `cwd`.
      nlohmann::json event = {{"tool_name", "Bash"}, {"tool_input", {{"command", command_from_args(o.command)}}},
                              {"cwd", cwd}};
      d = protocol::decide_event_bytes(event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), false);
    }
  } catch (const std::exception& e) {
    d = Decision{};
    d.verdict = Verdict::Deny;
    d.findings.push_back({"guard.internal-error", false, "", e.what(), "", ""});
    d.reason = std::string("dbguard blocked this command (rule guard.internal-error): ") + e.what() + "\n";
  }
  if (o.json) {
    std::cout << protocol::render_check_json(d) << "\n";
  } else {
    std::cout << to_string(d.verdict) << (d.hard ? " (hard)" : "") << "\n";
    if (!d.reason.empty()) std::cout << d.reason;
  }
  std::cout.flush();
  std::exit(protocol::check_exit_code(d));
}

}  // namespace

void add_check(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check",
                                 "Decide for a command (after --) or for a hook event on stdin; "
                                 "exit 0 allow, 2 deny, 3 ask");
  cmd->add_flag("--json", o->json, "print {decision, hard, rules, reason}");
  auto* batch = cmd->add_flag("--batch", o->batch,
                              "JSONL: one hook event per stdin line, one --json decision per stdout line; "
                              "exit 2 if any is denied, else 3 if any asks, else 0");
  cmd->add_option("--cwd", o->cwd, "directory relative files resolve against (default: current)");
  cmd->add_option("command", o->command, "the command: one string, or words after --")->excludes(batch);
  cmd->callback([o] { run_check(*o); });
}

}  // namespace dbguard::cli
