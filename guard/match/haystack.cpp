#include "match/haystack.h"

#include <algorithm>
#include <string_view>

namespace dbguard {

namespace {

// Appended whole, then rewritten in place: every argument of every command comes here.
void append_canonical(std::string& out, const Arg& a) {
  if (a.dynamic) out += '\x1e';
  std::size_t from = out.size();
  out += a.text;
  for (std::size_t i = from; i < out.size(); ++i)
    if (out[i] == ' ' || out[i] == '\t' || out[i] == '\n' || out[i] == '\r') out[i] = '\x1f';
}

}  // namespace

std::string canonical_arg(const Arg& a) {
  std::string out;
  append_canonical(out, a);
  return out;
}

namespace {

// Database clients whose connection options production markers must see in any
// spelling: -hprod-db (attached short value) and libpq keyword/value strings
// ("host=prod-db dbname=app"), which the markers cannot read as one word.
bool is_client(const std::string& prog) {
  static const std::vector<std::string_view> clients = {
      "psql", "pg_dump", "pg_dumpall", "pg_restore", "pg_basebackup", "pgbench", "createdb", "dropdb", "vacuumdb",
      "reindexdb", "clusterdb", "pgcli", "mysql", "mysqldump", "mysqladmin", "mariadb", "mariadb-dump", "mycli"};
  return std::find(clients.begin(), clients.end(), prog) != clients.end();
}

// Lines after command_end: markers scan them, command rules do not.
void client_target_lines(const Invocation& inv, std::string& out) {
  if (inv.argv.empty() || inv.argv[0].dynamic || !is_client(inv.argv[0].text)) return;
  for (std::size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& a = inv.argv[i].text;
    if (a.size() > 2 && a[0] == '-' && (a[1] == 'h' || a[1] == 'd' || a[1] == 'D')) out += "\n" + a.substr(2);
    if (a.find('=') == std::string::npos || a.find_first_of(" \t") == std::string::npos) continue;
    std::size_t start = 0;  // host=prod-db dbname=app: one line per keyword=value
    while (start < a.size()) {
      std::size_t end = a.find_first_of(" \t", start);
      if (end == std::string::npos) end = a.size();
      if (end > start) out += "\n" + a.substr(start, end - start);
      start = end + 1;
    }
  }
}

}  // namespace

// Sized once and written in place: every argument of every command comes here.
Haystack build_haystack(const Invocation& inv) {
  Haystack h;
  std::size_t size = 0;
  for (const auto& a : inv.argv) size += a.text.size() + 2;
  for (const auto& [name, value] : inv.env) size += name.size() + value.text.size() + 3;
  for (const auto& ref : inv.var_refs) size += ref.size() + 2;
  h.text.reserve(size + 64);  // client target lines are a few short ones
  for (std::size_t i = 0; i < inv.argv.size(); ++i) {
    if (i) h.text += ' ';
    append_canonical(h.text, inv.argv[i]);
  }
  h.command_end = h.text.size();
  client_target_lines(inv, h.text);
  for (const auto& [name, value] : inv.env) {
    h.text.append("\n").append(name).append("=");
    append_canonical(h.text, value);
  }
  for (const auto& ref : inv.var_refs) h.text.append("\n$").append(ref);
  // The wrappers' lines come next, matched on their own (ContextMarks): the last
  // line here ends as it did before them.
  if (!inv.context.empty()) h.text += '\n';
  return h;
}

}  // namespace dbguard
