#include "policy/apply.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <memory>

#include "decision/reason.h"
#include "policy/merge.h"

namespace dbguard::policy {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Compiled on first use only: the hook compiles no regular expression unless
// a managed [[allow]] pattern has to be tried.
const RE2& compiled(const std::string& pattern) {
  static std::map<std::string, std::unique_ptr<RE2>> cache;
  auto& slot = cache[pattern];
  if (!slot) slot = std::make_unique<RE2>(pattern, RE2::Quiet);
  return *slot;
}

}  // namespace

bool allow_matches(const AllowEntry& entry, std::string_view command) {
  std::string_view c = trim(command);
  if (!entry.command.empty()) return c == trim(entry.command);
  const RE2& re = compiled(entry.pattern);
  return re.ok() && RE2::FullMatch(c, re);
}

namespace {

// The [[allow]] entry that clears `f`, if any. An entry is matched against the
// segment the finding quotes (one simple command of a list, pipeline, $(…) or
// bash -c), never the whole command line: `docker compose down -v.*` would
// otherwise swallow `docker compose down -v && dropdb app`.
const AllowEntry* allow_for(const Finding& f, const Policy& policy, bool is_bash) {
  if (!is_bash || trim(f.segment.str()).empty()) return nullptr;
  for (const auto& a : policy.allow)
    if (allow_matches(a, f.segment.str())) return &a;
  return nullptr;
}

}  // namespace

void apply(Decision& d, const Policy& policy, const packs::PackSet& packs, std::string_view command) {
  if (d.findings.empty() || (policy.rules.empty() && policy.allow.empty())) return;
  std::vector<std::pair<Action, Finding>> judged;
  for (auto& f : d.findings) {
    const AllowEntry* allowed = allow_for(f, policy, !command.empty());
    Action action = Action::Deny;
    const packs::Rule* rule = packs.find(f.rule);
    bool floor = f.hard || (rule && is_floor_rule(*rule)) || f.rule.rfind("guard.", 0) == 0;
    if (!floor) {
      Origin origin;
      action = policy.action_for(f.rule, &origin);
      if (action != Action::Deny) d.policy.push_back(f.rule + ": " + to_string(action) + " (" + origin.describe() + ")");
      if (allowed && action != Action::Allow) {
        action = Action::Allow;
        d.policy.push_back(f.rule + ": allowed by [[allow]] (" + allowed->origin.describe() + ") for `" +
                           std::string(trim(f.segment.str())) + "`: " + allowed->reason);
      }
    } else if (allowed || policy.action_for(f.rule) != Action::Deny) {
      d.policy.push_back(f.rule + ": stays " + (f.hard ? "hard" : "deny") + " (no policy softens it)");
    }
    judged.emplace_back(action, std::move(f));
  }
  // The finding that decides comes first: deny (hard first), then ask, then allowed ones.
  std::stable_sort(judged.begin(), judged.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second.hard > b.second.hard;
  });
  Action verdict = judged.front().first;
  d.findings.clear();
  for (auto& [a, f] : judged) d.findings.push_back(std::move(f));
  d.hard = verdict == Action::Deny && d.findings.front().hard;
  switch (verdict) {
    case Action::Deny: d.verdict = Verdict::Deny; break;
    case Action::Ask: d.verdict = Verdict::Ask; break;
    case Action::Allow: d.verdict = Verdict::Allow; break;
  }
  d.reason = d.verdict == Verdict::Allow ? "" : render_reason(d, packs);
}

}  // namespace dbguard::policy
