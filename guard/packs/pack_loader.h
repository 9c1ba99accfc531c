// Loads and validates pattern packs (TOML). Used at build time by the pack
// compiler and at run time by `dbguard patterns validate`. Every error names
// the file, the rule and what is wrong.
#pragma once

#include <string>
#include <vector>

#include "packs/rule.h"

namespace dbguard::packs {

// Pattern macros, so packs stay readable. Commands are matched as their argv
// joined by single spaces; spaces inside one argument become \x1f and an
// argument only known at run time starts with \x1e.
//   {args}  any number of arguments      (?: [^ ]*)*
//   {end}   end of an argument           (?: |$)
//   {opts}  any number of options (-x, --flag) but no operands
//   {dyn}   an argument known at run time
std::string expand_macros(const std::string& pattern);

// Appends the rules of one pack file. Returns false (with errors) on any problem.
bool load_pack_file(const std::string& path, PackSet& out, std::vector<std::string>& errors);

// Loads every *.toml in a directory, sorted by name.
bool load_pack_dir(const std::string& dir, PackSet& out, std::vector<std::string>& errors);

// Cross-pack checks: unique ids, every pattern compiles with Hyperscan, every
// `unless` compiles with RE2, the engine's builtin ids exist.
bool validate(const PackSet& packs, std::vector<std::string>& errors);

// The rule ids the engine raises itself; a pack set must define them all.
const std::vector<std::string>& required_builtin_ids();

}  // namespace dbguard::packs
