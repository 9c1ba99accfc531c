// A rule from a pattern pack (patterns/*.toml). Rules are data: the engine
// knows rule kinds, never individual rules (except the guard.* ids it raises).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dbguard::packs {

enum class Severity { Deny, Hard };

enum class RuleKind {
  Command,  // regexes over a command's canonical line (argv joined by single spaces)
  Marker,   // production markers: regexes over argv tokens, env and variable names
  Sql,      // raised by the SQL analysis for one kind of destructive statement
  Builtin,  // raised by the engine itself (fail-closed reasons)
};

// Text fields and lists are views: the embedded packs' point into the binary's
// constant tables (nothing is built at start-up), a loaded pack's into its PackSet.
struct Rule {
  std::string_view id;           // pack.rule
  std::string_view pack;
  std::string_view file;         // the pack file it came from (for error messages)
  std::string_view description;  // what the rule catches
  std::string_view why;          // why it destroys data (shown to the agent)
  std::string_view alternative;  // the safer thing to do (shown to the agent)
  Severity severity = Severity::Deny;
  RuleKind kind = RuleKind::Command;
  bool requires_production = false;  // fires only on a command that targets production
  bool caseless = false;
  bool needs_fed_stdin = false;      // fires only when something is fed on stdin (when_stdin = "fed")
  // fires only when the command's run-time words may stand for many values: it runs
  // once per item (loop body, function, xargs, find -exec) or one is split by the
  // shell (unquoted $KEYS, "$@") (when_dynamic = "many")
  bool needs_many_dynamic = false;
  std::string_view sql_kind;              // Sql rules: drop, truncate, delete-all, ...
  std::span<const std::string_view> patterns;  // Hyperscan syntax, macros expanded
  std::span<const std::string_view> unless;    // RE2: a second look that clears a match
};

struct PackSet {
  std::vector<Rule> rules;
  // [settings] lists from packs; views, as the rules' texts are.
  std::map<std::string_view, std::span<const std::string_view>, std::less<>> settings;

  const Rule* find(std::string_view id) const;
  const Rule* find_sql(std::string_view sql_kind) const;
  std::span<const std::string_view> setting(std::string_view name) const;
  // Appends `values` to the setting `name` (what they view must be kept by this
  // set: keep(), keep_texts_of()).
  void add_setting(std::string_view name, std::span<const std::string_view> values);

  // Keeps `text` for as long as this set or a copy of it lives, and returns a
  // view of it: the storage of rules loaded at run time.
  std::string_view keep(std::string text);
  // The same for a list of views (a loaded rule's patterns).
  std::span<const std::string_view> keep_list(std::vector<std::string_view> list);
  // Takes on the storage of `other`'s rules (when its rules move here).
  void keep_texts_of(const PackSet& other);

 private:
  // std::deque: what it keeps never moves as more is kept.
  struct Storage {
    std::deque<std::string> texts;
    std::deque<std::vector<std::string_view>> lists;
  };
  std::shared_ptr<Storage>& storage();
  std::vector<std::shared_ptr<Storage>> storage_;
};

const char* to_string(Severity s);
const char* to_string(RuleKind k);

}  // namespace dbguard::packs
