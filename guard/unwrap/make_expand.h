// Make's variable and function expansion, done by reading — never by running
// make. Functions whose value decides which commands run are evaluated (call,
// foreach, if, subst, patsubst, ...); $(shell …) becomes a command substitution
// the walker sees. Constructs whose result cannot be known by reading ($(eval …),
// $(file <…), $(guile …)) are reported, so the caller can fail closed.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace dbguard {

struct MakeScope {
  const std::map<std::string, std::string>* vars = nullptr;  // the makefile's variables
  std::string target;                                       // $@
  std::vector<std::string> prereqs;                         // $< $^ $+
  std::string stem;                                         // $* (pattern rules)
  std::vector<std::string> params;                          // $(0) $(1) … inside $(call …)
  std::map<std::string, std::string> locals;                // $(foreach VAR,…) bindings
  std::string make_program = "make";                        // what $(MAKE) runs ("make -n" under a dry run)
  bool used_make = false;                                   // $(MAKE) was expanded
  std::string unknowable;                                   // set when a construct hides what runs
  // Deciding a conditional (ifeq …): a variable that is undefined (make takes it from the
  // environment) or in `uncertain`, or a function not evaluated exactly, sets `undecided`.
  bool deciding = false;
  const std::set<std::string>* uncertain = nullptr;
  bool undecided = false;
};

std::string make_expand(const std::string& s, MakeScope& scope, int depth = 0);

std::vector<std::string> make_words(const std::string& s);
std::string make_trim(const std::string& s);

// Whether WORD matches PATTERN (at most one %), and the part % stood for.
bool make_match_pattern(const std::string& pattern, const std::string& word, std::string& stem);

}  // namespace dbguard
