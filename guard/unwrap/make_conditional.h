// make's conditional directives (ifeq, ifneq, ifdef, ifndef), decided by reading:
// only from what the makefile itself and the command line set. A variable the
// environment could set (undefined in the file, `?=`, `+=` onto nothing, `!=`),
// a function not evaluated exactly ($(shell …), $(wildcard …)) or make -e leaves
// the condition undecided, and then every branch is judged, as before.
#pragma once

#include <map>
#include <set>
#include <string>

namespace dbguard {

enum class MakeTruth { False, True, Unknown };

// `directive` is ifeq / ifneq / ifdef / ifndef, `args` the text after it.
MakeTruth make_condition(const std::string& directive, const std::string& args,
                         const std::map<std::string, std::string>& vars, const std::set<std::string>& uncertain);

// Whether TEXT expands to the same value whatever the environment holds.
bool make_expands_certainly(const std::string& text, const std::map<std::string, std::string>& vars,
                            const std::set<std::string>& uncertain);

}  // namespace dbguard
