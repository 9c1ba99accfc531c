// SQL judged by meaning, with PostgreSQL's own parser (libpg_query).
// Destructive: DROP of what holds data (database, schema, table, materialized
// view, foreign table, sequence; types/domains/extensions with CASCADE),
// ALTER TABLE … DROP COLUMN, TRUNCATE, DELETE/UPDATE without a WHERE or with one
// that is always true, DROP OWNED — wherever they appear (CTEs, DO blocks,
// function bodies). Strings and comments never count. Text the parser rejects
// falls back to the parser's own scanner: a destructive keyword at the start of
// a statement denies; so does any keyword that may delete data in a statement
// nested past the parser's bound (too-deep), whose WHERE cannot be read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dbguard::sql {

struct SqlFinding {
  std::string kind;       // drop, truncate, delete-all, update-all, drop-column, drop-owned, too-deep, ...
  std::string statement;  // the statement's text (trimmed)
  std::string detail;     // e.g. "DROP TABLE users"
};

struct SqlVerdict {
  bool parsed = true;                  // libpg_query accepted the whole text
  std::string parse_error;
  std::vector<std::string> statements; // each statement's text, in order
  std::vector<SqlFinding> findings;
};

SqlVerdict classify(std::string_view sql);

// SQL a client is about to run (a -c argument, a file, a heredoc, stdin): the same
// findings as classify(). Text of kScriptPrefilterBytes or more (seed files and dumps,
// mostly INSERT and COPY) is split by the scanner, and only the statements naming, as
// a whole word, a keyword that every finding needs (DROP, TRUNCATE, DELETE, UPDATE, DO,
// FUNCTION, PROCEDURE, PREPARE, PROGRAM) are parsed: a statement without one is destructive
// neither by the parser's reading nor by the scanner's. `parsed` then speaks of those
// statements; `statements` lists them all when `list_statements` (only `explain` shows
// them), none otherwise. Text the scanner cannot split is judged whole. Without
// `list_statements`, text that names none of those keywords anywhere is not split at
// all: no statement of it can.
inline constexpr std::size_t kScriptPrefilterBytes = 64u << 10;
SqlVerdict classify_script(std::string_view sql, bool list_statements = true);

}  // namespace dbguard::sql
