// Where the SQL that a database client runs comes from: SQL options (psql -c,
// mysql -e, clickhouse-client --query, cockroach sql -e, duckdb -c), file
// options (psql -f, prisma db execute --file, relative to the command's
// directory, `-` for stdin),
// positional SQL (sqlite3 DB "SQL", duckdb DB "SQL"), and stdin (heredoc,
// here-string, `< file`, a pipe). Client meta-commands are handled as the
// client does: psql \i / \ir / \include and mysql `source` / `\.` and sqlite
// `.read` read another file; psql \! runs a shell command; others are dropped.
#pragma once

#include <string>
#include <vector>

#include "support/shared_text.h"
#include "unwrap/invocation.h"

namespace dbguard::clients {

struct SqlSource {
  // Destructive: a client command that destroys data by itself (sqlite3 .restore
  // replaces the database); `sql_kind` names the SQL rule it raises.
  enum class Kind { Sql, Shell, Unreadable, Opaque, Destructive };
  Kind kind = Kind::Sql;
  SharedText text;     // SQL (Sql), shell command (Shell), error (Unreadable/Opaque), detail (Destructive)
  std::string origin;  // "psql -c", "file migrations/x.sql", "heredoc", "\\i other.sql"
  std::string sql_kind = "";  // Destructive only
  // Sql only: the SQL read where it stands (an argument of the invocation, which its
  // judge holds: SourceLimits::lend_arguments), when `text` is empty.
  std::string_view lent = {};
  std::string_view sql() const { return text.empty() ? lent : std::string_view(text.str()); }
};

struct SourceLimits {
  std::size_t max_file_bytes = 8u << 20;  // larger SQL files are denied, not skipped
  int max_include_depth = 8;
  // The command whose files these are: a file an earlier command in the same call
  // writes holds, when this client runs, what is unknown now; reading one is opaque.
  const Invocation* reader = nullptr;
  // SQL given as an argument (-c, -e, --command) is lent, not copied, where no
  // rewriting changes it: the sources then view the invocation's words and must
  // not outlive it (a 4 MiB `psql -c` was copied once more for the judge).
  bool lend_arguments = false;
};

// Clickhouse: no meta-commands, but MySQL's string quoting (backslash escapes, backticks).
enum class MetaSyntax { Psql, Mysql, Sqlite, Clickhouse, None };

// True when the invocation is a SQL client this module knows (psql, mysql, ...).
bool is_sql_client(const Invocation& inv);

std::vector<SqlSource> sql_sources(const Invocation& inv, const SourceLimits& limits = {});

// Splits client script text into SQL and meta-commands (shared by every source).
// `cwd` is the client's directory (psql \i, mysql source, sqlite .read resolve
// against it); `file_dir` the directory of the file the text came from (psql \ir),
// the client's directory when empty.
void split_script(const SharedText& text, const std::string& origin, const std::string& cwd, MetaSyntax meta,
                  const SourceLimits& limits, int depth, std::vector<SqlSource>& out, const std::string& file_dir = "");

}  // namespace dbguard::clients
