// What a command removes or empties on disk, judged against the filesystem
// under its cwd: rm -r / find -delete of a database's data directory (a
// directory holding PG_VERSION or another engine's marker, one inside such a
// directory, or a parent of one), and emptying a database file (truncate,
// `: > app.sqlite`, cp /dev/null). Globs and braces in rm/find targets are
// expanded as the shell would, bounded; targets only known at run time are
// judged by what they could be. Nothing is modified.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard::datadirs {

struct Settings {
  std::vector<std::string> markers;        // PG_VERSION, ibdata1, …
  std::vector<std::string> names;          // pgdata, postgres-data, … (a glob match named like one)
  std::vector<std::string> name_words;     // words that make a name suggest data (beyond the search bound)
  std::vector<std::string> file_suffixes;  // .sqlite, .sqlite3, .db
  std::vector<std::string> variables;      // PGDATA: a variable that names a data directory
};

// Bounds of the search for a data directory below a removed one.
inline constexpr int kSearchDepth = 3;
inline constexpr std::size_t kSearchEntries = 10000;
inline constexpr std::size_t kGlobMatches = 1000;

struct Hit {
  bool removes_dir = true;  // datadirs.rm-database-dir; false: datadirs.empty-database-file
  std::string detail;
};

// What the searches below directories found, kept while one command is judged.
// A command with a run-time argument is judged once per value it could have
// (`rm -rf $X $Y`: 17 times), and each judgement searched the same directories
// again, each with a budget of its own: 170,000 directory entries in a large
// directory such as /tmp, seconds of a decision. An answer kept is the answer a
// search would give with the budget then left, and costs that budget as the search
// would have: the decision is the same.
class SearchMemo {
 public:
  struct Known {
    std::string dir;
    bool files_too;
    std::optional<std::string> found;  // as below(): nullopt when the budget ran out
    std::size_t started_with;          // the budget the search had
    std::size_t used;                  // the entries it read
  };
  const Known* find(const std::string& dir, bool files_too) const;
  void keep(Known k);
  std::size_t entries_read = 0;  // by every search made with this memo (what a test can count)

 private:
  std::vector<Known> known_;
};

std::vector<Hit> judge(const Invocation& inv, const Settings& settings, SearchMemo& memo);
// With a memo of its own.
std::vector<Hit> judge(const Invocation& inv, const Settings& settings);

}  // namespace dbguard::datadirs
