#include "decision/context_marks.h"

#include <algorithm>

#include "policy/production_extras.h"
#include "support/text.h"

namespace dbguard {

namespace {

// Shown whole up to this size; a longer line is cut, and names its marking word.
constexpr std::size_t kShownLineBytes = 160;
constexpr std::size_t kShownWordBytes = 80;

}  // namespace

bool marks_production(const Matcher& matcher, const packs::PackSet& packs, std::string_view piece) {
  for (const auto& h : matcher.scan(piece))
    if (packs.rules[h.rule].kind == packs::RuleKind::Marker) return true;
  return false;
}

// The first word of the line that marks on its own, as an argument does; the line
// itself when none does (the marker spans words: `--context prod`).
std::string ContextMarks::name(const std::string& canonical) const {
  std::size_t start = 1;  // after the leading newline
  const std::size_t end = canonical.size() - (canonical.back() == '\n' ? 1 : 0);
  while (start < end) {
    std::size_t stop = std::min(canonical.find(' ', start), end);
    if (stop > start && marks_production(matcher_, packs_, std::string_view(canonical).substr(start, stop - start))) {
      std::string word = canonical.substr(start, stop - start);
      std::replace(word.begin(), word.end(), '\x1f', ' ');
      return word;
    }
    start = stop + 1;
  }
  return "";
}

std::string ContextMarks::production(const SharedText& line, bool followed) {
  for (const auto& s : seen_)
    if (s.line.same_as(line) && s.followed == followed) return s.production;
  // Lines whose commands are all judged are held by nothing else: let them go.
  std::erase_if(seen_, [](const Seen& s) { return s.line.holders() == 1; });

  const std::string& text = line.str();
  std::string canonical;
  canonical.reserve(text.size() + 2);
  canonical += '\n';
  canonical += text;
  std::replace_if(canonical.begin() + 1, canonical.end(), [](char c) { return c == '\n' || c == '\r'; }, '\x1f');
  if (followed) canonical += '\n';
  ++scans_;
  std::string production;
  if (marks_production(matcher_, packs_, canonical)) {
    std::string shown = text.size() <= kShownLineBytes ? text : cut_text(text, kShownLineBytes);
    std::replace_if(shown.begin(), shown.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    production = "via `" + shown + "`";
    if (text.size() > kShownLineBytes) {
      std::string word = name(canonical);
      if (!word.empty() && shown.find(word) == std::string::npos) production += ": " + cut_text(word, kShownWordBytes);
    }
  }
  seen_.push_back({line, followed, std::move(production)});
  return seen_.back().production;
}

std::string ContextMarks::policy_production(const SharedText& line, const policy::ProductionExtras& extras) {
  for (const auto& s : policy_seen_)
    if (s.line.same_as(line) && s.extras == &extras) return s.production;
  std::erase_if(policy_seen_, [](const PolicySeen& s) { return s.line.holders() == 1; });
  ++scans_;
  policy_seen_.push_back({line, &extras, policy::first_marker(extras, line.str())});
  return policy_seen_.back().production;
}

}  // namespace dbguard
