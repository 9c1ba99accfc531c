// Applies a policy to a decision the packs made: per-rule actions for
// non-hard rules (deny | ask | allow) and the managed [[allow]] entries.
// Hard findings (production, self-protection, hard rules) are never touched.
#pragma once

#include <string_view>

#include "decision/decision.h"
#include "packs/rule.h"
#include "policy/policy.h"

namespace dbguard::policy {

// `command`: the Bash command ("" for other tools; [[allow]] entries apply to
// Bash commands only). An [[allow]] entry clears only the findings whose
// segment (the simple command the finding quotes) it matches. Recomputes verdict, order of findings (the one that
// decides first) and reason; notes what the policy changed in `d.policy`.
void apply(Decision& d, const Policy& policy, const packs::PackSet& packs, std::string_view command);

// Whether an [[allow]] entry matches a whole command (or segment): exactly, or
// the pattern over all of it.
bool allow_matches(const AllowEntry& entry, std::string_view command);

}  // namespace dbguard::policy
