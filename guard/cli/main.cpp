// dbguard: a fail-closed PreToolUse guard for databases.
#include "cli/streams.h"  // before CLI11, which includes <iostream>: see there

#include <CLI/CLI.hpp>

#include <string_view>

#include "cli/commands.h"
#include "packs/embedded.h"

#ifndef DBGUARD_VERSION
#define DBGUARD_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  // Claude Code starts `dbguard hook` for every tool call: skip building the
  // whole command line interface (every subcommand's options) for it.
  if (argc == 2 && std::string_view(argv[1]) == "hook") dbguard::cli::run_hook_and_exit();
  if (argc == 2 && std::string_view(argv[1]) == "hook-timeout-record") dbguard::cli::record_timeout_and_exit();
#if defined(DBGUARD_STREAMS_MADE_IN_MAIN)
  // Every other subcommand prints: the standard streams are made here, not before
  // main (cli/streams.h).
  static const std::ios_base::Init streams;
#endif
  CLI::App app{"dbguard: screens AI agents' tool calls and blocks what would destroy data"};
  app.set_version_flag("--version", std::string("dbguard ") + DBGUARD_VERSION + " (packs " +
                                        std::string(dbguard::packs::embedded_packs_digest().substr(0, 12)) + ")");
  app.require_subcommand(1);
  dbguard::cli::add_hook(app);
  dbguard::cli::add_check(app);
  dbguard::cli::add_explain(app);
  dbguard::cli::add_patterns(app);
  dbguard::cli::add_demo(app);
  dbguard::cli::add_audit(app);
  dbguard::cli::add_policy(app);
  dbguard::cli::add_install(app);
  dbguard::cli::add_doctor(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // `dbguard hook` must never exit with a code other than 0 or 2, even on bad flags.
    bool hook = argc > 1 && std::string(argv[1]) == "hook";
    int code = app.exit(e);
    return hook && code != 0 ? 2 : code;
  }
  return 0;
}
