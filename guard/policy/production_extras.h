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

// What environment entries say of production: the first that marks by a host or
// marker (name or value), and the first that names a production database
// (PGDATABASE=x, a URL's path); "" for none.
struct EnvMarks {
  std::string marker;
  std::string database;
};
EnvMarks env_marks(const ProductionExtras& extras, const Env& env);

// Answers for what many commands share, which the caller remembers: first_marker
// of one of the wrappers' lines (inv.context: every command a wrapper runs carries
// it), and env_marks of one shell's exported variables (inv.exported).
struct SharedMarks {
  std::function<std::string(const SharedText& line)> line;
  std::function<EnvMarks(const SharedEnv& env)> env;
};

// A description of what marks `inv` as production ("host db1.corp.example.com
// (production host *.corp.example.com, managed /etc/dbguard/policy.toml:3)"),
// or "" when nothing does.
std::string production_marker(const ProductionExtras& extras, const Invocation& inv, const SharedMarks& shared);

// What the first word of TEXT that marks production says, or "" (words end at
// blanks, newlines and \x1f).
std::string first_marker(const ProductionExtras& extras, std::string_view text);

// The script the policy names as production that `inv` runs, or "".
std::string production_script(const ProductionExtras& extras, const Invocation& inv);

}  // namespace dbguard::policy
