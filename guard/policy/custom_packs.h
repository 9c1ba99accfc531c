// Custom pattern packs named by a policy ([packs] extra = [...]): loaded over
// the embedded packs and compiled with Hyperscan at first use, then cached on
// disk by content hash ($XDG_CACHE_HOME/dbguard/packs/<sha256>.hsdb), so later
// hook starts deserialize instead of compiling.
//
// A custom pack can only add: it may not define builtin rules, reuse an
// existing id, or add to settings that relax the guard (only reach_programs,
// sql_clients and dynamic_arg_candidates may grow).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "match/matcher.h"
#include "packs/rule.h"
#include "policy/policy.h"

namespace dbguard::policy {

// Appends the rules of `files` to `packs` (a copy of the embedded set).
// Problems name the policy file and line that listed the pack.
void load_extra_packs(const std::vector<Sourced<std::string>>& files, packs::PackSet& packs,
                      std::vector<Problem>& errors, std::string& content_key);

// The matcher for `packs`, from the cache when `content_key` was compiled
// before. Null with `error` when a pattern does not compile.
std::unique_ptr<Matcher> cached_matcher(const packs::PackSet& packs, const std::string& content_key,
                                        std::string& error, bool* from_cache = nullptr);

}  // namespace dbguard::policy
