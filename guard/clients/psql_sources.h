// Where the SQL that a psql invocation runs comes from: -c/--command (each
// one), -f/--file (relative to the command's directory, `-` for stdin), and
// stdin (heredoc, here-string, `< file`, a pipe). psql meta-commands are
// handled as psql does: \i / \ir / \include read another file, \! runs a shell
// command; the others are not SQL and are dropped.
#pragma once

#include <string>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard::clients {

struct SqlSource {
  enum class Kind { Sql, Shell, Unreadable, Opaque };
  Kind kind = Kind::Sql;
  std::string text;    // SQL (Sql), shell command (Shell), error (Unreadable/Opaque)
  std::string origin;  // "psql -c", "file migrations/x.sql", "heredoc", "\\i other.sql"
};

struct SourceLimits {
  std::size_t max_file_bytes = 8u << 20;  // larger SQL files are denied, not skipped
  int max_include_depth = 8;
};

bool is_psql(const Invocation& inv);
std::vector<SqlSource> psql_sql_sources(const Invocation& inv, const SourceLimits& limits = {});

// Splits psql script text into SQL and meta-commands (shared by -c, -f, stdin).
void split_psql_script(const std::string& text, const std::string& origin, const std::string& cwd,
                       const SourceLimits& limits, int depth, std::vector<SqlSource>& out);

}  // namespace dbguard::clients
