#include "sql/scanner_fallback.h"

#include <pg_query.h>

#include <algorithm>
#include <pg_query/pg_query.pb-c.h>

#include <string>

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
  } else if (first == "TRUNCATE") {
    out.push_back({"truncate", trimmed(), "TRUNCATE (not parsed by PostgreSQL's parser)"});
  } else if ((first == "DELETE" || first == "WITH") && !has_where()) {
    for (const auto& t : toks)
      if (t.text == "DELETE") {
        out.push_back({"delete-all", trimmed(), "DELETE without WHERE (not parsed by PostgreSQL's parser)"});
        break;
      }
  } else if (first == "UPDATE" && !has_where()) {
    out.push_back({"update-all", trimmed(), "UPDATE without WHERE (not parsed by PostgreSQL's parser)"});
  } else if (first == "ALTER") {
    for (std::size_t k = i + 1; k + 1 < toks.size(); ++k)
      if (toks[k].text == "DROP" && toks[k + 1].text != "CONSTRAINT" && toks[k + 1].text != "DEFAULT" &&
          toks[k + 1].text != "NOT" && toks[k + 1].text != "INDEX" && toks[k + 1].text != "IDENTITY" &&
          toks[k + 1].text != "EXPRESSION") {
        out.push_back({"drop-column", trimmed(), "ALTER … DROP (not parsed by PostgreSQL's parser)"});
        break;
      }
  }
}

// Statement spans of the text as the scanner splits it; when it cannot split the
// text (an unterminated quote), one span for the whole text and split_ok false.
std::vector<TextSpan> statement_spans(const std::string& text, bool* split_ok = nullptr) {
  std::vector<TextSpan> spans;
  PgQuerySplitResult split = pg_query_split_with_scanner(text.c_str());
  if (split_ok) *split_ok = !split.error;
  if (split.error) {
    spans.push_back({0, text.size()});
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

}  // namespace

std::vector<std::string> split_statements(std::string_view sql) {
  std::string text(sql);
  std::vector<std::string> out;
  bool ok = false;
  auto spans = statement_spans(text, &ok);
  if (ok)
    for (const auto& span : spans) out.push_back(text.substr(span.begin, span.end - span.begin));
  return out;
}

bool may_be_destructive(std::string_view statement) {
  for (const auto& t : tokens_of(std::string(statement)))
    if (t.text == "DROP" || t.text == "TRUNCATE" || t.text == "DELETE" || t.text == "UPDATE" || t.text == "DO" ||
        t.text == "FUNCTION" || t.text == "PROCEDURE")
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
