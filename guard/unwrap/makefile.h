// What `make TARGET…` would run, found by reading the Makefile — never by
// running make (`make -n` evaluates $(shell …)). Follows prerequisites,
// $(MAKE) recursion within the file (as `make` commands the walker sees again),
// variables, canned recipes (define … endef, $(call …)), pattern rules and
// literal includes. Conditionals are decided when the makefile's own variables
// and the command line's decide them (make_conditional.h): only the branch make
// reads counts; an undecided one (the environment, $(shell …)) has every branch
// count, which can only over-report. Under make -n / -q / -t only the lines make
// still runs (`+` lines and $(MAKE) lines) are listed. What only a running make
// knows ($(eval …) in a recipe, a goal that only $(eval …) could define) is
// listed as unknowable, for the caller to judge like an unreadable script.
#pragma once

#include <string>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard {

struct RecipeLine {
  std::string command;  // after variable expansion, without @ - + prefixes
  std::string origin;   // "Makefile:12 (target reset)"
};

struct Unknowable {
  std::string detail;      // where, and what hides the commands
  std::string reach_text;  // the target and its recipe text, to judge whether it suggests database reach
};

struct MakePlan {
  bool runs_recipes = true;        // false for --help / --version
  bool dry_run = false;            // -n / -q / -t: only `+` and $(MAKE) lines run
  std::string directory;           // where the recipes run (-C DIR)
  std::vector<RecipeLine> lines;
  std::string error;               // no makefile, unreadable, target not found
  std::vector<Unknowable> unknowable;
  std::string oversize;            // a makefile (or an include) over the read bound: denied, not skipped
};

// `env_overrides`: the environment may override the makefile's variables (MAKEFLAGS
// is set for the command): no conditional is decided.
MakePlan plan_make(const std::vector<Arg>& argv, const std::string& cwd, std::size_t max_bytes,
                   bool env_overrides = false);

}  // namespace dbguard
