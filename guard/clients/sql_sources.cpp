#include "clients/sql_sources.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string_view>

#include <re2/re2.h>

#include "sql/scanner_fallback.h"
#include "support/files.h"
#include "support/text.h"
#include "unwrap/file_writes.h"

namespace dbguard::clients {
namespace {

// How one client takes SQL. Options not listed here take no value.
struct ClientSpec {
  std::string program;
  std::vector<std::string> subcommand;     // words after the program: cockroach sql, prisma db execute
  std::string sql_short;                   // short options whose value is SQL
  std::vector<std::string> sql_long;
  std::string file_short;                  // short options whose value is a SQL file
  std::vector<std::string> file_long;
  std::string value_short;                 // other short options that take a value
  std::vector<std::string> value_long;
  int positional_sql_from = -1;            // positional operands from this index on are SQL (sqlite3: 1)
  MetaSyntax meta = MetaSyntax::None;
  std::string attached_only_short = "";    // short options whose value, if any, is attached: mysql -pSECRET
};

// The programs specs() describes, compared before the table is built: most commands
// name none of them, and building it (its strings and vectors) was 12% of a trivial
// call. specs() refuses a program missing here (guard.internal-error, never a client
// passed over).
constexpr std::string_view kClientPrograms[] = {"psql",       "mysql",     "mariadb", "sqlite3", "duckdb",
                                                "clickhouse-client", "clickhouse", "cockroach", "usql", "prisma"};

bool names_a_client(std::string_view program) {
  return std::find(std::begin(kClientPrograms), std::end(kClientPrograms), program) != std::end(kClientPrograms);
}

const std::vector<ClientSpec>& specs() {
  static const std::vector<ClientSpec> s = {
      {"psql", {}, "c", {"command"}, "f", {"file"}, "dhpUvPoLTFR",
       {"dbname", "host", "port", "username", "set", "variable", "pset", "output", "log-file", "field-separator",
        "record-separator", "table-attr"}, -1, MetaSyntax::Psql},
      // --init-command runs SQL on connecting; -pSECRET is a password, not -p -s -e cret
      {"mysql", {}, "e", {"execute", "init-command"}, "", {}, "hPuDSWAO",
       {"host", "port", "user", "database", "socket", "default-character-set", "defaults-file",
        "defaults-extra-file", "login-path", "protocol", "delimiter"}, -1, MetaSyntax::Mysql, "p"},
      {"mariadb", {}, "e", {"execute", "init-command"}, "", {}, "hPuDSWAO",
       {"host", "port", "user", "database", "socket", "default-character-set", "defaults-file",
        "defaults-extra-file", "login-path", "protocol", "delimiter"}, -1, MetaSyntax::Mysql, "p"},
      {"sqlite3", {}, "", {"cmd"}, "", {"init"}, "", {"separator", "nullvalue", "newline", "vfs", "maxsize", "mmap",
        "lookaside", "pagecache", "heap"}, 1, MetaSyntax::Sqlite},
      {"duckdb", {}, "c", {"c", "cmd"}, "f", {"f", "init"}, "", {"separator", "nullvalue", "newline"}, 1, MetaSyntax::Sqlite},
      // newer clients also take the query as an operand: clickhouse-client -n "SELECT 1; DROP TABLE t"
      {"clickhouse-client", {}, "q", {"query"}, "", {"queries-file"}, "hudf",
       {"host", "port", "user", "password", "database", "format", "config-file", "param"}, 0, MetaSyntax::Clickhouse},
      {"clickhouse", {"client"}, "q", {"query"}, "", {"queries-file"}, "hudf",
       {"host", "port", "user", "password", "database", "format", "config-file", "param"}, 0, MetaSyntax::Clickhouse},
      {"cockroach", {"sql"}, "e", {"execute"}, "f", {"file"}, "ud",
       {"url", "host", "port", "database", "user", "certs-dir", "format", "set"}, -1, MetaSyntax::Psql},
      {"usql", {}, "c", {"command"}, "f", {"file"}, "", {"set", "variable", "out"}, 0, MetaSyntax::Psql},
      // --file SCRIPT, or --stdin (a flag: the script is stdin, judged below); the SQL goes
      // to whatever database --url / --schema names, in its own dialect
      {"prisma", {"db", "execute"}, "", {}, "", {"file"}, "", {"url", "schema", "datasource"}, -1, MetaSyntax::None},
  };
  static const bool listed = std::all_of(s.begin(), s.end(), [](const ClientSpec& c) { return names_a_client(c.program); });
  if (!listed) throw std::logic_error("a SQL client's program is missing from kClientPrograms");
  return s;
}

const ClientSpec* spec_for(const Invocation& inv) {
  if (inv.argv.empty() || inv.argv[0].dynamic || !names_a_client(inv.argv[0].text)) return nullptr;
  for (const auto& s : specs()) {
    if (s.program != inv.argv[0].text || inv.argv.size() <= s.subcommand.size()) continue;
    bool same = true;
    for (std::size_t k = 0; k < s.subcommand.size(); ++k) same = same && inv.argv[k + 1].text == s.subcommand[k];
    if (same) return &s;
  }
  return nullptr;
}

std::string dir_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == ';')) s.pop_back();
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return s;
}

void read_sql_file(const std::string& path_text, bool dynamic, const std::string& cwd, const std::string& origin,
                   MetaSyntax meta, const SourceLimits& limits, int depth, std::vector<SqlSource>& out) {
  if (dynamic) {
    out.push_back({SqlSource::Kind::Unreadable, "file name only known at run time: " + path_text, origin});
    return;
  }
  if (depth > limits.max_include_depth) {
    out.push_back({SqlSource::Kind::Unreadable, "includes nested deeper than " + std::to_string(limits.max_include_depth), origin});
    return;
  }
  std::string path = resolve_path(cwd, path_text);
  if (std::string why; limits.reader && written_earlier(*limits.reader, path, &why)) {
    out.push_back({SqlSource::Kind::Opaque, path_text + " is " + why + ": its SQL is only known at run time", origin});
    return;
  }
  std::string text, error;
  if (!read_file_bounded(path, limits.max_file_bytes, text, error)) {
    out.push_back({SqlSource::Kind::Unreadable, "cannot read " + path_text + ": " + error, origin});
    return;
  }
  std::string dir = dir_of(path);
  split_script(SharedText(std::move(text)), origin, cwd, meta, limits, depth + 1, out, dir.empty() ? "." : dir);
}

// The shell command a psql meta-command runs on this machine, or "": \g |CMD and
// \o |CMD pipe query output into CMD; \copy … TO|FROM PROGRAM 'CMD' runs CMD. What
// CMD reads is the query's output, which the guard cannot see: it is judged as the
// last stage of a pipeline from an unknown program (`sh` there runs unseen text).
std::string psql_output_command(const std::string& cmd, const std::string& arg) {
  static const std::set<std::string> output = {"g", "gx", "o", "out", "gset"};
  if (output.count(cmd) && !arg.empty() && arg[0] == '|') return "psql-query-output | " + trim(arg.substr(1));
  if (cmd != "copy") return "";
  static const RE2 program(R"((?i)\b(to|from)\s+program\s+'((?:[^']|'')*)')");
  std::string direction, command;
  if (!RE2::PartialMatch(arg, program, &direction, &command)) return "";
  for (std::size_t at = command.find("''"); at != std::string::npos; at = command.find("''", at + 1)) command.erase(at, 1);
  std::transform(direction.begin(), direction.end(), direction.begin(), [](unsigned char c) { return std::tolower(c); });
  return direction == "to" ? "psql-query-output | " + command : command;
}

// A meta-command line: returns true when the line is one (and handles it).
bool handle_meta(std::string_view line, const std::string& origin, const std::string& cwd,
                 const std::string& file_dir, MetaSyntax meta, const SourceLimits& limits, int depth,
                 std::vector<SqlSource>& out) {
  std::size_t first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos) return false;
  if (meta == MetaSyntax::Psql && line[first] != '\\') return false;  // most lines: nothing to copy
  std::string body(line.substr(first));
  auto word_and_arg = [&](std::size_t skip) {
    std::string rest = body.substr(skip);
    std::string cmd = rest.substr(0, rest.find_first_of(" \t"));
    std::string arg = rest.size() > cmd.size() ? trim(rest.substr(cmd.size())) : "";
    return std::make_pair(cmd, arg);
  };
  switch (meta) {
    case MetaSyntax::Psql: {
      if (body[0] != '\\') return false;
      auto [cmd, arg] = word_and_arg(1);
      if (cmd == "i" || cmd == "include" || cmd == "ir" || cmd == "include_relative") {
        // \i reads relative to psql's directory; only \ir relative to the including file
        const std::string& base = (cmd == "ir" || cmd == "include_relative") ? file_dir : cwd;
        std::string resolved = resolve_path(base, arg);
        read_sql_file(resolved, false, cwd, "\\" + cmd + " " + arg + (resolved == arg ? "" : " (" + resolved + ")"),
                      meta, limits, depth, out);
      }
      else if (cmd == "!")
        out.push_back({SqlSource::Kind::Shell, arg, origin + " \\!"});
      else if (auto shell = psql_output_command(cmd, arg); !shell.empty())
        out.push_back({SqlSource::Kind::Shell, shell, origin + " \\" + cmd});
      else if (cmd == "gexec")  // handled by split_script, which holds the query buffer
        return true;
      return true;  // any other meta-command (\dt, \d users, \l) is not SQL
    }
    case MetaSyntax::Mysql: {
      std::string lower = body;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower.rfind("source ", 0) == 0 || lower.rfind("\\. ", 0) == 0) {
        std::string arg = trim(body.substr(body.find_first_of(" \t")));
        read_sql_file(arg, false, cwd, "source " + arg, meta, limits, depth, out);
        return true;
      }
      if (lower.rfind("system ", 0) == 0 || lower.rfind("\\! ", 0) == 0) {
        out.push_back({SqlSource::Kind::Shell, trim(body.substr(body.find_first_of(" \t"))), origin + " system"});
        return true;
      }
      return body[0] == '\\';
    }
    case MetaSyntax::Sqlite: {
      if (body[0] != '.') return false;
      auto [cmd, arg] = word_and_arg(1);
      if (cmd == "read") read_sql_file(arg, false, cwd, ".read " + arg, meta, limits, depth, out);
      else if (cmd == "restore")  // replaces the open database with the backup's contents
        out.push_back({SqlSource::Kind::Destructive, ".restore " + arg + " overwrites the database with " + arg,
                       origin + " .restore", "restore-overwrite"});
      else if (cmd == "shell" || cmd == "system") out.push_back({SqlSource::Kind::Shell, arg, origin + " ." + cmd});
      return true;
    }
    case MetaSyntax::Clickhouse:
    case MetaSyntax::None:
      return false;
  }
  return false;
}

// MySQL and MariaDB run what stands in /*! … */, /*!40000 … */ and /*M!100100 … */
// comments (mysqldump writes them): the markers are blanked so the text is judged.
std::string mysql_executable_comments(const std::string& sql) {
  std::string out = sql;
  for (std::size_t open = out.find("/*"); open != std::string::npos; open = out.find("/*", open + 2)) {
    std::size_t body = open + 2;
    if (body < out.size() && out[body] == 'M') ++body;
    if (body >= out.size() || out[body] != '!') continue;
    ++body;
    while (body < out.size() && std::isdigit(static_cast<unsigned char>(out[body]))) ++body;
    std::size_t close = out.find("*/", body);
    if (close == std::string::npos) break;
    out.replace(open, body - open, body - open, ' ');
    out.replace(close, 2, "  ");
  }
  return out;
}

// MySQL and SQLite quote identifiers with backticks, which PostgreSQL's parser
// rejects: `users` becomes "users" (outside strings and comments) so that the
// statement is judged by its tree (an always-true WHERE) and not only its tokens.
// With backslash_escapes (MySQL, ClickHouse), a quote escaped with a backslash
// inside a string ('it\'s') is doubled as PostgreSQL writes it ('it''s'): read as
// PostgreSQL reads it, the string would end there and swallow every statement after.
std::string backticks_to_double_quotes(const std::string& sql, bool backslash_escapes) {
  std::string out = sql;
  char quote = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (quote == '-' || quote == '#') {  // line comment
      if (c == '\n') quote = 0;
    } else if (quote == '*') {
      if (c == '*' && i + 1 < out.size() && out[i + 1] == '/') { quote = 0; ++i; }
    } else if (quote) {
      if (c == '\\' && quote != '`') {
        if (backslash_escapes && i + 1 < out.size() && out[i + 1] == quote) out[i] = quote;
        ++i;
      }
      else if (c == quote) {
        if (quote == '`') out[i] = '"';
        quote = 0;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '`') {
      quote = c;
      out[i] = '"';
    } else if (c == '#') {
      quote = '#';
    } else if (c == '-' && i + 1 < out.size() && out[i + 1] == '-') {
      quote = '-';
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
      quote = '*';
      ++i;
    }
  }
  return out;
}

// Where psql's lexer is at the end of a line: inside a quoted string, a dollar
// quote or a block comment, a backslash is text, not a meta-command.
struct PsqlLexState {
  char quote = 0;         // ' " or '*' (block comment) or '$' (dollar quote)
  std::string dollar_tag;
};

// The offset of the meta-command's backslash in `line`, npos when none. Tracks
// statement ends (`;` outside quotes) in `buffer_start`, relative to `sql` plus
// the line, so that \gexec knows the query it runs.
std::size_t psql_meta_start(std::string_view line, PsqlLexState& st, const std::string& sql,
                            std::size_t& buffer_start) {
  // Outside quotes, the characters that can start or end something here; a script's
  // lines are mostly others, skipped by table (a heredoc of SQL is read a line at a time).
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view("'\"-/$;\\")) t[c] = true;
    return t;
  }();
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (st.quote == 0) {
      while (i < line.size() && !kSpecial[static_cast<unsigned char>(line[i])]) ++i;
      if (i == line.size()) break;
    } else if (st.quote == '\'' || st.quote == '"') {
      std::size_t close = line.find(st.quote, i);  // nothing else counts inside the string
      if (close == std::string_view::npos) break;
      i = close;
    }
    char c = line[i];
    if (st.quote == '*') {
      if (c == '*' && i + 1 < line.size() && line[i + 1] == '/') { st.quote = 0; ++i; }
    } else if (st.quote == '$') {
      if (line.compare(i, st.dollar_tag.size(), st.dollar_tag) == 0) {
        i += st.dollar_tag.size() - 1;
        st.quote = 0;
      }
    } else if (st.quote) {
      if (c == st.quote) st.quote = 0;
    } else if (c == '\'' || c == '"') {
      st.quote = c;
    } else if (c == '-' && i + 1 < line.size() && line[i + 1] == '-') {
      return std::string::npos;  // a comment to the end of the line
    } else if (c == '/' && i + 1 < line.size() && line[i + 1] == '*') {
      st.quote = '*';
      ++i;
    } else if (c == '$') {
      std::size_t end = line.find('$', i + 1);
      std::string tag = end == std::string_view::npos ? "" : std::string(line.substr(i, end - i + 1));
      bool ok = !tag.empty() && std::all_of(tag.begin() + 1, tag.end() - 1, [](unsigned char ch) {
        return std::isalnum(ch) || ch == '_';
      });
      if (ok && !(tag.size() > 2 && std::isdigit(static_cast<unsigned char>(tag[1])))) {
        st.quote = '$';
        st.dollar_tag = tag;
        i = end;
      }
    } else if (c == ';') {
      buffer_start = sql.size() + i + 1;
    } else if (c == '\\') {
      return i;
    }
  }
  return std::string::npos;
}

// psql's \gexec runs each value the query returns as a statement: judged by the
// string constants the query builds them from (format('DROP TABLE %I', t));
// a query with none builds SQL only known at run time.
void judge_gexec(const std::string& query, const std::string& origin, std::vector<SqlSource>& out) {
  std::string built = sql::string_constants(query);
  if (built.find_first_not_of(" \t\r\n") == std::string::npos) {
    out.push_back({SqlSource::Kind::Opaque, "\\gexec runs statements only known at run time", origin + " \\gexec"});
    return;
  }
  out.push_back({SqlSource::Kind::Sql, built, origin + " \\gexec (statements built from its string constants)"});
}

// Reads a script a line at a time, as its client does: meta-commands are followed
// (\i, .read, source), psql's query buffer is tracked for \gexec, and the lines that
// are SQL are appended to `sql`.
void read_script_lines(const std::string& text, const std::string& origin, const std::string& cwd,
                       const std::string& here, MetaSyntax meta, const SourceLimits& limits, int depth,
                       std::vector<SqlSource>& out, std::string& sql) {
  PsqlLexState lex;
  std::size_t buffer_start = sql.size();  // where psql's query buffer begins in `sql`
  std::size_t start = 0;
  while (start < text.size()) {  // a newline ends a line: none follows the last one
    std::size_t nl = text.find('\n', start);
    // A view: a script's lines are appended to `sql`, not copied on the way.
    std::string_view line =
        std::string_view(text).substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? text.size() + 1 : nl + 1;
    if (meta == MetaSyntax::Psql) {
      // SELECT 1; \i drop.sql — a backslash outside quotes ends the SQL on the line
      std::size_t at = psql_meta_start(line, lex, sql, buffer_start);
      if (at != std::string::npos && at > 0) {
        sql += line.substr(0, at);
        sql += '\n';
        line = line.substr(at);
      }
      if (at != std::string::npos) {
        std::string meta_line(line.substr(line.find_first_not_of(" \t")));
        std::string cmd = meta_line.substr(1, meta_line.find_first_of(" \t") == std::string::npos
                                                  ? std::string::npos
                                                  : meta_line.find_first_of(" \t") - 1);
        if (cmd == "gexec") judge_gexec(sql.substr(buffer_start), origin, out);
        buffer_start = sql.size();  // \g, \gexec and the like send the buffer
      }
    }
    if (handle_meta(line, origin, cwd, here, meta, limits, depth, out)) continue;
    sql += line;
    sql += '\n';
  }
}

}  // namespace

bool is_sql_client(const Invocation& inv) { return spec_for(inv) != nullptr; }

namespace {

// No line can be a meta-command (psql's start with a backslash; ClickHouse's client
// and plain SQL have none): the SQL is the text, its last line ended by a newline.
bool no_meta_commands(std::string_view text, MetaSyntax meta) {
  return meta == MetaSyntax::None || meta == MetaSyntax::Clickhouse ||
         (meta == MetaSyntax::Psql && text.find('\\') == std::string_view::npos);
}

// MySQL's and ClickHouse's backslash escapes and backticks, sqlite's backticks:
// rewritten for PostgreSQL's parser.
bool quotes_need_rewriting(std::string_view sql, MetaSyntax meta) {
  const bool backslashes = meta == MetaSyntax::Mysql || meta == MetaSyntax::Clickhouse;
  return (backslashes && sql.find('\\') != std::string_view::npos) ||
         ((backslashes || meta == MetaSyntax::Sqlite) && sql.find('`') != std::string_view::npos);
}

bool blank_sql(std::string_view sql) { return sql.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// Text that is its own SQL as it stands: no meta-command, nothing to rewrite
// (MySQL's /*! */ comments are rewritten too, but MySQL's text is never plain).
bool is_plain_sql(std::string_view text, MetaSyntax meta) {
  return no_meta_commands(text, meta) && !quotes_need_rewriting(text, meta);
}

}  // namespace

void split_script(const SharedText& text, const std::string& origin, const std::string& cwd, MetaSyntax meta,
                  const SourceLimits& limits, int depth, std::vector<SqlSource>& out, const std::string& file_dir) {
  const std::string& here = file_dir.empty() ? cwd : file_dir;
  const bool plain = no_meta_commands(text.str(), meta);
  const bool backslashes = meta == MetaSyntax::Mysql || meta == MetaSyntax::Clickhouse;
  // What PostgreSQL's parser would misread: MySQL's /*! */ comments, backtick names
  // and backslash escapes.
  auto comments_rewritten = [&](const std::string& sql) {
    return meta == MetaSyntax::Mysql && sql.find("/*") != std::string::npos;
  };
  // Plain text whose last line ends is its own SQL: shared with where it came from
  // (a heredoc's body, a file's contents), not copied (4 MiB at the event's bound).
  if (!text.empty() && text.str().back() == '\n' && is_plain_sql(text.str(), meta)) {
    if (!blank_sql(text.str())) out.push_back({SqlSource::Kind::Sql, text, origin});
    return;
  }
  std::string sql;
  // Room for the whole text (and the newline its last line may lack): a large script
  // is not copied as `sql` grows. Room it does not use is never touched.
  sql.reserve(text.size() + 1);
  if (plain) {
    sql.append(text.str());  // in one copy, not a line at a time
    if (sql.empty() || sql.back() != '\n') sql.push_back('\n');
  } else {
    read_script_lines(text, origin, cwd, here, meta, limits, depth, out, sql);
  }
  if (blank_sql(sql)) return;
  if (comments_rewritten(sql)) sql = mysql_executable_comments(sql);
  if (quotes_need_rewriting(sql, meta)) sql = backticks_to_double_quotes(sql, backslashes);
  out.push_back({SqlSource::Kind::Sql, std::move(sql), origin});
}

std::vector<SqlSource> sql_sources(const Invocation& inv, const SourceLimits& given) {
  std::vector<SqlSource> out;
  SourceLimits limits = given;
  if (!limits.reader) limits.reader = &inv;
  const ClientSpec* spec = spec_for(inv);
  if (!spec) return out;
  const auto& argv = inv.argv;
  std::string prog = spec->program;
  for (const auto& word : spec->subcommand) prog += " " + word;
  bool explicit_source = false;
  // One of the invocation's words, not a value cut from one (--command=SQL, -cSQL).
  auto is_word = [&](const Arg& a) {
    return std::less_equal<const Arg*>()(argv.data(), &a) && std::less<const Arg*>()(&a, argv.data() + argv.size());
  };
  auto take_sql = [&](const Arg& a, const std::string& flag) {
    explicit_source = true;
    if (a.dynamic) out.push_back({SqlSource::Kind::Opaque, "SQL only known at run time: " + a.text, prog + " " + flag});
    else if (limits.lend_arguments && is_word(a) && is_plain_sql(a.text, spec->meta)) {
      // Judged the same without the newline a file's last line has (classify_script).
      if (!blank_sql(a.text)) out.push_back({SqlSource::Kind::Sql, {}, prog + " " + flag, "", a.text});
    } else {
      // Its last line ended: one copy of its size, which the SQL shares (`text + '\n'`
      // copied it, then grew the copy to twice its size for the one byte).
      std::string text;
      text.reserve(a.text.size() + 1);
      text.append(a.text).push_back('\n');
      split_script(SharedText(std::move(text)), prog + " " + flag, inv.cwd, spec->meta, limits, 0, out);
    }
  };
  auto take_file = [&](const Arg& a) {
    if (a.text == "-") return;  // reads stdin, judged below
    explicit_source = true;
    read_sql_file(a.text, a.dynamic, inv.cwd, "file " + a.text, spec->meta, limits, 0, out);
  };
  auto has = [](const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); };
  int positional = 0;
  bool options_done = false;
  for (std::size_t i = 1 + spec->subcommand.size(); i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    if (!options_done && a == "--") { options_done = true; continue; }
    // --execute="$QUERY" is an option with a run-time value, not a run-time word
    bool is_option = !options_done && a.size() > 1 && a[0] == '-' &&
                     (!argv[i].dynamic || (a[1] == '-' && a.find('=') != std::string::npos && a.find('=') < a.find('$')));
    if (is_option && (a[1] == '-' || (spec->meta == MetaSyntax::Sqlite && a.size() > 2))) {
      // long option (sqlite3/duckdb spell them with one dash: -cmd, -init)
      std::string body = a.substr(a[1] == '-' ? 2 : 1);
      auto eq = body.find('=');
      std::string name = body.substr(0, eq);
      bool attached = eq != std::string::npos;
      // A value in the next word is read where it lies, not copied (4 MiB at the bound).
      Arg held;
      auto value = [&]() -> const Arg& {
        if (attached) return held = Arg{body.substr(eq + 1), argv[i].dynamic};
        return i + 1 < argv.size() ? argv[++i] : held;
      };
      if (has(spec->sql_long, name)) take_sql(value(), "--" + name);
      else if (has(spec->file_long, name)) take_file(value());
      else if (has(spec->value_long, name) && !attached) ++i;
      continue;
    }
    if (is_option) {
      for (std::size_t k = 1; k < a.size(); ++k) {
        char c = a[k];
        if (spec->attached_only_short.find(c) != std::string::npos) break;  // the rest is its value
        bool sql = spec->sql_short.find(c) != std::string::npos;
        bool file = spec->file_short.find(c) != std::string::npos;
        bool value = spec->value_short.find(c) != std::string::npos;
        if (!sql && !file && !value) continue;
        Arg held;  // an attached value (-cSQL); one in the next word is read where it lies
        const Arg* v = &held;
        if (k + 1 < a.size()) held = Arg{a.substr(k + 1), argv[i].dynamic};
        else if (i + 1 < argv.size()) v = &argv[++i];
        if (sql) take_sql(*v, std::string("-") + c);
        else if (file) take_file(*v);
        break;
      }
      continue;
    }
    if (spec->positional_sql_from >= 0 && positional >= spec->positional_sql_from) take_sql(argv[i], "argument");
    ++positional;
  }
  if (explicit_source) return out;
  const Input& in = inv.stdin_source;
  switch (in.kind) {
    case Input::Kind::None:
      break;  // interactive session: what a person types is not the agent's
    case Input::Kind::Opaque:
      out.push_back({SqlSource::Kind::Opaque, "SQL read from " + in.origin, in.origin});
      break;
    case Input::Kind::File:
      read_sql_file(in.content, false, inv.cwd, in.origin, spec->meta, limits, 0, out);
      break;
    case Input::Kind::Text:
      // An unquoted heredoc / here-string with $(…) or an unknown $VAR: the shell
      // pastes run-time text into the SQL, which can add any statement.
      if (in.partial)
        out.push_back({SqlSource::Kind::Opaque, "SQL with parts only known at run time (" + in.origin + ")", in.origin});
      if (!in.partial || !only_placeholders(in.content))
        split_script(in.content, in.origin, inv.cwd, spec->meta, limits, 0, out);
      break;
  }
  return out;
}

}  // namespace dbguard::clients
