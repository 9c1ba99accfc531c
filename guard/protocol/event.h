// Claude Code's PreToolUse event, read with bounds. Anything that is not a
// well-formed event is reported as an error (the caller denies: fail closed).
#pragma once

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/record.h"
#include "protocol/event_json.h"

namespace dbguard::protocol {

constexpr std::size_t kMaxEventBytes = 4u << 20;  // 4 MiB: larger input is denied unread

struct Event {
  std::string tool_name;
  nlohmann::json tool_input;
  std::string cwd;
  std::string session_id;
  std::string tool_use_id;
  std::string hook_event_name;
};

struct EventResult {
  bool ok = false;
  Event event;
  std::string error;  // why the input is not an event
};

// Reads all of `in`, up to kMaxEventBytes (+1 to detect overflow).
bool read_all_bounded(std::FILE* in, std::string& out, std::size_t max_bytes);

// `read_ids`: the session and tool-use ids too (for the audit record). `reader`:
// which JSON reader (protocol/event_json.h); the tests run each.
EventResult parse_event(const std::string& bytes, bool truncated = false, bool read_ids = true,
                        EventReader reader = EventReader::BySize);

// Whether any string (key or value) anywhere in `j` holds a NUL byte. Iterative:
// the input may nest as deep as the event's bound allows.
bool has_nul_string(const nlohmann::json& j);

// What the audit record says of the call, the tool input moved out of `ev`
// (null when the input is not an event).
audit::EventFields record_fields(EventResult& ev);

}  // namespace dbguard::protocol
