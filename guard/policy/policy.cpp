#include "policy/policy.h"

namespace dbguard::policy {

const char* to_string(Layer l) {
  switch (l) {
    case Layer::Builtin: return "built-in";
    case Layer::Env: return "env";
    case Layer::Managed: return "managed";
    case Layer::User: return "user";
    case Layer::Project: return "project";
  }
  return "?";
}

const char* to_string(Action a) {
  switch (a) {
    case Action::Allow: return "allow";
    case Action::Ask: return "ask";
    case Action::Deny: return "deny";
  }
  return "deny";
}

std::string Origin::describe() const {
  switch (layer) {
    case Layer::Builtin: return "built-in";
    case Layer::Env: return "env " + file;
    default: return std::string(to_string(layer)) + " " + file + (line > 0 ? ":" + std::to_string(line) : "");
  }
}

std::string Problem::text() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!key.empty()) out += "`" + key + "`: ";
  return out + message;
}

bool Policy::any_file() const {
  for (const auto& f : files)
    if (f.present) return true;
  return false;
}

Action Policy::action_for(const std::string& rule_id, Origin* origin) const {
  auto it = rules.find(rule_id);
  if (it == rules.end()) return Action::Deny;
  if (origin) *origin = it->second.origin;
  return it->second.value;
}

}  // namespace dbguard::policy
