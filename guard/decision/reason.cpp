#include "decision/reason.h"

namespace dbguard {
namespace {

// A view, cut before it is copied: a segment may be a whole 4 MiB command.
std::string one_line(std::string_view text, std::size_t max = 400) {
  std::string s(text.substr(0, max));
  for (auto& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  if (text.size() > max) s += "…";
  return s;
}

}  // namespace

std::string render_reason(const Decision& d, const packs::PackSet& packs) {
  if (d.findings.empty()) return "";
  const Finding& f = d.findings.front();
  const packs::Rule* rule = packs.find(f.rule);
  std::string out;
  if (f.hard) {
    out += "dbguard HARD BLOCK" + std::string(f.production.empty() ? "" : " — production") + " (rule " + f.rule + ").\n";
  } else if (d.verdict == Verdict::Ask) {
    out += "dbguard asks a person to confirm this command (rule " + f.rule + ", set to ask by policy).\n";
  } else {
    out += "dbguard blocked this command (rule " + f.rule + ").\n";
  }
  out += (d.verdict == Verdict::Ask ? "Command: " : "Blocked: ") + one_line(f.segment.str()) + "\n";
  if (!f.detail.empty()) out += "Seen: " + one_line(f.detail) + (f.source.empty() ? "" : " [" + f.source + "]") + "\n";
  if (!f.production.empty()) out += "Production target: " + one_line(f.production, 200) + "\n";
  if (rule) {
    out += "Why: ";
    out += rule->why;
    out += "\n";
    if (!f.production.empty() && rule->severity != packs::Severity::Hard) {
      if (const auto* prod = packs.find("production.target")) out += "Production: " + std::string(prod->why) + "\n";
    }
  }
  if (f.hard) {
    out += "No agent may do this. This block cannot be overridden: no allowlist, policy, setting or prompt "
           "softens it. A person must do it outside the agent" +
           std::string(f.production.empty() ? ".\n" : ", through the production change process.\n");
  } else if (rule) {
    out += "Instead: " + std::string(rule->alternative) + "\n";
  }
  if (d.findings.size() > 1) {
    out += "Also matched:";
    std::size_t shown = 0;
    for (std::size_t i = 1; i < d.findings.size() && shown < 8; ++i, ++shown)
      out += " " + d.findings[i].rule + (d.findings[i].hard ? " (hard)" : "");
    out += "\n";
  }
  return out;
}

}  // namespace dbguard
