// Production as the policy names it: extra host globs, name markers, script
// names and database names ([production] in any layer). A match makes the
// invocation a production target, exactly like the built-in markers: every
// destructive finding on it becomes a hard block, and production-only rules
// (a database client aimed at production, even for a read) apply.
#pragma once

#include <string>

#include "policy/policy.h"
#include "unwrap/invocation.h"

namespace dbguard::policy {

// A description of what marks `inv` as production ("host db1.corp.example.com
// (production host *.corp.example.com, managed /etc/dbguard/policy.toml:3)"),
// or "" when nothing does.
std::string production_marker(const ProductionExtras& extras, const Invocation& inv);

// The script the policy names as production that `inv` runs, or "".
std::string production_script(const ProductionExtras& extras, const Invocation& inv);

}  // namespace dbguard::policy
