// The event's reader as it was before Boost.JSON: nlohmann_json's DOM parser.
// Kept as the oracle of differential tests (event_json_test and the hook_input
// fuzz target): on any bytes, parse_event must accept what it accepted, refuse
// what it refused, and read the same fields, with each of its JSON readers.
//
// It shares one helper with the guard: has_nul_string (the NUL check, which the
// reader change did not touch).
//
// Three differences are intended and excluded: a leading UTF-8 byte-order mark
// (nlohmann skipped it; JSON.parse and now the guard refuse it), nesting past
// kMaxEventDepth and a tool_input of more than kMaxToolInputValues values (both now
// refused; nlohmann's DOM had no bound. Values a repeated key replaced are not in the
// DOM to count: no case here repeats a key that often).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/event.h"
#include "protocol/event_json.h"

namespace dbguard::protocol::oracle {

inline std::size_t depth_of(const nlohmann::json& j) {
  std::size_t deepest = 0;
  std::vector<std::pair<const nlohmann::json*, std::size_t>> todo = {{&j, 0}};
  while (!todo.empty()) {
    auto [n, d] = todo.back();
    todo.pop_back();
    if (!n->is_structured()) continue;
    deepest = std::max(deepest, d + 1);
    for (const auto& e : *n) todo.push_back({&e, d + 1});
  }
  return deepest;
}

inline std::size_t values_of(const nlohmann::json& j) {
  std::size_t n = 0;
  std::vector<const nlohmann::json*> todo = {&j};
  while (!todo.empty()) {
    const nlohmann::json* v = todo.back();
    todo.pop_back();
    ++n;
    if (v->is_structured())
      for (const auto& e : *v) todo.push_back(&e);
  }
  return n;
}

struct OldResult {
  bool ok = false;
  bool excluded = false;  // one of the two intended differences
  Event event;
};

inline OldResult old_parse_event(const std::string& bytes) {
  OldResult r;
  if (bytes.find_first_not_of(" \t\r\n") == std::string::npos) return r;
  nlohmann::json j = nlohmann::json::parse(bytes.data(), bytes.data() + bytes.size(), nullptr, false);
  if (j.is_discarded() || bytes.find('\0') != std::string::npos) return r;
  if (bytes.rfind("\xEF\xBB\xBF", 0) == 0 || depth_of(j) > kMaxEventDepth ||
      (j.is_object() && j.contains("tool_input") && values_of(j["tool_input"]) > kMaxToolInputValues)) {
    r.excluded = true;
    return r;
  }
  if (!j.is_object()) return r;
  auto name = j.find("tool_name");
  if (name == j.end() || !name->is_string()) return r;
  r.event.tool_name = name->get<std::string>();
  auto input = j.find("tool_input");
  r.event.tool_input = input != j.end() ? *input : nlohmann::json::object();
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  r.event.cwd = str("cwd");
  r.event.session_id = str("session_id");
  r.event.tool_use_id = str("tool_use_id");
  r.event.hook_event_name = str("hook_event_name");
  bool judged = r.event.tool_name == "Bash" || r.event.tool_name.rfind("mcp__", 0) == 0;
  if (judged && has_nul_string(r.event.tool_input)) return r;
  r.ok = true;
  return r;
}

// Empty when parse_event (with `reader`) and the old reader agree on `bytes`;
// else how they differ.
inline std::string disagreement(const std::string& bytes, EventReader reader) {
  OldResult old = old_parse_event(bytes);
  EventResult now = parse_event(bytes, false, true, reader);
  if (old.excluded) return now.ok ? "accepted what is excluded (BOM or too deep)" : "";
  if (old.ok != now.ok) return old.ok ? "refused (" + now.error + ") what was accepted" : "accepted what was refused";
  if (!now.ok) return "";
  const Event &a = old.event, &b = now.event;
  if (a.tool_name != b.tool_name) return "tool_name";
  if (a.tool_input != b.tool_input) return "tool_input: " + a.tool_input.dump() + " vs " + b.tool_input.dump();
  if (a.cwd != b.cwd || a.session_id != b.session_id || a.tool_use_id != b.tool_use_id ||
      a.hook_event_name != b.hook_event_name)
    return "a string field";
  return "";
}

}  // namespace dbguard::protocol::oracle

