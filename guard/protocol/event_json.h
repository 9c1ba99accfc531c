// The event's JSON read in one pass, keeping only what the guard reads
// (protocol/event_builder: the top-level string fields and `tool_input`; every
// other value is validated and dropped).
//
// Two SAX readers, each where it is fast. Boost.JSON's finds the end of a string
// with SSE2 until its first escape, and then reads it a byte at a time (its own
// "TODO"): two thirds of a 1 MiB here-document's instructions. RapidJSON's
// copies the unescaped runs between escapes with SSE2, but takes a string's first
// bytes, up to 16-byte alignment, one at a time: 25% more per small event, most of
// a batch. So a small event is read by Boost.JSON, a large one by RapidJSON. Both
// are held to the same answers: the unit tests and the hook_input fuzz target run
// each on every input against nlohmann_json's DOM parser (tests/protocol/event_oracle.h).
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

// Far deeper than any tool's input.
constexpr std::size_t kMaxEventDepth = 1000;
// Values in `tool_input` (strings, numbers, objects and arrays, itself included): far
// more than any tool's input (the engine reads at most 1,000 strings of an MCP tool's),
// and a bound on the tree the guard reads it into, where small values are large (`1,`
// is two bytes of text and about a hundred of tree): an event at its 4 MiB bound held
// 70 MiB of them.
constexpr std::size_t kMaxToolInputValues = 20000;

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

enum class EventReader {
  BySize,     // Boost.JSON below kLargeEventBytes, RapidJSON from there
  BoostJson,
  RapidJson,
};
constexpr std::size_t kLargeEventBytes = 4096;

// Reads `bytes` into `out`. Returns why they are not one JSON value nested at
// most kMaxEventDepth deep (empty when they are).
std::string read_event_json(std::string_view bytes, EventJson& out, EventReader reader = EventReader::BySize);

}  // namespace dbguard::protocol
