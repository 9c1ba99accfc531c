// Puts dbguard's PreToolUse entry into a Claude Code settings file, and takes
// it out again, as text edits: every other key, hook and byte of the file is
// kept, so uninstall after install gives back the original file byte for byte.
//
// The entry:
//   {"matcher": "Bash|Read|Write|Edit|MultiEdit|NotebookEdit|mcp__.*",
//    "hooks": [{"type": "command", "command": "<abs path>/dbguard hook || exit 2", "timeout": 10}]}
// `|| exit 2` keeps the hook fail-closed: Claude Code runs the tool call on any
// exit status other than 2, so a crash (128+signal) or a missing binary (127)
// must become a 2.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace dbguard::install {

// Bash and MCP tools are what reach databases; Write/Edit/MultiEdit/NotebookEdit
// and Read are screened so the guard can protect its own files and audit key.
constexpr const char* kMatcher = "Bash|Read|Write|Edit|MultiEdit|NotebookEdit|mcp__.*";
constexpr int kTimeoutSeconds = 10;

struct HookSpec {
  std::string binary;  // absolute path of dbguard
  std::string matcher = kMatcher;
  int timeout = kTimeoutSeconds;
};

// "<binary, shell-quoted if needed> hook || exit 2"
std::string hook_command(const std::string& binary);

// True for a command that runs dbguard's hook ("…/dbguard hook…").
bool is_dbguard_hook(const std::string& command);

// The program a hook command runs (first shell word, quotes removed).
std::string hook_program(const std::string& command);

// True when the command turns any failure of the hook into exit 2.
bool is_fail_closed(const std::string& command);

struct EditResult {
  bool ok = false;
  bool changed = false;
  std::string text;   // the new file
  std::string error;  // not ok: why (the file is not JSON, `hooks` is not an object, ...)
};

// `original` may be empty (no file yet).
EditResult install_into(const std::string& original, const HookSpec& spec);
EditResult uninstall_from(const std::string& original);

// Every dbguard hook command found in a settings document, with the matcher of
// its group.
struct FoundHook {
  std::string matcher;
  std::string command;
  nlohmann::json timeout;  // as written (null if absent)
};
std::vector<FoundHook> find_hooks(const nlohmann::json& settings);

}  // namespace dbguard::install
