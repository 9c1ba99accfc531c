// `dbguard doctor`: is the guard really installed and working? Each check is
// one line; any failure makes doctor exit 1.
//   settings   a settings file holds dbguard's PreToolUse hook
//   matcher    it screens Bash, MCP tools, and Write/Edit (self-protection)
//   fail-closed  the command ends in `|| exit 2`, with a timeout
//   binary     the program it runs exists, is executable, and is dbguard
//   probe      through the installed command: a destructive call is denied,
//              a benign one allowed (exit 0, nothing on stdout)
//   policy     the policy files are valid and nothing in them is ignored
//   audit      the audit log can be written and its chain is intact
#pragma once

#include <string>
#include <vector>

namespace dbguard::install {

struct DoctorOptions {
  std::string settings;  // a settings file to check; default: user and project settings
  std::string cwd;       // the project directory (policy, project settings)
};

struct DoctorCheck {
  bool ok = false;
  std::string name;
  std::string detail;
};

std::vector<DoctorCheck> run_doctor(const DoctorOptions& options);

}  // namespace dbguard::install
