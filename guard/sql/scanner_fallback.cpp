#include "sql/scanner_fallback.h"

#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <pg_query/pg_query.pb-c.h>

#include <string>

#include <nlohmann/json.hpp>

#include "sql/always_true.h"

namespace dbguard::sql {
namespace {

struct Token {
  int kind;
  std::string text;   // upper-cased
  std::size_t start;  // offset in the statement
};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Keywords that name objects holding no data: dropping them loses no rows.
bool drops_nothing(const std::string& object) {
  static const char* safe[] = {"INDEX", "ROLE", "USER", "GROUP", "VIEW", "FUNCTION", "PROCEDURE", "TRIGGER",
                               "RULE", "POLICY", "CONSTRAINT", "AGGREGATE", "OPERATOR", "CAST", "COLLATION",
                               "CONVERSION", "STATISTICS", "PUBLICATION", "SUBSCRIPTION", "EVENT", "TRANSFORM",
                               "LANGUAGE", "ACCESS", "TEXT", "SERVER", "ROUTINE", "PREPARE"};
  for (const char* s : safe)
    if (object == s) return true;
  return false;
}

std::vector<Token> tokens_of(const std::string& stmt) {
  std::vector<Token> out;
  PgQueryScanResult r = pg_query_scan(stmt.c_str());
  if (!r.error) {
    PgQuery__ScanResult* sr = pg_query__scan_result__unpack(nullptr, r.pbuf.len, reinterpret_cast<const uint8_t*>(r.pbuf.data));
    if (sr) {
      for (size_t i = 0; i < sr->n_tokens; ++i) {
        const PgQuery__ScanToken* t = sr->tokens[i];
        if (t->start < 0 || t->end > static_cast<int32_t>(stmt.size()) || t->end < t->start) continue;
        if (t->token == PG_QUERY__TOKEN__SQL_COMMENT || t->token == PG_QUERY__TOKEN__C_COMMENT) continue;
        out.push_back({t->token, upper(stmt.substr(static_cast<size_t>(t->start), static_cast<size_t>(t->end - t->start))),
                       static_cast<size_t>(t->start)});
      }
      pg_query__scan_result__free_unpacked(sr, nullptr);
    }
  }
  pg_query_free_scan_result(r);
  return out;
}

// The WHERE clause of a statement the parser rejects (MySQL's `users`, LIMIT on a
// DELETE), judged by the parser on its own: `WHERE 1`, `1=1`, `true`, 'a'='a' are
// as always true here as in a statement PostgreSQL accepts.
bool where_always_true(const std::string& stmt, const std::vector<Token>& toks) {
  std::size_t begin = std::string::npos, end = stmt.size();
  int level = 0;
  for (const auto& t : toks) {
    if (t.text == "(") ++level;
    else if (t.text == ")") --level;
    else if (level == 0 && t.kind == PG_QUERY__TOKEN__WHERE && begin == std::string::npos) begin = t.start + 5;
    else if (level == 0 && begin != std::string::npos &&
             (t.text == "ORDER" || t.text == "LIMIT" || t.text == "RETURNING" || t.text == ";")) {
      end = t.start;
      break;
    }
  }
  if (begin == std::string::npos || begin >= end) return false;
  std::string probe = "SELECT 1 WHERE " + stmt.substr(begin, end - begin);
  PgQueryParseResult r = pg_query_parse(probe.c_str());
  bool result = false;
  if (!r.error && r.parse_tree) {
    auto tree = nlohmann::json::parse(r.parse_tree, nullptr, false);
    if (tree.is_object() && tree.contains("stmts") && tree["stmts"].size() == 1) {
      const auto& sel = tree["stmts"][0]["stmt"];
      if (sel.contains("SelectStmt") && sel["SelectStmt"].contains("whereClause"))
        result = always_true(sel["SelectStmt"]["whereClause"]);
    }
  }
  pg_query_free_parse_result(r);
  return result;
}

void judge_statement(const std::string& stmt, std::vector<SqlFinding>& out) {
  auto toks = tokens_of(stmt);
  std::size_t i = 0;
  while (i < toks.size() && toks[i].text == "(") ++i;
  if (i >= toks.size()) return;
  auto has_where = [&] {
    for (const auto& t : toks)
      if (t.kind == PG_QUERY__TOKEN__WHERE) return true;
    return false;
  };
  auto trimmed = [&] {
    std::string s = stmt;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
  };
  const std::string& first = toks[i].text;
  if (first == "DROP" && i + 1 < toks.size()) {
    std::string object = toks[i + 1].text;
    if (object == "MATERIALIZED" || object == "FOREIGN" || object == "TEMPORARY" || object == "UNLOGGED") object = "TABLE";
    if (object == "OWNED") {
      out.push_back({"drop-owned", trimmed(), "DROP OWNED"});
    } else if (!drops_nothing(object)) {
      out.push_back({"drop", trimmed(), "DROP " + object + " (not parsed by PostgreSQL's parser)"});
    }
  } else if (first == "COPY" && std::any_of(toks.begin(), toks.end(), [](const auto& t) { return t.text == "PROGRAM"; })) {
    out.push_back({"copy-program", trimmed(), "COPY … PROGRAM (not parsed by PostgreSQL's parser)"});
  } else if (first == "TRUNCATE") {
    out.push_back({"truncate", trimmed(), "TRUNCATE (not parsed by PostgreSQL's parser)"});
  } else if ((first == "DELETE" || first == "WITH") && !has_where()) {
    for (const auto& t : toks)
      if (t.text == "DELETE") {
        out.push_back({"delete-all", trimmed(), "DELETE without WHERE (not parsed by PostgreSQL's parser)"});
        break;
      }
  } else if (first == "DELETE" && where_always_true(stmt, toks)) {
    out.push_back({"delete-all", trimmed(), "DELETE with an always-true WHERE (not parsed by PostgreSQL's parser)"});
  } else if (first == "UPDATE" && !has_where()) {
    out.push_back({"update-all", trimmed(), "UPDATE without WHERE (not parsed by PostgreSQL's parser)"});
  } else if (first == "UPDATE" && where_always_true(stmt, toks)) {
    out.push_back({"update-all", trimmed(), "UPDATE with an always-true WHERE (not parsed by PostgreSQL's parser)"});
  } else if (first == "PREPARE") {
    // MySQL: PREPARE s FROM 'DROP TABLE t' runs the text later with EXECUTE s
    for (auto& f : scan_for_destructive(string_constants(stmt)))
      out.push_back({f.kind, trimmed(), f.detail + " in a prepared statement"});
  } else if (first == "ALTER") {
    // what holds no data: constraints, keys, indexes, defaults (MySQL: DROP FOREIGN KEY,
    // DROP PRIMARY KEY, DROP CHECK, DROP INDEX/KEY)
    static const char* keep[] = {"CONSTRAINT", "DEFAULT", "NOT", "INDEX", "IDENTITY", "EXPRESSION",
                                 "FOREIGN", "PRIMARY", "CHECK", "KEY", "TRIGGER"};
    auto holds_nothing = [&](const std::string& w) {
      for (const char* k : keep)
        if (w == k) return true;
      return false;
    };
    for (std::size_t k = i + 1; k + 1 < toks.size(); ++k)
      if (toks[k].text == "DROP" && !holds_nothing(toks[k + 1].text)) {
        out.push_back({"drop-column", trimmed(), "ALTER … DROP (not parsed by PostgreSQL's parser)"});
        break;
      }
    // ClickHouse mutations: ALTER TABLE t DELETE|UPDATE … WHERE <always true>
    for (std::size_t k = i + 1; k < toks.size(); ++k) {
      if (toks[k].text != "DELETE" && toks[k].text != "UPDATE") continue;
      if (!has_where() || where_always_true(stmt, toks))
        out.push_back({toks[k].text == "DELETE" ? "delete-all" : "update-all", trimmed(),
                       "ALTER TABLE … " + toks[k].text + " of every row (not parsed by PostgreSQL's parser)"});
      break;
    }
  }
}

// The byte offset of PostgreSQL's 1-based character position (errors count characters).
std::size_t byte_offset_of(const std::string& text, int cursorpos) {
  std::size_t i = 0;
  for (int chars = 1; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // inside a character
    if (chars++ == cursorpos) break;
  }
  return i;
}

// Statement spans of the text as the scanner splits it (see split_statements), in
// one call.
std::vector<TextSpan> spans_in_one_scan(const std::string& text, bool retry = true) {
  std::vector<TextSpan> spans;
  PgQuerySplitResult split = pg_query_split_with_scanner(text.c_str());
  if (split.error) {
    // The scanner stops where it cannot go on (an unterminated quote or comment).
    // psql sends each statement as its `;` arrives, so the complete statements before
    // that point run: split them, and keep the rest, from the start of the statement
    // left open, as one last statement.
    std::size_t stop = split.error->cursorpos > 1 ? byte_offset_of(text, split.error->cursorpos) : 0;
    if (retry && stop > 0 && stop < text.size()) spans = spans_in_one_scan(text.substr(0, stop), false);
    std::size_t rest = 0;
    while (!spans.empty()) {
      std::size_t after = spans.back().end;
      while (after < stop && std::isspace(static_cast<unsigned char>(text[after]))) ++after;
      if (after < stop && text[after] == ';') {
        rest = after + 1;
        break;
      }
      spans.pop_back();  // not ended by `;`: it goes on into the rest
    }
    while (rest < text.size() && std::isspace(static_cast<unsigned char>(text[rest]))) ++rest;
    if (rest < text.size()) spans.push_back({rest, text.size()});
  } else {
    for (int k = 0; k < split.n_stmts; ++k) {
      const auto* s = split.stmts[k];
      if (s->stmt_location < 0 || s->stmt_len < 0 ||
          static_cast<size_t>(s->stmt_location) + static_cast<size_t>(s->stmt_len) > text.size())
        continue;
      spans.push_back({static_cast<size_t>(s->stmt_location),
                       static_cast<size_t>(s->stmt_location) + static_cast<size_t>(s->stmt_len)});
    }
  }
  pg_query_free_split_result(split);
  return spans;
}

// The scanner keeps every identifier it lowercases until it returns: 14 MB for a
// 4 MiB script. A long text is split a piece at a time. A piece's statements that
// end at a `;` of its own are the text's: the splitter's state after such a `;` (no
// open parenthesis, no keyword since, the scanner outside any quote) is the state
// it starts in. The next piece starts there. A piece ends after a `;` and a newline
// where it has one, so that it seldom cuts a quote; where a piece ends no statement
// (a quote cut, a statement longer than it), it doubles. The last is split as before.
// Where the scanner stops inside a token (an invalid Unicode escape: its position is
// not where a statement could begin), the whole text's one scan cannot split what
// came before and makes it one statement; the pieces have kept those statements.
template <class Each>
void each_statement_span(std::string_view text, std::size_t piece_bytes, const Each& each) {
  std::size_t pos = 0;
  for (std::size_t piece = piece_bytes; text.size() - pos > piece;) {
    std::size_t end = text.rfind(";\n", pos + piece - 2);
    end = end != std::string_view::npos && end > pos ? end + 2 : pos + piece;
    const std::string chunk(text.substr(pos, end - pos));
    PgQuerySplitResult split = pg_query_split_with_scanner(chunk.c_str());
    std::size_t next = pos;
    if (!split.error && split.stmts)
      for (int k = 0; k < split.n_stmts; ++k) {
        const auto* st = split.stmts[k];
        if (st->stmt_location < 0 || st->stmt_len < 0) continue;
        const std::size_t b = static_cast<std::size_t>(st->stmt_location), e = b + static_cast<std::size_t>(st->stmt_len);
        if (e >= chunk.size() || chunk[e] != ';') break;  // ended by the piece, not by a `;`
        each(TextSpan{pos + b, pos + e});
        next = pos + e + 1;
      }
    pg_query_free_split_result(split);
    if (next == pos) {
      piece *= 2;
    } else {
      pos = next;
      piece = piece_bytes;
    }
  }
  for (const auto& s : spans_in_one_scan(std::string(text.substr(pos)))) each(TextSpan{pos + s.begin, pos + s.end});
}

std::vector<TextSpan> statement_spans(std::string_view text) {
  std::vector<TextSpan> spans;
  each_statement_span(text, kScanPieceBytes, [&](const TextSpan& s) { spans.push_back(s); });
  return spans;
}

}  // namespace

std::size_t for_each_statement(std::string_view sql, const std::function<void(std::string_view)>& each,
                               std::size_t piece_bytes) {
  std::size_t n = 0;
  each_statement_span(sql, piece_bytes, [&](const TextSpan& s) {
    ++n;
    each(sql.substr(s.begin, s.end - s.begin));
  });
  return n;
}

std::vector<std::string> split_statements(const std::string& sql) {
  std::vector<std::string> out;
  for_each_statement(sql, [&](std::string_view s) { out.emplace_back(s); });
  return out;
}

std::string string_constants(std::string_view q) {
  std::string literal;
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q[i] != '\'') continue;
    std::size_t j = i + 1;
    while (j < q.size() && !(q[j] == '\'' && (j + 1 >= q.size() || q[j + 1] != '\''))) j += (q[j] == '\'') ? 2 : 1;
    literal += std::string(q.substr(i + 1, j - i - 1)) + " ";
    i = j;
  }
  return literal;
}

bool may_be_destructive(std::string_view statement) {
  for (const auto& t : tokens_of(std::string(statement)))
    if (t.text == "DROP" || t.text == "TRUNCATE" || t.text == "DELETE" || t.text == "UPDATE" || t.text == "DO" ||
        t.text == "FUNCTION" || t.text == "PROCEDURE" || t.text == "PREPARE" || t.text == "PROGRAM")
      return true;
  return false;
}

std::vector<TextSpan> procedural_statement_spans(std::string_view body) {
  std::string text(body);
  std::vector<TextSpan> out;
  for (const auto& stmt : statement_spans(text)) {
    out.push_back(stmt);
    auto toks = tokens_of(text.substr(stmt.begin, stmt.end - stmt.begin));
    for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
      const std::string& t = toks[i].text;
      if (t == "BEGIN" || t == "LOOP" || t == "THEN" || t == "ELSE" || t == ">>")
        out.push_back({stmt.begin + toks[i + 1].start, stmt.end});
    }
  }
  return out;
}

std::vector<SqlFinding> scan_for_destructive(std::string_view sql) {
  std::vector<SqlFinding> out;
  std::string text(sql);
  std::replace(text.begin(), text.end(), '\0', ' ');  // C strings below: nothing may hide after a NUL
  PgQuerySplitResult split = pg_query_split_with_scanner(text.c_str());
  if (split.error || split.n_stmts == 0) {
    judge_statement(text, out);
  } else {
    for (int k = 0; k < split.n_stmts; ++k) {
      const auto* s = split.stmts[k];
      if (s->stmt_location < 0 || static_cast<size_t>(s->stmt_location + s->stmt_len) > text.size()) continue;
      judge_statement(text.substr(static_cast<size_t>(s->stmt_location), static_cast<size_t>(s->stmt_len)), out);
    }
  }
  pg_query_free_split_result(split);
  return out;
}

}  // namespace dbguard::sql
