// Production markers in the lines of wrappers that carry a target (ssh HOST
// '<script>', kubectl --context prod exec … -- sh -c '<script>'). Every command
// the wrapper runs carries its line; each line is looked at once per walk, not
// once per command: a 3,000-command script over ssh scanned its whole line (and
// copied it into a haystack) 3,000 times, quadratic, past the time budget at 40 KB.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "match/matcher.h"
#include "packs/rule.h"
#include "policy/policy.h"
#include "support/shared_text.h"

namespace dbguard {

// Whether a production marker of PACKS matches PIECE.
bool marks_production(const Matcher& matcher, const packs::PackSet& packs, std::string_view piece);

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

  // Lines looked at so far: matched (at most twice each: followed or not) or read
  // for the policy (once each).
  std::size_t scans() const { return scans_; }
  // Lines remembered now.
  std::size_t held() const { return seen_.size() + policy_seen_.size(); }

 private:
  std::string name(const std::string& canonical) const;

  struct Seen {
    SharedText line;  // held: its address names it, and no other line can take it while held
    bool followed;
    std::string production;
  };
  const Matcher& matcher_;
  const packs::PackSet& packs_;
  std::vector<Seen> seen_;
  struct PolicySeen {
    SharedText line;
    const policy::ProductionExtras* extras;
    std::string production;
  };
  std::vector<PolicySeen> policy_seen_;
  std::size_t scans_ = 0;
};

}  // namespace dbguard
