// Production as the policy names it: extra host globs, name markers, script
// names and database names ([production] in any layer). A match makes the
// invocation a production target, exactly like the built-in markers: every
// destructive finding on it becomes a hard block, and production-only rules
// (a database client aimed at production, even for a read) apply.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "policy/policy.h"
#include "support/shared_text.h"
#include "unwrap/invocation.h"

namespace dbguard::policy {

// A description of what marks `inv` as production ("host db1.corp.example.com
// (production host *.corp.example.com, managed /etc/dbguard/policy.toml:3)"),
// or "" when nothing does.
// LINE_MARKER answers first_marker for one of the wrappers' lines (inv.context):
// every command a wrapper runs carries its line, so the caller remembers the answer.
using LineMarker = std::function<std::string(const SharedText& line)>;
std::string production_marker(const ProductionExtras& extras, const Invocation& inv, const LineMarker& line_marker);

// What the first word of TEXT that marks production says, or "" (words end at
// blanks, newlines and \x1f).
std::string first_marker(const ProductionExtras& extras, std::string_view text);

// The script the policy names as production that `inv` runs, or "".
std::string production_script(const ProductionExtras& extras, const Invocation& inv);

}  // namespace dbguard::policy
