// The event's JSON read in one pass, keeping only what the guard reads.
//
// Boost.JSON's SAX parser (basic_parser) reads the bytes and this module builds
// the top-level string fields and `tool_input`; every other value is validated
// and dropped. nlohmann_json's DOM parser, used before, was 40% of a batch's
// time and 14% of a 1 MiB command's: its lexer appends every byte twice.
//
// The JSON accepted is RFC 8259's, as strictly as before: no comments, no
// trailing commas, well-formed UTF-8, no lone surrogates, numbers within a
// double's range. A key given twice takes its last value, as JSON.parse does in
// Claude Code: the guard must read the command that would run.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace dbguard::protocol {

// Far deeper than any tool's input; the parser recurses once per level.
constexpr std::size_t kMaxEventDepth = 1000;

struct EventJson {
  bool root_is_object = false;
  std::optional<std::string> tool_name;  // unset unless the last `tool_name` is a string
  std::optional<nlohmann::json> tool_input;
  // The other fields the guard reads: empty unless the last value is a string.
  std::string cwd, session_id, tool_use_id, hook_event_name;
  // Set by the caller: session_id and tool_use_id are read only for the audit
  // record (batch decisions skip them, two copies an event).
  bool read_ids = true;
};

// Reads `bytes` into `out`. Returns why they are not one JSON value nested at
// most kMaxEventDepth deep (empty when they are).
std::string read_event_json(std::string_view bytes, EventJson& out);

}  // namespace dbguard::protocol
