#include "sql/classify.h"

#include <pg_query.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "sql/always_true.h"
#include "sql/keyword_prefilter.h"
#include "support/utf8.h"
#include "sql/scanner_fallback.h"

namespace dbguard::sql {
namespace {

using nlohmann::json;

constexpr int kMaxBodyDepth = 4;  // DO blocks inside function bodies inside ...

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == ';')) s.pop_back();
  return s;
}

// Objects whose DROP loses rows. Types, domains and extensions lose columns
// only with CASCADE.
bool drop_holds_data(const std::string& type, bool cascade) {
  static const char* data[] = {"OBJECT_TABLE", "OBJECT_SCHEMA", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE",
                               "OBJECT_SEQUENCE", "OBJECT_DATABASE"};
  for (const char* d : data)
    if (type == d) return true;
  if (cascade && (type == "OBJECT_TYPE" || type == "OBJECT_DOMAIN" || type == "OBJECT_EXTENSION")) return true;
  return false;
}

std::string object_word(const std::string& type) {
  std::string s = type.rfind("OBJECT_", 0) == 0 ? type.substr(7) : type;
  if (s == "MATVIEW") s = "MATERIALIZED VIEW";
  for (auto& c : s)
    if (c == '_') c = ' ';
  return s;
}

std::string dropped_names(const json& drop) {
  std::string names;
  if (!drop.contains("objects")) return names;
  for (const auto& obj : drop["objects"]) {
    std::string name;
    const json* items = nullptr;
    if (obj.contains("List")) items = &obj["List"]["items"];
    if (items) {
      for (const auto& part : *items)
        if (part.contains("String")) name += (name.empty() ? "" : ".") + part["String"].value("sval", "");
    } else if (obj.contains("String")) {
      name = obj["String"].value("sval", "");
    }
    if (!name.empty()) names += (names.empty() ? "" : ", ") + name;
  }
  return names;
}

bool starts_with_word(const std::string& text, const char* word) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::size_t n = std::char_traits<char>::length(word);
  if (text.size() - i < n) return false;
  for (std::size_t k = 0; k < n; ++k)
    if (std::toupper(static_cast<unsigned char>(text[i + k])) != word[k]) return false;
  return i + n == text.size() || !(std::isalnum(static_cast<unsigned char>(text[i + n])) || text[i + n] == '_');
}

class Classifier {
 public:
  Classifier(std::vector<SqlFinding>& out, int depth) : out_(out), depth_(depth) {}

  void walk(const json& node, const std::string& stmt) {
    if (node.is_array()) {
      for (const auto& e : node) walk(e, stmt);
      return;
    }
    if (!node.is_object()) return;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string& key = it.key();
      const json& v = it.value();
      if (key == "FuncCall" && sends_sql(v)) {
        judge_sent_sql(v, stmt);
      } else if (key == "DropStmt") {
        std::string type = v.value("removeType", "");
        bool cascade = v.value("behavior", "") == "DROP_CASCADE";
        if (drop_holds_data(type, cascade))
          add("drop", stmt, "DROP " + object_word(type) + " " + dropped_names(v) + (cascade ? " CASCADE" : ""));
      } else if (key == "DropdbStmt") {
        add("drop", stmt, "DROP DATABASE " + v.value("dbname", ""));
      } else if (key == "DropOwnedStmt") {
        add("drop-owned", stmt, "DROP OWNED");
      } else if (key == "CopyStmt" && v.value("is_program", false)) {
        // The database server runs the program through its shell, as its own user.
        add("copy-program", stmt, "COPY … PROGRAM '" + v.value("filename", "") + "'");
      } else if (key == "TruncateStmt") {
        add("truncate", stmt, "TRUNCATE");
      } else if (key == "DeleteStmt") {
        if (!v.contains("whereClause")) add("delete-all", stmt, "DELETE without WHERE on " + relname(v));
        else if (always_true(v["whereClause"])) add("delete-all", stmt, "DELETE with an always-true WHERE on " + relname(v));
      } else if (key == "UpdateStmt") {
        if (!v.contains("whereClause")) add("update-all", stmt, "UPDATE without WHERE on " + relname(v));
        else if (always_true(v["whereClause"])) add("update-all", stmt, "UPDATE with an always-true WHERE on " + relname(v));
      } else if (key == "AlterTableCmd") {
        if (v.value("subtype", "") == "AT_DropColumn") add("drop-column", stmt, "DROP COLUMN " + v.value("name", ""));
      } else if (key == "MergeStmt") {
        judge_merge(v, stmt);
      } else if (key == "ExplainStmt" && !explain_runs(v)) {
        continue;  // EXPLAIN without ANALYZE plans the statement; it does not run it
      } else if (key == "DoStmt") {
        walk_procedural_body(v, stmt, "");
      } else if (key == "CreateFunctionStmt") {
        walk_procedural_body(v, stmt, "function");
      }
      walk(v, stmt);
    }
  }

 private:
  // dblink_exec(conn, sql) and dblink(conn, sql) run SQL on another connection.
  static bool sends_sql(const json& call) {
    if (!call.contains("funcname") || !call["funcname"].is_array() || call["funcname"].empty()) return false;
    std::string name = call["funcname"].back().value("String", json::object()).value("sval", "");
    return name == "dblink_exec" || name == "dblink";
  }

  // Each string constant among the call's arguments, judged as SQL.
  void judge_sent_sql(const json& call, const std::string& stmt) {
    if (depth_ >= kMaxBodyDepth || !call.contains("args")) return;
    for (const auto& arg : call["args"]) {
      std::string text = arg.value("A_Const", json::object()).value("sval", json::object()).value("sval", "");
      if (text.empty() || !may_be_destructive(text)) continue;
      std::vector<SqlFinding> inner;
      classify_into(text, inner, depth_ + 1, text);
      for (auto& f : inner) out_.push_back({f.kind, stmt, f.detail + " sent through dblink"});
    }
  }

  static std::string relname(const json& v) {
    return v.contains("relation") ? v["relation"].value("relname", "?") : "?";
  }

  void add(const std::string& kind, const std::string& stmt, const std::string& detail) {
    out_.push_back({kind, stmt, detail});
  }

  // EXPLAIN ANALYZE (or EXPLAIN (ANALYZE [true])) runs the statement it explains.
  static bool explain_runs(const json& v) {
    if (!v.contains("options")) return false;
    for (const auto& o : v["options"]) {
      if (!o.contains("DefElem") || o["DefElem"].value("defname", "") != "analyze") continue;
      if (!o["DefElem"].contains("arg")) return true;
      std::string arg = o["DefElem"]["arg"].dump();
      for (auto& c : arg) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return arg.find("false") == std::string::npos && arg.find("\"off\"") == std::string::npos &&
             arg.find("\"0\"") == std::string::npos;
    }
    return false;
  }

  // MERGE … ON <always true> WHEN MATCHED THEN DELETE/UPDATE reaches every row,
  // as a DELETE/UPDATE with that WHERE would.
  void judge_merge(const json& v, const std::string& stmt) {
    if (!v.contains("joinCondition") || !always_true(v["joinCondition"]) || !v.contains("mergeWhenClauses")) return;
    for (const auto& c : v["mergeWhenClauses"]) {
      if (!c.contains("MergeWhenClause")) continue;
      const json& w = c["MergeWhenClause"];
      bool matched = w.value("matched", false) || w.value("kind", "") == "MERGE_WHEN_MATCHED";
      if (!matched || (w.contains("condition") && !always_true(w["condition"]))) continue;
      std::string cmd = w.value("commandType", "");
      if (cmd == "CMD_DELETE") add("delete-all", stmt, "MERGE … WHEN MATCHED THEN DELETE with an always-true ON on " + relname(v));
      else if (cmd == "CMD_UPDATE") add("update-all", stmt, "MERGE … WHEN MATCHED THEN UPDATE with an always-true ON on " + relname(v));
    }
  }

  // EXECUTE of text built at run time: judged by the string constants it is built
  // from; with none to judge (EXECUTE sql_var, format('%s', v)), it is unknown.
  void judge_dynamic(const std::string& q, const std::string& stmt) {
    std::string constants = string_constants(q);
    std::string words;
    for (std::size_t i = 0; i < constants.size(); ++i) {
      if (constants[i] == '%' && i + 1 < constants.size()) { ++i; continue; }  // format() placeholders
      if (!std::isspace(static_cast<unsigned char>(constants[i])) && constants[i] != '(' && constants[i] != ')' &&
          constants[i] != ';' && constants[i] != ',')
        words += constants[i];
    }
    if (words.empty()) {
      out_.push_back({"dynamic-execute", stmt, "EXECUTE " + trim(q) + ": SQL only known at run time"});
      return;
    }
    for (auto& f : scan_for_destructive(constants)) out_.push_back({f.kind, stmt, f.detail + " in dynamic EXECUTE"});
  }

  // DO $$ … $$ and LANGUAGE plpgsql function bodies: the SQL they hold runs too.
  void walk_procedural_body(const json& v, const std::string& stmt, const std::string&) {
    if (depth_ >= kMaxBodyDepth) return;
    std::string body, language = "plpgsql";
    auto scan_defs = [&](const json& defs) {
      for (const auto& d : defs) {
        if (!d.contains("DefElem")) continue;
        const json& de = d["DefElem"];
        std::string name = de.value("defname", "");
        if (name == "as" && de.contains("arg")) {
          const json& arg = de["arg"];
          if (arg.contains("String")) body = arg["String"].value("sval", "");
          else if (arg.contains("List") && arg["List"].contains("items") && !arg["List"]["items"].empty() &&
                   arg["List"]["items"][0].contains("String"))
            body = arg["List"]["items"][0]["String"].value("sval", "");
        } else if (name == "language" && de.contains("arg") && de["arg"].contains("String")) {
          language = de["arg"]["String"].value("sval", "");
        }
      }
    };
    if (v.contains("args")) scan_defs(v["args"]);
    if (v.contains("options")) scan_defs(v["options"]);
    if (body.empty()) return;
    if (language == "sql") {
      classify_into(body, out_, depth_ + 1, stmt);
      return;
    }
    if (language != "plpgsql") {
      // plpython3u, plperl, plv8, …: their code hands SQL to the server as strings
      // (plpy.execute('…'), spi_exec_query("…"), plv8.execute('…')): judge every string.
      judge_foreign_body(body, stmt, language);
      return;
    }
    std::string wrapped = "CREATE FUNCTION dbguard_body() RETURNS void AS $dbguard_body$" + body +
                          "$dbguard_body$ LANGUAGE plpgsql";
    PgQueryPlpgsqlParseResult r = pg_query_parse_plpgsql(wrapped.c_str());
    if (r.error) {
      judge_uncompiled_body(body, stmt);
    } else if (r.plpgsql_funcs) {
      json tree = json::parse(r.plpgsql_funcs, nullptr, false);
      if (tree.is_discarded())
        judge_uncompiled_body(body, stmt);
      else
        collect_queries(tree, stmt);
    }
    pg_query_free_plpgsql_parse_result(r);
  }

  // The string literals ('…', "…") of a body in another language, each judged as SQL.
  void judge_foreign_body(const std::string& body, const std::string& stmt, const std::string& language) {
    for (std::size_t i = 0; i < body.size(); ++i) {
      char q = body[i];
      if (q != '\'' && q != '"') continue;
      std::size_t j = i + 1;
      std::string text;
      while (j < body.size() && body[j] != q) {
        if (body[j] == '\\' && j + 1 < body.size()) ++j;
        text += body[j++];
      }
      if (may_be_destructive(text)) {
        std::vector<SqlFinding> inner;
        classify_into(text, inner, depth_ + 1, stmt);
        for (auto& f : inner) out_.push_back({f.kind, stmt, f.detail + " in a " + language + " body"});
      }
      i = j;
    }
  }

  // A body libpg_query's PL/pgSQL compiler rejects may still run: the compiler lacks
  // parts of PostgreSQL's (FOR r IN cursor LOOP is one). Judge the text from every
  // place a statement may begin, by the parser where it accepts the statement and by
  // the scanner where not; EXECUTE by the string constants it is built from.
  void judge_uncompiled_body(const std::string& body, const std::string& stmt) {
    std::vector<SqlFinding> inner;
    for (const auto& span : procedural_statement_spans(body)) {
      std::string text = body.substr(span.begin, span.end - span.begin);
      if (starts_with_word(text, "EXECUTE")) {
        judge_dynamic(text.substr(text.find_first_not_of(" \t\r\n") + 7), stmt);
      } else if (may_be_destructive(text)) {
        classify_into(text, inner, depth_ + 1, stmt, false);
      }
    }
    for (auto& f : inner) out_.push_back({f.kind, stmt, f.detail + " in a procedural body"});
  }

  void collect_queries(const json& node, const std::string& stmt) {
    if (node.is_array()) {
      for (const auto& e : node) collect_queries(e, stmt);
      return;
    }
    if (!node.is_object()) return;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if ((it.key() == "PLpgSQL_stmt_dynexecute" || it.key() == "PLpgSQL_stmt_dynfors") &&
          it.value().contains("query")) {
        // EXECUTE 'DROP TABLE ' || t: judge the string constants it is built from
        judge_dynamic(it.value()["query"].value("PLpgSQL_expr", json::object()).value("query", ""), stmt);
      } else if (it.key() == "dynquery" && it.value().is_object()) {  // RETURN QUERY EXECUTE, OPEN … FOR EXECUTE
        judge_dynamic(it.value().value("PLpgSQL_expr", json::object()).value("query", ""), stmt);
      } else if (it.key() == "PLpgSQL_expr" && it.value().contains("query")) {
        std::string q = it.value().value("query", "");
        std::vector<SqlFinding> inner;
        classify_into(q, inner, depth_ + 1, stmt);
        for (auto& f : inner) out_.push_back({f.kind, stmt, f.detail + " in a procedural body"});
      }
      collect_queries(it.value(), stmt);
    }
  }

 public:
  static void classify_into(const std::string& sql, std::vector<SqlFinding>& out, int depth, const std::string& stmt,
                            bool split = true) {
    PgQueryParseResult r = pg_query_parse(sql.c_str());
    json tree = !r.error && r.parse_tree ? json::parse(r.parse_tree, nullptr, false) : json();
    const bool too_deep = past_parser_bound(r.error);
    pg_query_free_parse_result(r);
    if (tree.is_object()) {
      Classifier c(out, depth);
      c.walk(tree, stmt);
    } else {
      classify_rejected(sql, split ? split_statements(sql) : std::vector<std::string>{}, out, depth, stmt, too_deep);
    }
  }

  // The parser stopped at a bound of its own (bison's stack of 10,000 nested
  // expressions, PostgreSQL's stack depth check), not at a syntax error.
  static bool past_parser_bound(const PgQueryError* e) {
    if (!e || !e->message) return false;
    const std::string_view m = e->message;
    return m.starts_with("memory exhausted") || m.starts_with("stack depth limit exceeded");
  }

  // Text the parser rejects as a whole. psql and the other clients run a script
  // statement by statement, so one statement they reject does not stop the others:
  // each statement the parser accepts on its own is judged by its tree (procedural
  // bodies, always-true WHEREs), only the rest by the scanner's tokens. `stmt` names
  // the statement findings belong to; empty: each statement itself.
  // `too_deep`: the parser stopped at its bound on nesting. The scanner sees a WHERE
  // but not whether it is always true (`WHERE ((…true…))`), so a statement that may
  // delete data is denied as such, and one that cannot is not (no scanner finding
  // is possible without the keywords may_be_destructive looks for).
  static void classify_rejected(const std::string& sql, const std::vector<std::string>& statements,
                                std::vector<SqlFinding>& out, int depth, const std::string& stmt, bool too_deep) {
    if (statements.size() < 2) {
      if (too_deep) {  // one reading of its tokens: whatever the scanner found, it is denied
        if (may_be_destructive(sql))
          out.push_back({"too-deep", stmt.empty() ? trim(sql) : stmt, "nested deeper than PostgreSQL's parser reads"});
        return;
      }
      for (auto& f : scan_for_destructive(sql)) out.push_back({f.kind, stmt.empty() ? f.statement : stmt, f.detail});
      return;
    }
    for (const auto& text : statements)
      if (may_be_destructive(text)) classify_into(text, out, depth, stmt.empty() ? trim(text) : stmt, false);
  }

 private:
  std::vector<SqlFinding>& out_;
  int depth_;
};

}  // namespace

namespace {

// libpg_query reads a C string: a NUL byte (a file may hold one) would hide
// everything after it, while psql goes on with the next line; and it rejects
// invalid UTF-8. Text with neither can be read as it is.
bool parser_ready_as_is(std::string_view sql_text) {
  return sql_text.find('\0') == std::string_view::npos && valid_utf8_prefix(sql_text) == sql_text.size();
}

// A copy libpg_query can read, the whole text judged.
std::string parser_ready(std::string_view sql_text) {
  std::string sql(sql_text);
  std::replace(sql.begin(), sql.end(), '\0', ' ');
  // Most text is valid UTF-8: this copy is the only one (valid_utf8 makes another).
  if (valid_utf8_prefix(sql) == sql.size()) return sql;
  return valid_utf8(sql);
}

}  // namespace

SqlVerdict classify_script(std::string_view sql_text, bool list_statements) {
  if (sql_text.size() < kScriptPrefilterBytes) return classify(sql_text);
  // The keyword check reads the text as given, before parser_ready copies it: a
  // NUL byte, an invalid UTF-8 byte and its replacement are none of them part of
  // a word, so the words are the same. A seed file that names no keyword (the
  // usual large script) is then never copied.
  if (!list_statements && !names_destructive_keyword(sql_text)) return {};
  // The pieces the splitter reads and the candidates are copies of their own: the
  // text is copied whole only where a NUL byte or invalid UTF-8 must be replaced.
  std::string fixed;
  std::string_view sql = sql_text;
  if (!parser_ready_as_is(sql_text)) {
    fixed = parser_ready(sql_text);
    sql = fixed;
  }
  // Each statement looked at where it lies: as strings, a 4 MiB script's took 8 MB more.
  std::string candidates;
  std::vector<std::string> listed;
  const std::size_t statements = for_each_statement(sql, [&](std::string_view s) {
    if (names_destructive_keyword(s)) candidates.append(s).append(";\n");
    // Listed only for a reader of them (explain): a 1 MiB seed file's statements are
    // another 1 MiB, in ten thousand strings.
    if (list_statements) listed.push_back(trim(std::string(s)));
  });
  if (statements == 0) return classify(sql);  // unterminated quote or comment: judged whole
  SqlVerdict v = candidates.empty() ? SqlVerdict{} : classify(candidates);
  v.statements = std::move(listed);
  return v;
}

namespace {

SqlVerdict classify_uncached(std::string_view sql_text);

// The verdict is a function of the text alone, and the same statement is often
// judged again: `psql $URL -c SQL` once per candidate for the run-time argument
// (seventeen parses of one statement), the same query across a batch. Short texts
// only, a bounded number of them.
constexpr std::size_t kCachedTextBytes = 4096, kCachedTexts = 64;
thread_local std::unordered_map<std::string, SqlVerdict> recent;

}  // namespace

SqlVerdict classify(std::string_view sql_text) {
  if (sql_text.size() > kCachedTextBytes) return classify_uncached(sql_text);
  std::string key(sql_text);
  if (auto it = recent.find(key); it != recent.end()) return it->second;
  SqlVerdict v = classify_uncached(sql_text);
  if (recent.size() >= kCachedTexts) recent.clear();
  recent.emplace(std::move(key), v);
  return v;
}

namespace {

SqlVerdict classify_uncached(std::string_view sql_text) {
  SqlVerdict v;
  std::string sql = parser_ready(sql_text);
  PgQueryParseResult r = pg_query_parse(sql.c_str());
  json tree;
  if (!r.error) {
    tree = json::parse(r.parse_tree ? r.parse_tree : "{}", nullptr, false);
    pg_query_free_parse_result(r);
  }
  // Parsed but its tree cannot be read: judge the tokens rather than nothing.
  if (r.error || !tree.is_object()) {
    v.parsed = false;
    v.parse_error = !r.error ? "parse tree unreadable" : r.error->message ? r.error->message : "syntax error";
    const bool too_deep = Classifier::past_parser_bound(r.error);
    if (r.error) pg_query_free_parse_result(r);
    // split by the scanner for display; each statement judged on its own
    std::vector<std::string> statements = split_statements(sql);
    for (const auto& text : statements) v.statements.push_back(trim(text));
    Classifier::classify_rejected(sql, statements, v.findings, 0, "", too_deep);
    return v;
  }
  if (!tree.contains("stmts")) return v;  // only comments or whitespace
  for (const auto& s : tree["stmts"]) {
    std::size_t loc = s.value("stmt_location", 0);
    std::size_t len = s.contains("stmt_len") ? s.value("stmt_len", 0) : sql.size() - loc;
    if (len == 0 || loc + len > sql.size()) len = sql.size() - std::min(loc, sql.size());
    std::string text = trim(sql.substr(std::min(loc, sql.size()), len));
    v.statements.push_back(text);
    Classifier c(v.findings, 0);
    if (s.contains("stmt")) c.walk(s["stmt"], text);
  }
  return v;
}

}  // namespace

}  // namespace dbguard::sql
