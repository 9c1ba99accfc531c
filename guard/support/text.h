// Small text helpers shared by stages that look at partly known text.
#pragma once

#include <string>
#include <string_view>

namespace dbguard {

// True when a text is nothing but run-time expansions ($X, ${X}, $(…)) and
// punctuation: the guard cannot know what it will say.
bool only_placeholders(const std::string& text);

// True when a word has a glob character (* ? [): the shell would match it against
// files. One pass: find_first_of with a set searches the set once per character.
inline bool has_glob(std::string_view s) {
  for (char c : s)
    if (c == '*' || c == '?' || c == '[') return true;
  return false;
}

// The last component of a path: after its last '/' (all of it without one).
inline std::string_view basename_of(std::string_view path) {
  auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace dbguard
