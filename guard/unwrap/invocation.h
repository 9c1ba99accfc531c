// The guard's view of one command that would run: a normalized argv with its
// environment, where its stdin comes from, and how it was reached (wrappers
// peeled, nested shells). This is the unit every rule is matched against.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/lent_text.h"
#include "support/shared_text.h"

namespace dbguard {

// One argument after quote removal and static expansion. `dynamic` means part
// of its value is only known at run time ($VAR, $( ), ...); `text` then holds
// the source form of the unknown part so messages can show it.
struct Arg {
  std::string text;
  bool dynamic = false;
  // An unquoted run-time expansion ($CMD, ${IFS}, $(…), ${arr[@]}): the shell
  // splits it into any number of words, so it can stand for a whole command line.
  bool splits = false;
};

// Where a command's standard input comes from.
struct Input {
  enum class Kind { None, Text, File, Opaque };
  Kind kind = Kind::None;
  SharedText content;   // Text: the data; File: the path; Opaque: what produces it (shared: a heredoc's body is not copied)
  std::string origin;   // "heredoc", "here-string", "pipe from echo", "< file", "pipe from curl"
  bool partial = false; // Text with parts only known at run time ($VAR inside a heredoc)
};

// Files the commands of one call write (redirections, tee, cp, sed -i, curl -o, ...),
// resolved and normalized, in the order the walker meets them. One instance is shared
// by the call's invocations; each sees the writes made before it (its `seen` count),
// so a later read of such a file is known to see run-time contents.
class WrittenFiles {
 public:
  void note(const std::string& path) {
    if (first_.emplace(path, count_).second) ++count_;
  }
  // A write whose target is only known at run time (`> "$F"`, `tee "$OUT"`): `pattern`
  // (RE2, built from the target's static parts) matches every path it could be.
  struct Dynamic {
    std::size_t at;       // position among the call's writes
    std::string shown;    // the target as written
    std::string pattern;
  };
  void note_dynamic(std::string shown, std::string pattern) {
    dynamic_.push_back({count_++, std::move(shown), std::move(pattern)});
  }
  std::size_t size() const { return count_; }
  bool written_within(const std::string& path, std::size_t seen) const {
    auto it = first_.find(path);
    return it != first_.end() && it->second < seen;
  }
  const std::map<std::string, std::size_t>& paths() const { return first_; }
  const std::vector<Dynamic>& dynamic() const { return dynamic_; }

 private:
  std::map<std::string, std::size_t> first_;  // path → position of its first write
  std::vector<Dynamic> dynamic_;
  std::size_t count_ = 0;                     // writes noted (a path written twice counts once)
};

// Environment entries, NAME and value, in the order they were set.
using Env = std::vector<std::pair<std::string, Arg>>;
// The variables one shell exported, shared by every command it runs until one of
// them changes: 1,000 exports were copied into each of 1,000 commands after them
// (and matched there again), quadratic, past the time budget at 30 KB.
using SharedEnv = std::shared_ptr<const Env>;

struct Invocation {
  std::vector<Arg> argv;                           // argv[0] normalized (basename, docker-compose split)
  std::string program_path;                        // argv[0] as written (./ops/x.sh), when known
  Env env;                                         // assignments for this command: its own, its
                                                   // wrappers' (env X=1) and its enclosing commands'
  std::vector<SharedEnv> exported;                 // the exported variables of each enclosing shell,
                                                   // outermost first (none empty, none twice)
  std::vector<std::string> var_refs;               // variables referenced by name ($PROD_DATABASE_URL)
  Input stdin_source;
  LentText segment;                                // the exact source text of the command
  SharedText pipeline;                             // the whole pipeline's text, when it is part of one
  std::vector<std::string> via;                    // wrappers peeled, outermost first
  std::string cwd;                                 // directory relative files resolve against
  std::vector<SharedText> context;                 // argv lines of wrappers that carry a target
                                                   // (ssh HOST, kubectl --context, docker -H); shared:
                                                   // each nested command's context holds it (ssh HOST '<4 MiB>')
  std::vector<std::string> writes;                 // files written by output redirections
  std::shared_ptr<const WrittenFiles> written;     // files this call's commands write, and how many
  std::size_t written_seen = 0;                    // of them earlier ones do: reading one sees run-time contents
  std::vector<std::pair<std::string, std::string>> embedded_sql;  // (origin, SQL) from inline code
  int depth = 0;                                   // nesting of shells / substitutions
  std::size_t ordinal = 0;                         // 1-based: the n-th command found in the call
  std::size_t stage = 0, stages = 1;               // 1-based pipeline stage, of how many (0: not piped)
  bool program_dynamic = false;
  bool program_splits = false;                     // argv[0] is word-split at run time (see Arg::splits)
  bool repeated = false;                           // runs once per item: a loop or function body, xargs,
                                                   // find -exec (its run-time words take many values)
};

// The first environment entry of INV that PRED holds for, its own before the
// exported; null when none does.
template <class Pred>
const std::pair<std::string, Arg>* find_env(const Invocation& inv, Pred&& pred) {
  for (const auto& entry : inv.env)
    if (pred(entry)) return &entry;
  for (const auto& shared : inv.exported)
    for (const auto& entry : *shared)
      if (pred(entry)) return &entry;
  return nullptr;
}

// Something the unwrap stage itself found: a construct it could not see through.
struct UnwrapIssue {
  UnwrapIssue(std::string rule_id, std::string_view seg, std::string what, bool if_reach, std::string reach = {})
      : rule(std::move(rule_id)), segment(seg), detail(std::move(what)), only_if_reach(if_reach),
        reach_text(std::move(reach)) {}
  std::string rule;     // guard.* rule id
  std::string segment;
  std::string detail;
  bool only_if_reach;          // an issue only when the text could reach a database or infrastructure
  std::string reach_text;      // what to judge for reach, besides the segment (a make target's recipe)
};

}  // namespace dbguard
