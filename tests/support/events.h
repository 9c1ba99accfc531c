// Test helpers: the hook's input (Claude Code PreToolUse events) and its
// audit log, as the tests that drive the built binary write and read them.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.h"

namespace dbguard::testing {

// A PreToolUse event for the Bash tool, shaped as Claude Code sends it.
inline std::string bash_event(const std::string& command, const std::string& cwd = "/tmp",
                              const std::string& tool_use_id = "toolu_1", const std::string& session = "sess-1") {
  return nlohmann::json{{"hook_event_name", "PreToolUse"}, {"tool_name", "Bash"},
                        {"tool_input", {{"command", command}}}, {"cwd", cwd},
                        {"session_id", session}, {"tool_use_id", tool_use_id}}
      .dump();
}

// The records of an audit log, one JSON object a line.
inline std::vector<nlohmann::json> audit_records(const std::string& log) {
  std::vector<nlohmann::json> out;
  for (const auto& l : lines_of(read_file(log))) out.push_back(nlohmann::json::parse(l));
  return out;
}

}  // namespace dbguard::testing
