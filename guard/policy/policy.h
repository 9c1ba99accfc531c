// The policy in effect for one tool call: built-in defaults, then
// /etc/dbguard/policy.toml (managed), ~/.config/dbguard/policy.toml (user) and
// the project's .dbguard.toml (found from the event's cwd upward), merged.
//
// The floor: a lower layer (user, project) can only add protection; only the
// managed layer can remove it (soften a rule, [[allow]] a command, stop logging
// allows). No layer can soften a hard rule or the guard's own guard.* /
// production.* rules: an entry that tries is reported in `rejected` and
// ignored. A file that cannot be read as a policy puts the problem in
// `errors`, and every call is denied until it is fixed (fail closed).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dbguard::policy {

enum class Layer { Builtin, Env, Managed, User, Project };
const char* to_string(Layer l);

// deny > ask > allow in strictness.
enum class Action { Allow = 0, Ask = 1, Deny = 2 };
const char* to_string(Action a);

struct Origin {
  Layer layer = Layer::Builtin;
  std::string file;
  int line = 0;
  // "built-in", "env DBGUARD_AUDIT_LOG", "managed /etc/dbguard/policy.toml:4"
  std::string describe() const;
};

template <typename T>
struct Sourced {
  T value{};
  Origin origin;
};

// A command the managed policy lets through although non-hard rules match it.
struct AllowEntry {
  // Matched against each segment a finding quotes (one simple command of a
  // list, pipeline, $(…) or bash -c), not the whole command line.
  std::string command;  // the whole segment, exactly (surrounding whitespace ignored)
  std::string pattern;  // an RE2 pattern that must match the whole segment
  std::string reason;
  Origin origin;
};

struct ProductionExtras {
  std::vector<Sourced<std::string>> hosts;      // globs: *.corp.example.com
  std::vector<Sourced<std::string>> markers;    // name parts like prod: live, customer
  std::vector<Sourced<std::string>> scripts;    // script name globs: deploy_db*.sh
  std::vector<Sourced<std::string>> databases;  // database name globs: clinic_main
  bool empty() const { return hosts.empty() && markers.empty() && scripts.empty() && databases.empty(); }
};

struct AuditSettings {
  Sourced<std::string> path;  // empty value: the default path
  Sourced<std::string> key_file;
  Sourced<bool> required;
  Sourced<bool> log_allows{true, {}};
  Sourced<std::uint64_t> rotate_bytes{64u << 20, {}};
};

// A problem in a policy file: which file, line and key, and what is wrong.
struct Problem {
  std::string file;
  int line = 0;
  std::string key;
  std::string message;
  std::string text() const;  // "FILE:LINE: `key`: message"
};

struct Policy {
  struct File {
    Layer layer;
    std::string path;
    bool present = false;
  };
  std::vector<File> files;         // the layers looked at, managed → project
  std::vector<Problem> errors;     // invalid: every call is denied
  std::vector<Problem> rejected;   // entries that tried to remove protection: ignored
  std::map<std::string, Sourced<Action>> rules;  // only rules a file set
  std::vector<AllowEntry> allow;
  ProductionExtras production;
  std::vector<Sourced<std::string>> extra_packs;  // absolute paths
  AuditSettings audit;

  bool valid() const { return errors.empty(); }
  bool any_file() const;
  // The action for a rule that matched (deny unless a file set it).
  Action action_for(const std::string& rule_id, Origin* origin = nullptr) const;
};

}  // namespace dbguard::policy
