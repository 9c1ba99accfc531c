// For SQL that libpg_query cannot parse (another dialect, a fragment): judge
// each statement by the tokens of libpg_query's own scanner. A destructive
// keyword at the start of a statement (DROP of a data-holding object,
// TRUNCATE, DELETE/UPDATE with no WHERE, ALTER … DROP COLUMN) is a finding;
// keywords inside strings, identifiers and comments are not.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/classify.h"

namespace dbguard::sql {

std::vector<SqlFinding> scan_for_destructive(std::string_view sql);

// Where a statement lies in its text: [begin, end).
struct TextSpan {
  std::size_t begin;
  std::size_t end;
};

// The statements of the text as the scanner splits them (at semicolons outside
// strings, comments and dollar quotes), untrimmed. Where the scanner stops (an
// unterminated quote or comment), the statements before that point, then the rest as
// one; empty when it cannot split even those.
std::vector<std::string> split_statements(const std::string& sql);
// The same statements handed to `each` in order, as views of the text; how many.
// No copy of a 4 MiB script's hundred thousand statements is made to look at them.
// A long text is split kScanPieceBytes at a time (the scanner keeps what it reads in
// one call until it returns). For text the scanner reads to its end the statements
// are the same whatever the pieces (a parameter for the tests). Where it stops inside
// a token (an invalid Unicode escape), the pieces keep the statements that ended
// before; the text split whole would make one statement of them and the rest.
// 64 KiB: the scanner's memory for a piece is several times its size, and at 256 KiB
// a 4 MiB `psql -c` with a DROP peaked 1.3 MiB higher (21.3 MiB); the instructions
// are the same within half a percent.
inline constexpr std::size_t kScanPieceBytes = 64u << 10;
std::size_t for_each_statement(std::string_view sql, const std::function<void(std::string_view)>& each,
                               std::size_t piece_bytes = kScanPieceBytes);

// Whether the statement holds one of the keywords every finding needs: DROP,
// TRUNCATE, DELETE, UPDATE, or DO, FUNCTION, PROCEDURE, PREPARE (a body or a
// prepared text that may hold them), outside strings and comments. Without one, a statement is destructive
// neither by the parser's reading nor by the scanner's.
bool may_be_destructive(std::string_view statement);

// The '…' string constants of an expression, unquoted and joined by spaces:
// EXECUTE 'DROP TABLE ' || t and psql's \gexec are judged by what they are built from.
std::string string_constants(std::string_view q);

// For a PL/pgSQL body that libpg_query's PL/pgSQL compiler rejects: every place a
// statement may begin — each statement start the scanner finds, and the token after
// each BEGIN, LOOP, THEN, ELSE and label (<<name>>) — with the end of its statement.
// PL/pgSQL statements follow block keywords ("BEGIN FOR r IN c LOOP DROP TABLE t"),
// where a scan of statement starts alone would not look.
std::vector<TextSpan> procedural_statement_spans(std::string_view body);

}  // namespace dbguard::sql
