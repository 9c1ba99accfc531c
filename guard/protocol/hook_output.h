// The hook's contract with Claude Code, byte for byte:
//   allow → exit 0, nothing on stdout or stderr (never permissionDecision "allow":
//           that would skip the user's own permission prompt)
//   ask   → exit 0, stdout {"hookSpecificOutput":{"hookEventName":"PreToolUse",
//           "permissionDecision":"ask","permissionDecisionReason":"…"}}
//   deny  → exit 2, the reason on stderr, nothing on stdout
// No other exit code is ever produced: Claude Code runs the command on any other.
#pragma once

#include <string>

#include "decision/decision.h"

namespace dbguard::protocol {

struct HookOutput {
  int exit_code = 2;
  std::string stdout_text;
  std::string stderr_text;
};

HookOutput render_hook(const Decision& d);

// `dbguard check --json`: {"decision":…,"hard":…,"rules":[…],"reason":…}
std::string render_check_json(const Decision& d);
int check_exit_code(const Decision& d);  // 0 allow, 2 deny, 3 ask

}  // namespace dbguard::protocol
