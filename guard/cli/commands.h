// The dbguard subcommands, each registered on the CLI11 app by its own file.
#pragma once

#include <CLI/CLI.hpp>

namespace dbguard::cli {

void add_hook(CLI::App& app);
[[noreturn]] void run_hook_and_exit();  // `dbguard hook`: decide the event on stdin, exit 0 or 2
// `dbguard hook-timeout-record`: internal, started by the hook's watchdog to record its deny; exits 2.
[[noreturn]] void record_timeout_and_exit();
void add_check(CLI::App& app);
void add_explain(CLI::App& app);
void add_patterns(CLI::App& app);
void add_demo(CLI::App& app);
void add_audit(CLI::App& app);    // audit verify|tail|stats
void add_policy(CLI::App& app);   // policy validate|show
void add_install(CLI::App& app);  // install, uninstall
void add_doctor(CLI::App& app);

// The command text from `-- a b c`: one argument is the command string as is;
// several are shell-quoted and joined.
std::string command_from_args(const std::vector<std::string>& args);

}  // namespace dbguard::cli
