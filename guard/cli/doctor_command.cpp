// `dbguard doctor`: one line per check, exit 1 if any fails.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "install/doctor.h"

namespace dbguard::cli {

void add_doctor(CLI::App& app) {
  auto o = std::make_shared<install::DoctorOptions>();
  auto* cmd = app.add_subcommand("doctor",
                                 "Check the install: settings hook (fail-closed), binary, a denied and an allowed "
                                 "probe through the installed command, policy, audit log");
  cmd->add_option("--settings", o->settings, "check this settings file (default: user and project settings)");
  cmd->add_option("--cwd", o->cwd, "the project directory (default: current)");
  cmd->callback([o] {
    if (o->cwd.empty()) o->cwd = std::filesystem::current_path().string();
    auto checks = install::run_doctor(*o);
    bool ok = true;
    for (const auto& c : checks) {
      std::cout << (c.ok ? "ok    " : "FAIL  ") << c.name << ": " << c.detail << "\n";
      ok = ok && c.ok;
    }
    std::cout << (ok ? "dbguard is installed and working\n" : "dbguard is NOT fully working: see FAIL above\n");
    std::exit(ok ? 0 : 1);
  });
}

}  // namespace dbguard::cli
