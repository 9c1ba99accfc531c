// What a command removes or empties on disk, judged against the filesystem
// under its cwd: rm -r / find -delete of a database's data directory (a
// directory holding PG_VERSION or another engine's marker, one inside such a
// directory, or a parent of one), and emptying a database file (truncate,
// `: > app.sqlite`, cp /dev/null). Globs and braces in rm/find targets are
// expanded as the shell would, bounded; targets only known at run time are
// judged by what they could be. Nothing is modified.
#pragma once

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

std::vector<Hit> judge(const Invocation& inv, const Settings& settings);

}  // namespace dbguard::datadirs
