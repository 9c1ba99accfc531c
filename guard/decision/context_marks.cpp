#include "decision/context_marks.h"

#include <algorithm>

#include "match/haystack.h"
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

ContextMarks::LineAnswers& ContextMarks::answers(const SharedText& line) {
  for (auto& [held, a] : lines_)
    if (held.same_as(line)) return a;
  // Lines whose commands are all judged are held by nothing else: let them go.
  std::erase_if(lines_, [](const auto& entry) { return entry.first.holders() == 1; });
  return lines_.emplace_back(line, LineAnswers{}).second;
}

ContextMarks::EnvAnswers& ContextMarks::answers(const SharedEnv& env) {
  for (auto& [held, a] : envs_)
    if (held == env) return a;
  std::erase_if(envs_, [](const auto& entry) { return entry.first.use_count() == 1; });
  return envs_.emplace_back(env, EnvAnswers{}).second;
}

std::string ContextMarks::production(const SharedText& line, bool followed) {
  std::optional<std::string>& known = answers(line).production[followed ? 1 : 0];
  if (known) return *known;
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
  return *(known = std::move(production));
}

std::string ContextMarks::policy_production(const SharedText& line, const policy::ProductionExtras& extras) {
  LineAnswers& a = answers(line);
  if (a.policy && a.extras == &extras) return *a.policy;
  ++scans_;
  a.extras = &extras;
  return *(a.policy = policy::first_marker(extras, line.str()));
}

std::string ContextMarks::env_production(const SharedEnv& env) {
  std::optional<std::string>& known = answers(env).production;
  if (known) return *known;
  ++scans_;
  // Entry by entry, each as a haystack's line (no marker spans two), in one buffer:
  // a value may be megabytes.
  std::string production, line;
  for (const auto& [name, value] : *env) {
    line.assign("\n").append(name).append("=").append(canonical_arg(value)).append("\n");
    if (marks_production(matcher_, packs_, line)) {
      production = cut_text(printable(line.substr(1, line.size() - 2)), kShownProductionBytes);
      break;
    }
  }
  return *(known = std::move(production));
}

policy::EnvMarks ContextMarks::policy_env(const SharedEnv& env, const policy::ProductionExtras& extras) {
  EnvAnswers& a = answers(env);
  if (a.policy && a.extras == &extras) return *a.policy;
  ++scans_;
  a.extras = &extras;
  return *(a.policy = policy::env_marks(extras, *env));
}

}  // namespace dbguard
