// Small text helpers shared by stages that look at partly known text.
#pragma once

#include <cstring>
#include <string>
#include <string_view>

namespace dbguard {

// True when a text is nothing but run-time expansions ($X, ${X}, $(…)) and
// punctuation: the guard cannot know what it will say.
bool only_placeholders(const std::string& text);

// TEXT cut to at most MAX bytes at a UTF-8 character's start, "…" marking the cut:
// for text a finding holds and shows (a name may be a megabyte argument).
std::string cut_text(std::string_view text, std::size_t max);

// A piece of a haystack (match/haystack.h) as a message shows it: \x1f (whitespace
// inside an argument) as a space, \x1e (a run-time part) as ~.
std::string printable(std::string s);

// True when a word has a glob character (* ? [): the shell would match it against
// files. Three memchr scans (vectorized) rather than one loop comparing each
// character three times: most words have none, and every path of a long command
// is asked (find_first_of with a set is slower still: it searches the set per character).
inline bool has_glob(std::string_view s) {
  if (s.empty()) return false;
  return std::memchr(s.data(), '*', s.size()) || std::memchr(s.data(), '?', s.size()) ||
         std::memchr(s.data(), '[', s.size());
}

// The last component of a path: after its last '/' (all of it without one).
inline std::string_view basename_of(std::string_view path) {
  auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace dbguard
