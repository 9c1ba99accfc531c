#include "protocol/hook_output.h"

#include <nlohmann/json.hpp>

namespace dbguard::protocol {

HookOutput render_hook(const Decision& d) {
  HookOutput out;
  switch (d.verdict) {
    case Verdict::Allow:
      out.exit_code = 0;
      break;
    case Verdict::Ask: {
      nlohmann::json j = {{"hookSpecificOutput",
                           {{"hookEventName", "PreToolUse"},
                            {"permissionDecision", "ask"},
                            {"permissionDecisionReason", d.reason}}}};
      out.exit_code = 0;
      out.stdout_text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
      break;
    }
    case Verdict::Deny:
      out.exit_code = 2;
      out.stderr_text = d.reason.empty() ? "dbguard: blocked\n" : d.reason;
      break;
  }
  return out;
}

std::string render_check_json(const Decision& d) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& f : d.findings) {
    bool dup = false;
    for (const auto& r : rules) dup = dup || r == f.rule;
    if (!dup) rules.push_back(f.rule);
  }
  nlohmann::ordered_json j = {{"decision", to_string(d.verdict)}, {"hard", d.hard}, {"rules", rules}, {"reason", d.reason}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int check_exit_code(const Decision& d) {
  switch (d.verdict) {
    case Verdict::Allow: return 0;
    case Verdict::Ask: return 3;
    case Verdict::Deny: return 2;
  }
  return 2;
}

}  // namespace dbguard::protocol
