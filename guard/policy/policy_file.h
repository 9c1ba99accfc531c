// Reads one policy file (TOML) into what it says, without judging it against
// the other layers. Every problem names the file, the line and the key.
//
//   [production]  hosts, markers, scripts, databases   (arrays of strings)
//   [rules]       "pack.rule" = "deny" | "ask" | "allow"
//   [[allow]]     command = "…" or pattern = "…" (RE2, whole segment), reason = "…"
//   [packs]       extra = ["file.toml", …]   (relative to the policy file)
//   [audit]       path, key_file, required, log_allows, rotate_bytes
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "policy/policy.h"

namespace dbguard::policy {

struct LayerData {
  Layer layer = Layer::Builtin;
  std::string path;
  std::vector<Problem> errors;
  ProductionExtras production;
  std::vector<std::pair<std::string, Sourced<std::string>>> rules;  // rule id → action as written
  std::vector<AllowEntry> allow;
  std::vector<Sourced<std::string>> extra_packs;
  std::optional<Sourced<std::string>> audit_path, key_file;
  std::optional<Sourced<bool>> required, log_allows;
  std::optional<Sourced<std::uint64_t>> rotate_bytes;
};

LayerData parse_policy_file(const std::string& path, Layer layer);

// The same, from text (tests; `path` is only used in messages and for relative paths).
LayerData parse_policy_text(const std::string& text, const std::string& path, Layer layer);

}  // namespace dbguard::policy
