// Static word expansion: what a word would become when the shell runs it, as
// far as that is knowable without running anything. Unknown parts are kept as
// dynamic text; command substitutions are handed back so the walker can
// analyse the commands inside them.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "shell/ast.h"
#include "unwrap/invocation.h"
#include "unwrap/scope.h"

namespace dbguard {

struct Expansion {
  std::vector<Arg> args;                     // one word may yield several (field splitting)
  std::vector<std::string> var_refs;         // every variable named (when collect_refs)
  std::vector<shell::ListPtr> substitutions; // $( ), backticks, <( ) — they run
  // Off where no one reads the names: a here-document's body (at the bound, 100,000
  // `$USER`s made a list of 7 MiB).
  bool collect_refs = true;
};

// Expands one word. `split` applies field splitting to unquoted expansions
// (command words); assignment values are not split.
void expand_word(const shell::Word& word, const Scope& scope, bool split, Expansion& out);

// Expands to exactly one Arg (assignment values, redirection targets).
Arg expand_single(const shell::Word& word, const Scope& scope, Expansion& out);

// Bash brace expansion of text whose braces all count (a{b,c}d -> abd acd, nested
// groups, {1..3}); a word without a group is itself. At most 256 words: past that, the
// first 255 and the word as written.
std::vector<std::string> brace_expansions(const std::string& text);

}  // namespace dbguard
