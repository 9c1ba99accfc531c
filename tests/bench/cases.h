// The hook events the process-level bench sends, one per case class, and the
// files they name (written into a scratch directory). Each case says what the
// guard must decide, so the bench never times a wrong answer.
#pragma once

#include <string>
#include <vector>

namespace dbguard::bench {

struct Case {
  std::string name;
  std::string event;          // the hook's stdin, byte for byte
  int expect_exit = 0;        // 0 allow, 2 deny
  std::string expect_rule;    // a rule id the deny reason must name ("" for allow)
  bool large = false;         // a 1 MiB / 64 KiB input: judged against the 50 ms bound, not the floor ratio
  // An event at the 4 MiB bound: judged for its decision and its peak memory only, with
  // the time budget raised (the time targets are for 1 MiB inputs).
  bool at_bound = false;
};

// Writes the files the cases use (a 1 MiB SQL file) into `dir` and returns the cases.
std::vector<Case> make_cases(const std::string& dir);

// `count` PreToolUse events for everyday commands (from the labelled corpus at
// `everyday_toml`), as JSONL, each shaped like a real Claude Code event.
std::string everyday_jsonl(const std::string& everyday_toml, std::size_t count, std::size_t* distinct);

// The everyday commands of the labelled corpus (tests/corpus/everyday.toml).
std::vector<std::string> everyday_commands(const std::string& everyday_toml);

// Plain INSERT statements, as a seed file or data migration holds, of about `bytes`.
std::string sql_inserts(std::size_t bytes);

// An everyday shell script (mkdir, cp, grep | tee, ...) of about `bytes`, one command per line.
std::string shell_script(std::size_t bytes);
// Shell text of about `bytes` with long lines: about 6,500 commands per MiB (under the
// guard's bound of 10,000).
std::string long_line_script(std::size_t bytes);

// A Claude Code PreToolUse event for a Bash command.
std::string bash_event(const std::string& command, const std::string& cwd);

}  // namespace dbguard::bench
