// What `make TARGET…` would run, found by reading the Makefile — never by
// running make (`make -n` evaluates $(shell …)). Follows prerequisites,
// $(MAKE) recursion within the file (as `make` commands the walker sees again),
// simple variables and literal includes. Conditionals are not evaluated: every
// branch's recipes count, which can only over-report.
#pragma once

#include <string>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard {

struct RecipeLine {
  std::string command;  // after variable expansion, without @ - + prefixes
  std::string origin;   // "Makefile:12 (target reset)"
};

struct MakePlan {
  bool runs_recipes = true;        // false for -n / -q / --help / -p
  std::string directory;           // where the recipes run (-C DIR)
  std::vector<RecipeLine> lines;
  std::string error;               // no makefile, unreadable, target not found
  std::string oversize;            // a makefile (or an include) over the read bound: denied, not skipped
};

MakePlan plan_make(const std::vector<Arg>& argv, const std::string& cwd, std::size_t max_bytes);

}  // namespace dbguard
