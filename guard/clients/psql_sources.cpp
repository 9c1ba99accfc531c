#include "clients/psql_sources.h"

#include <filesystem>

#include "support/files.h"
#include "support/text.h"
#include "unwrap/wrappers.h"

namespace dbguard::clients {
namespace {

std::string dir_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

void read_sql_file(const std::string& path_text, bool dynamic, const std::string& cwd, const std::string& origin,
                   const SourceLimits& limits, int depth, std::vector<SqlSource>& out) {
  if (dynamic) {
    out.push_back({SqlSource::Kind::Unreadable, "file name only known at run time: " + path_text, origin});
    return;
  }
  if (depth > limits.max_include_depth) {
    out.push_back({SqlSource::Kind::Unreadable, "\\i nesting deeper than " + std::to_string(limits.max_include_depth), origin});
    return;
  }
  std::string path = resolve_path(cwd, path_text);
  std::string text, error;
  if (!read_file_bounded(path, limits.max_file_bytes, text, error)) {
    out.push_back({SqlSource::Kind::Unreadable, "cannot read " + path_text + ": " + error, origin});
    return;
  }
  split_psql_script(text, origin, dir_of(path), limits, depth + 1, out);
}

}  // namespace

bool is_psql(const Invocation& inv) {
  return !inv.argv.empty() && !inv.argv[0].dynamic && inv.argv[0].text == "psql";
}

void split_psql_script(const std::string& text, const std::string& origin, const std::string& cwd,
                       const SourceLimits& limits, int depth, std::vector<SqlSource>& out) {
  std::string sql;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? text.size() + 1 : nl + 1;
    std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] != '\\') {
      sql += line;
      sql += '\n';
      continue;
    }
    std::string meta = line.substr(first + 1);
    std::string cmd = meta.substr(0, meta.find_first_of(" \t"));
    std::string arg = meta.size() > cmd.size() ? meta.substr(cmd.size()) : "";
    arg.erase(0, arg.find_first_not_of(" \t"));
    while (!arg.empty() && (arg.back() == ' ' || arg.back() == '\t' || arg.back() == '\r')) arg.pop_back();
    if (arg.size() >= 2 && (arg.front() == '\'' || arg.front() == '"') && arg.back() == arg.front())
      arg = arg.substr(1, arg.size() - 2);
    if (cmd == "i" || cmd == "include" || cmd == "ir" || cmd == "include_relative") {
      read_sql_file(arg, false, cwd, "\\" + cmd + " " + arg, limits, depth, out);
    } else if (cmd == "!") {
      out.push_back({SqlSource::Kind::Shell, arg, origin + " \\!"});
    }
    // any other meta-command (\dt, \d users, \l, \timing) is not SQL
  }
  if (sql.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back({SqlSource::Kind::Sql, sql, origin});
}

std::vector<SqlSource> psql_sql_sources(const Invocation& inv, const SourceLimits& limits) {
  std::vector<SqlSource> out;
  const auto& argv = inv.argv;
  bool explicit_source = false;
  auto take_command = [&](const Arg& a) {
    explicit_source = true;
    if (a.dynamic) out.push_back({SqlSource::Kind::Opaque, "SQL only known at run time: " + a.text, "psql -c"});
    else split_psql_script(a.text, "psql -c", inv.cwd, limits, 0, out);
  };
  auto take_file = [&](const Arg& a) {
    explicit_source = true;
    if (a.text == "-") {
      explicit_source = false;  // reads stdin, judged below
      return;
    }
    read_sql_file(a.text, a.dynamic, inv.cwd, "file " + a.text, limits, 0, out);
  };
  static const std::string with_value = "dhpUvPoLTFRcf";
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    if (a == "--") break;
    if (a.rfind("--command=", 0) == 0) { take_command(Arg{a.substr(10), argv[i].dynamic}); continue; }
    if (a.rfind("--file=", 0) == 0) { take_file(Arg{a.substr(7), argv[i].dynamic}); continue; }
    if ((a == "--command" || a == "--file") && i + 1 < argv.size()) {
      if (a == "--command") take_command(argv[++i]);
      else take_file(argv[++i]);
      continue;
    }
    if (a.size() < 2 || a[0] != '-' || a[1] == '-') continue;
    for (std::size_t k = 1; k < a.size(); ++k) {
      char c = a[k];
      if (with_value.find(c) == std::string::npos) continue;
      Arg value;
      if (k + 1 < a.size()) value = Arg{a.substr(k + 1), argv[i].dynamic};
      else if (i + 1 < argv.size()) value = argv[++i];
      if (c == 'c') take_command(value);
      else if (c == 'f') take_file(value);
      break;
    }
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
      read_sql_file(in.content, false, inv.cwd, in.origin, limits, 0, out);
      break;
    case Input::Kind::Text:
      if (in.partial && only_placeholders(in.content))
        out.push_back({SqlSource::Kind::Opaque, "SQL only known at run time (" + in.origin + ")", in.origin});
      else
        split_psql_script(in.content, in.origin, inv.cwd, limits, 0, out);
      break;
  }
  return out;
}

}  // namespace dbguard::clients
