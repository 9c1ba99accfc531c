// One audit record for one decision. The chain fields (seq, alg, prev, hash)
// are added by append_record under the log's lock.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "decision/decision.h"

namespace dbguard::audit {

struct EventFields {
  std::string session_id;
  std::string tool_use_id;
  std::string cwd;
  std::string tool;
  nlohmann::json tool_input;  // null when the event could not be read
};

constexpr std::size_t kMaxCommandBytes = 16384;  // longer commands are cut (and say so)
constexpr std::size_t kMaxReasonBytes = 4096;

// time (UTC, RFC 3339, microseconds), session_id, tool_use_id, cwd, tool,
// command (Bash) / sql (MCP SQL fields) / input (anything else), all with
// secrets redacted; decision, hard, rules, reason, policy (rules a policy
// softened), version.
nlohmann::json build_record(const EventFields& event, const Decision& decision);

// Now, as RFC 3339 UTC with microseconds: 2025-06-01T12:34:56.123456Z.
std::string now_rfc3339();
// A time as now_rfc3339 writes it.
std::string rfc3339_utc(std::chrono::sys_time<std::chrono::microseconds> t);

}  // namespace dbguard::audit
