// The guard protects itself: an agent must not be able to switch it off.
//
// Protected: the policy files (managed, user, any .dbguard.toml), Claude Code
// settings files' hook configuration (.claude/settings.json and
// .claude/settings.local.json anywhere, ~/.claude/settings*.json,
// $CLAUDE_CONFIG_DIR/settings*.json, the managed settings file), the dbguard
// binary that is running, the audit log with its lock and rotated files, the
// audit key (reading it too) and the custom-pack cache.
//
// Denied (rule guard.self-protection, hard): Write/Edit/MultiEdit/NotebookEdit
// of a protected file (for settings files: an edit that changes `hooks` or
// `disableAllHooks`, or the `env` entries that steer the hook (DBGUARD_*, HOME,
// XDG_*, CLAUDE_CONFIG_DIR, PATH, BASH_ENV, ENV, LD_*), or leaves the file unparseable), Read of the audit key,
// and shell commands that change, move or delete a protected file or a
// directory holding one: output redirections, rm/unlink/shred/truncate,
// mv, cp/install/rsync/ln onto one, chmod/chown/chattr, tee, dd of=, sed/perl
// -i, editors, git checkout/restore/rm/mv of one; and `dbguard uninstall`.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "decision/decision.h"
#include "unwrap/invocation.h"

namespace dbguard::policy {

struct ProtectedFiles {
  struct Entry {
    std::string path;  // absolute, normalised
    std::string what;  // "the user policy file", ...
    bool settings = false;   // a Claude Code settings file: only its hooks are protected from Write/Edit
    bool read_too = false;   // reading it is denied as well (the audit key)
    bool prefix = false;     // everything under / starting with this path
    std::vector<std::string> ancestors;  // its directories, nearest first (globs are matched against them)
  };
  // Every protected path, as written (normalised) and with its symlinks
  // resolved. Resolving costs an lstat a directory level, so it happens on the
  // first call, and most commands (ls, git status, npm test) never make one.
  const std::vector<Entry>& entries() const;

  // The built-in set from the environment (HOME, XDG_*, CLAUDE_CONFIG_DIR,
  // DBGUARD_*_POLICY) and the running binary.
  static ProtectedFiles from_environment();
  void add(std::string path, std::string what, bool settings = false, bool read_too = false, bool prefix = false);
  // Whether any entry is protected from reading too (only then is every argument looked at).
  bool any_read_too() const;

 private:
  struct Request {
    std::string path, what;
    bool settings, read_too, prefix;
  };
  struct Resolved {
    std::once_flag once;  // a context is shared by the threads deciding with it
    std::vector<Entry> entries;
  };
  std::vector<Request> requests_;
  std::shared_ptr<Resolved> resolved_ = std::make_shared<Resolved>();
};

// What protected file `abs_path` is, or "" (also: .dbguard.toml and
// .claude/settings*.json anywhere). `settings` tells whether it is a settings file.
std::string protected_what(const ProtectedFiles& files, const std::string& abs_path, bool* settings = nullptr,
                           bool* read_too = nullptr);

// The rule id raised.
constexpr const char* kRule = "guard.self-protection";

// Shell: one invocation.
void judge_invocation(const ProtectedFiles& files, const Invocation& inv, std::vector<Finding>& out);

// Forgets what the file system looked like (directories resolved for speed): called
// before each decision, so a batch of events never judges one by another's snapshot.
void begin_decision();

// Write / Edit / MultiEdit / NotebookEdit / Read events.
void judge_tool(const ProtectedFiles& files, const std::string& tool, const nlohmann::json& input,
                const std::string& cwd, std::vector<Finding>& out);

}  // namespace dbguard::policy
