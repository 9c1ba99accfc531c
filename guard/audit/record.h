// One audit record for one decision. The chain fields (seq, alg, prev, hash)
// are added by append_record under the log's lock.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

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

// What a record says of the call: its members from session_id to input above,
// every one a string, redacted and cut. At most a few tens of KiB whatever the
// event's size: the hook hands these, not a large event's bytes, to the record
// of a timeout (protocol/failure_record).
nlohmann::json call_fields(const EventFields& event);
// The record of `decision` about the call that `call` (call_fields) describes.
nlohmann::json build_record(nlohmann::json call, const Decision& decision);
// The members call_fields makes, by name.
bool is_call_field(std::string_view name);

// Now, as RFC 3339 UTC with microseconds: 2025-06-01T12:34:56.123456Z.
std::string now_rfc3339();
// A time as now_rfc3339 writes it.
std::string rfc3339_utc(std::chrono::sys_time<std::chrono::microseconds> t);

}  // namespace dbguard::audit
