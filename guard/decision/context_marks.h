// Production markers in the lines of wrappers that carry a target (ssh HOST
// '<script>', kubectl --context prod exec … -- sh -c '<script>'). Every command
// the wrapper runs carries its line; each line is looked at once per walk, not
// once per command: a 3,000-command script over ssh scanned its whole line (and
// copied it into a haystack) 3,000 times, quadratic, past the time budget at 40 KB.
// The variables a shell exported are shared the same way (Invocation::exported),
// and looked at once per list of them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "match/matcher.h"
#include "packs/rule.h"
#include "policy/policy.h"
#include "policy/production_extras.h"
#include "support/shared_text.h"

namespace dbguard {

// Whether a production marker of PACKS matches PIECE.
bool marks_production(const Matcher& matcher, const packs::PackSet& packs, std::string_view piece);

// What a finding says marks production is cut to this (reason.cpp shows 200 bytes).
constexpr std::size_t kShownProductionBytes = 240;

class ContextMarks {
 public:
  ContextMarks(const Matcher& matcher, const packs::PackSet& packs) : matcher_(matcher), packs_(packs) {}

  // What LINE says of production: "" when no marker matches it, else the text a
  // finding shows (the line, cut, and the word that marks when it is cut off).
  // The line is matched as it stood in a haystack (haystack.h): its newlines as
  // \x1f, after a newline, and followed by one when FOLLOWED (another line comes
  // after it), so a marker sees the same characters around it either way.
  std::string production(const SharedText& line, bool followed);

  // What LINE says of production as the policy names it (policy::first_marker),
  // also worked out once per line.
  std::string policy_production(const SharedText& line, const policy::ProductionExtras& extras);

  // What ENV (one shell's exported variables) says of production: its first entry a
  // marker matches, as NAME=value (cut), or "". An entry is matched as it stood in
  // a haystack: after a newline and before one.
  std::string env_production(const SharedEnv& env);

  // What ENV says of production as the policy names it (policy::env_marks).
  policy::EnvMarks policy_env(const SharedEnv& env, const policy::ProductionExtras& extras);

  // Lines and lists looked at so far: matched (a line at most twice: followed or
  // not) or read for the policy (once each).
  std::size_t scans() const { return scans_; }
  // Lines and lists remembered now.
  std::size_t held() const { return lines_.size() + envs_.size(); }

 private:
  std::string name(const std::string& canonical) const;

  // Every answer worked out for one line or list, in one entry that holds it (its
  // address names it, and nothing else can take that address while it is held):
  // one holder here, so an entry nothing else holds any more is let go.
  struct LineAnswers {
    std::optional<std::string> production[2];  // not followed, followed
    const policy::ProductionExtras* extras = nullptr;
    std::optional<std::string> policy;
  };
  struct EnvAnswers {
    std::optional<std::string> production;
    const policy::ProductionExtras* extras = nullptr;
    std::optional<policy::EnvMarks> policy;
  };
  LineAnswers& answers(const SharedText& line);
  EnvAnswers& answers(const SharedEnv& env);

  const Matcher& matcher_;
  const packs::PackSet& packs_;
  std::vector<std::pair<SharedText, LineAnswers>> lines_;
  std::vector<std::pair<SharedEnv, EnvAnswers>> envs_;
  std::size_t scans_ = 0;
};

}  // namespace dbguard
