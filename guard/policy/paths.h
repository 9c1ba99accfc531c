// Where dbguard's files are. Each default can be moved by an environment
// variable (for tests, containers and unusual installs):
//   DBGUARD_MANAGED_POLICY  managed policy      (/etc/dbguard/policy.toml)
//   DBGUARD_USER_POLICY     user policy         ($XDG_CONFIG_HOME/dbguard/policy.toml,
//                                                ~/.config/dbguard/policy.toml)
//   DBGUARD_AUDIT_LOG       audit log           ($XDG_STATE_HOME/dbguard/audit.jsonl,
//                                                ~/.local/state/dbguard/audit.jsonl)
//   XDG_CACHE_HOME          custom-pack cache   (~/.cache/dbguard/packs)
//   CLAUDE_CONFIG_DIR       Claude Code's user settings ($CLAUDE_CONFIG_DIR/settings.json,
//                                                ~/.claude/settings.json)
// The project policy is the first .dbguard.toml found from the event's cwd upward.
#pragma once

#include <string>

namespace dbguard::policy {

struct PolicyPaths {
  std::string managed;
  std::string user;
  std::string project;  // "" when none is found
};

PolicyPaths policy_paths(const std::string& cwd);

std::string find_project_policy(const std::string& cwd);

// $XDG_CACHE_HOME/dbguard/packs or ~/.cache/dbguard/packs
std::string cache_dir();

// Claude Code's user settings file.
std::string claude_user_settings();

}  // namespace dbguard::policy
