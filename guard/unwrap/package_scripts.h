// What `npm run X` / `yarn X` / `pnpm X` / `bun run X` would run: the script
// (with its pre/post scripts) looked up in package.json. Nothing is executed.
#pragma once

#include <string>
#include <vector>

#include "unwrap/invocation.h"
#include "unwrap/makefile.h"

namespace dbguard {

struct ScriptPlan {
  bool applies = false;           // the command runs a package script
  std::string directory;          // where the scripts run
  std::vector<RecipeLine> lines;  // pre<X>, X, post<X>
  std::string error;              // no package.json, no such script
  std::string oversize;           // package.json over the read bound: denied, not skipped
  std::string unresolved;         // a workspace (-w, --filter, yarn workspace) not found: judged as an unreadable script
};

ScriptPlan plan_package_script(const std::vector<Arg>& argv, const std::string& cwd, std::size_t max_bytes);

}  // namespace dbguard
