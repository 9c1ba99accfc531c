// SQL judged by meaning, with PostgreSQL's own parser (libpg_query).
// Destructive: DROP of what holds data (database, schema, table, materialized
// view, foreign table, sequence; types/domains/extensions with CASCADE),
// ALTER TABLE … DROP COLUMN, TRUNCATE, DELETE/UPDATE without a WHERE or with one
// that is always true, DROP OWNED — wherever they appear (CTEs, DO blocks,
// function bodies). Strings and comments never count. Text the parser rejects
// falls back to the parser's own scanner: a destructive keyword at the start of
// a statement denies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dbguard::sql {

struct SqlFinding {
  std::string kind;       // drop, truncate, delete-all, update-all, drop-column, drop-owned, unparsed-destructive
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

}  // namespace dbguard::sql
