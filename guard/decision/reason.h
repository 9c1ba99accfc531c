// The text the agent reads when a call is blocked: what was blocked (the exact
// segment), the rule, why it destroys data, and what to do instead. A
// production hard block says that no agent may do it and nothing overrides it.
#pragma once

#include <string>

#include "decision/decision.h"
#include "packs/rule.h"

namespace dbguard {

std::string render_reason(const Decision& d, const packs::PackSet& packs);

}  // namespace dbguard
