#include "policy/production_extras.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "support/text.h"

namespace dbguard::policy {
namespace {

bool glob(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), FNM_CASEFOLD) == 0;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The words of an invocation a marker can sit in: argv (spaces inside one
// argument split it: conninfo strings), environment names and values,
// variables referenced, and the wrappers' target lines (ssh HOST, --context).
std::vector<std::string> tokens(const Invocation& inv) {
  std::vector<std::string> out;
  auto split = [&](const std::string& s) {
    std::string cur;
    for (char c : s) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\x1f') {
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) out.push_back(cur);
  };
  for (const auto& a : inv.argv) split(a.text);
  for (const auto& [name, value] : inv.env) {
    out.push_back(name);
    split(value.text);
  }
  for (const auto& r : inv.var_refs) out.push_back("$" + r);
  for (const auto& c : inv.context) split(c);
  return out;
}

// Host names a token may carry: itself, after `=` (--host=h, host=h), the host
// of a URI (scheme://user:pw@host:port/db), after `@` (ssh user@host), after -h.
std::vector<std::string> host_candidates(const std::string& tok) {
  std::vector<std::string> c;
  auto strip_port = [](std::string h) {
    if (auto colon = h.rfind(':'); colon != std::string::npos && h.find(']') == std::string::npos) h.resize(colon);
    return h;
  };
  c.push_back(tok);
  if (auto eq = tok.find('='); eq != std::string::npos) c.push_back(tok.substr(eq + 1));
  if (tok.size() > 2 && tok[0] == '-' && tok[1] == 'h') c.push_back(tok.substr(2));
  std::string rest = tok;
  if (auto eq = rest.find('='); eq != std::string::npos && rest.find("://") > eq) rest = rest.substr(eq + 1);
  if (auto scheme = rest.find("://"); scheme != std::string::npos) {
    std::string auth = rest.substr(scheme + 3);
    auth = auth.substr(0, auth.find_first_of("/?#"));
    if (auto at = auth.rfind('@'); at != std::string::npos) auth = auth.substr(at + 1);
    // several hosts: postgres://h1,h2/db
    std::string cur;
    for (char ch : auth + ",") {
      if (ch == ',') {
        if (!cur.empty()) c.push_back(strip_port(cur));
        cur.clear();
      } else {
        cur += ch;
      }
    }
  } else if (auto at = rest.rfind('@'); at != std::string::npos) {
    c.push_back(strip_port(rest.substr(at + 1)));
  }
  for (std::size_t i = 0, n = c.size(); i < n; ++i) c.push_back(strip_port(c[i]));
  return c;
}

// Database names a token may carry: after `=` (--dbname=x, dbname=x), -dX, the
// path of a URI (scheme://host/db?opts).
std::vector<std::string> database_candidates(const std::string& tok) {
  std::vector<std::string> c;
  if (auto eq = tok.find('='); eq != std::string::npos) c.push_back(tok.substr(eq + 1));
  if (tok.size() > 2 && tok[0] == '-' && tok[1] == 'd') c.push_back(tok.substr(2));
  if (auto scheme = tok.find("://"); scheme != std::string::npos) {
    std::string rest = tok.substr(scheme + 3);
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      std::string db = rest.substr(slash + 1);
      db = db.substr(0, db.find_first_of("?#"));
      if (!db.empty()) c.push_back(db);
    }
  }
  return c;
}

bool is_db_program(const std::string& prog) {
  static const std::set<std::string> programs = {
      "psql",     "pg_dump",     "pg_dumpall", "pg_restore", "dropdb",   "createdb",      "vacuumdb", "reindexdb",
      "clusterdb", "pgbench",    "pgcli",      "mysql",      "mysqldump", "mysqladmin",   "mariadb",  "mariadb-dump",
      "mycli",    "mongosh",     "mongo",      "mongodump",  "mongorestore", "clickhouse-client", "usql", "cockroach"};
  return programs.count(prog) > 0;
}

// A marker is a name part, like the built-in prod: live matches live-db.example.com
// and $LIVE_DATABASE_URL but not delivery.example.com.
bool has_part(const std::string& tok, const std::string& marker) {
  std::string t = lower(tok), m = lower(marker);
  bool alnum_marker = std::all_of(m.begin(), m.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)); });
  for (std::size_t p = t.find(m); p != std::string::npos; p = t.find(m, p + 1)) {
    if (!alnum_marker) return true;
    bool left = p == 0 || !std::isalpha(static_cast<unsigned char>(t[p - 1]));
    bool right = p + m.size() >= t.size() || !std::isalpha(static_cast<unsigned char>(t[p + m.size()]));
    if (left && right) return true;
  }
  return false;
}

}  // namespace

std::string production_marker(const ProductionExtras& x, const Invocation& inv) {
  if (x.empty()) return "";
  auto toks = tokens(inv);
  for (const auto& tok : toks) {
    for (const auto& h : x.hosts)
      for (const auto& cand : host_candidates(tok))
        if (!cand.empty() && glob(h.value, cand))
          return "host " + cand + " (production host " + h.value + ", " + h.origin.describe() + ")";
    for (const auto& m : x.markers)
      if (has_part(tok, m.value)) return tok + " (production marker " + m.value + ", " + m.origin.describe() + ")";
  }
  if (!x.databases.empty()) {
    bool db_prog = !inv.argv.empty() && !inv.argv[0].dynamic && is_db_program(inv.argv[0].text);
    for (std::size_t i = 0; i < inv.argv.size(); ++i) {
      const std::string& a = inv.argv[i].text;
      std::vector<std::string> cands = database_candidates(a);
      bool value_of_db_flag = i > 0 && (inv.argv[i - 1].text == "-d" || inv.argv[i - 1].text == "--dbname" ||
                                        inv.argv[i - 1].text == "--database" || inv.argv[i - 1].text == "-D");
      if (value_of_db_flag || (db_prog && i > 0 && !a.empty() && a[0] != '-')) cands.push_back(a);
      for (const auto& cand : cands)
        for (const auto& d : x.databases)
          if (!cand.empty() && glob(d.value, cand))
            return "database " + cand + " (production database " + d.value + ", " + d.origin.describe() + ")";
    }
    for (const auto& [name, value] : inv.env)
      for (const auto& cand : database_candidates(name + "=" + value.text))
        for (const auto& d : x.databases)
          if ((name == "PGDATABASE" || value.text.find("://") != std::string::npos) && glob(d.value, cand))
            return "database " + cand + " (production database " + d.value + ", " + d.origin.describe() + ")";
  }
  if (auto s = production_script(x, inv); !s.empty()) return s;
  return "";
}

std::string production_script(const ProductionExtras& x, const Invocation& inv) {
  if (x.scripts.empty() || inv.argv.empty()) return "";
  static const std::set<std::string> interpreters = {"python", "python3", "python2", "bash", "sh", "zsh", "dash",
                                                     "node", "ruby", "perl", "php", "deno", "bun", "tsx", "ts-node",
                                                     "uv", "poetry", "pipenv", "npx"};
  std::vector<std::string> cands;  // the script as written: a path or a bare name
  cands.push_back(inv.program_path.empty() ? inv.argv[0].text : inv.program_path);
  std::string prog(basename_of(inv.argv[0].text));
  if (interpreters.count(prog) || prog.rfind("python", 0) == 0) {
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
      const std::string& a = inv.argv[i].text;
      if (a == "run" || a == "-m") continue;
      if (!a.empty() && a[0] == '-') continue;
      cands.push_back(a);
      break;
    }
  }
  // A pattern with a slash names a path (`ops/run_live.sh` also matches
  // `./ops/run_live.sh` and `/srv/app/ops/run_live.sh`); without one, a file name.
  auto matches = [](const std::string& pattern, std::string path) {
    if (pattern.find('/') == std::string::npos) return glob(pattern, std::string(basename_of(path)));
    while (path.rfind("./", 0) == 0) path.erase(0, 2);
    return glob(pattern, path) || (pattern[0] != '/' && glob("*/" + pattern, path));
  };
  for (const auto& c : cands)
    for (const auto& s : x.scripts)
      if (matches(s.value, c))
        return "script " + std::string(basename_of(c)) + " (production script " + s.value + ", " + s.origin.describe() + ")";
  return "";
}

}  // namespace dbguard::policy
