#include "policy/production_extras.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "support/text.h"

namespace dbguard::policy {
namespace {

// fnmatch reads a C string: a candidate is copied into one buffer, reused (a
// candidate may be a 4 MiB argument, and was copied for each of its forms).
class Globber {
 public:
  bool operator()(const std::string& pattern, std::string_view text) {
    buf_.assign(text);
    const bool hit = ::fnmatch(pattern.c_str(), buf_.c_str(), FNM_CASEFOLD) == 0;
    if (buf_.capacity() > kKeptBytes) std::string().swap(buf_);  // not held on while other copies are made
    return hit;
  }

 private:
  static constexpr std::size_t kKeptBytes = 64 * 1024;
  std::string buf_;
};

std::string_view strip_port(std::string_view h) {
  if (auto colon = h.rfind(':'); colon != std::string_view::npos && h.find(']') == std::string_view::npos)
    h = h.substr(0, colon);
  return h;
}

// Host names a token may carry: itself, after `=` (--host=h, host=h), the host
// of a URI (scheme://user:pw@host:port/db), after `@` (ssh user@host), after -h.
// Views of the token.
std::vector<std::string_view> host_candidates(std::string_view tok) {
  std::vector<std::string_view> c;
  c.push_back(tok);
  if (auto eq = tok.find('='); eq != std::string_view::npos) c.push_back(tok.substr(eq + 1));
  if (tok.size() > 2 && tok[0] == '-' && tok[1] == 'h') c.push_back(tok.substr(2));
  std::string_view rest = tok;
  if (auto eq = rest.find('='); eq != std::string_view::npos && rest.find("://") > eq) rest = rest.substr(eq + 1);
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    std::string_view auth = rest.substr(scheme + 3);
    auth = auth.substr(0, auth.find_first_of("/?#"));
    if (auto at = auth.rfind('@'); at != std::string_view::npos) auth = auth.substr(at + 1);
    // several hosts: postgres://h1,h2/db
    for (std::size_t start = 0; start <= auth.size();) {
      std::size_t comma = std::min(auth.find(',', start), auth.size());
      if (comma > start) c.push_back(strip_port(auth.substr(start, comma - start)));
      start = comma + 1;
    }
  } else if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    c.push_back(strip_port(rest.substr(at + 1)));
  }
  for (std::size_t i = 0, n = c.size(); i < n; ++i) c.push_back(strip_port(c[i]));
  return c;
}

// Database names a token may carry: after `=` (--dbname=x, dbname=x), -dX, the
// path of a URI (scheme://host/db?opts). Views of the token.
std::vector<std::string_view> database_candidates(std::string_view tok) {
  std::vector<std::string_view> c;
  if (auto eq = tok.find('='); eq != std::string_view::npos) c.push_back(tok.substr(eq + 1));
  if (tok.size() > 2 && tok[0] == '-' && tok[1] == 'd') c.push_back(tok.substr(2));
  if (auto scheme = tok.find("://"); scheme != std::string_view::npos) {
    std::string_view rest = tok.substr(scheme + 3);
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
      std::string_view db = rest.substr(slash + 1);
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
// and $LIVE_DATABASE_URL but not delivery.example.com. Compared without case, in
// place (the token may be megabytes).
bool has_part(std::string_view t, const std::string& marker) {
  auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  bool alnum_marker =
      std::all_of(marker.begin(), marker.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)); });
  for (auto it = std::search(t.begin(), t.end(), marker.begin(), marker.end(), same); it != t.end();
       it = std::search(it + 1, t.end(), marker.begin(), marker.end(), same)) {
    if (!alnum_marker) return true;
    const std::size_t p = static_cast<std::size_t>(it - t.begin());
    bool left = p == 0 || !std::isalpha(static_cast<unsigned char>(t[p - 1]));
    bool right = p + marker.size() >= t.size() || !std::isalpha(static_cast<unsigned char>(t[p + marker.size()]));
    if (left && right) return true;
  }
  return false;
}

}  // namespace

namespace {

// What one word says of production: a host the policy names, or one of its markers.
std::string word_marker(const ProductionExtras& x, std::string_view tok, Globber& glob) {
  if (!x.hosts.empty()) {
    const auto cands = host_candidates(tok);
    for (const auto& h : x.hosts)
      for (const auto& cand : cands)
        if (!cand.empty() && glob(h.value, cand))
          return "host " + std::string(cand) + " (production host " + h.value + ", " + h.origin.describe() + ")";
  }
  for (const auto& m : x.markers)
    if (has_part(tok, m.value))
      return std::string(tok) + " (production marker " + m.value + ", " + m.origin.describe() + ")";
  return "";
}

// The first word of TEXT that marks (words end at blanks, newlines and \x1f).
std::string first_marker(const ProductionExtras& x, std::string_view text, Globber& glob) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find_first_of(" \t\n\x1f", start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start)
      if (auto m = word_marker(x, text.substr(start, end - start), glob); !m.empty()) return m;
    start = end + 1;
  }
  return "";
}

}  // namespace

// Word by word, stopping at the first that marks: an argument or a wrapper's line
// can be megabytes (its words were all copied into a list first).
std::string first_marker(const ProductionExtras& x, std::string_view text) {
  Globber glob;
  return first_marker(x, text, glob);
}

namespace {

std::string env_marker(const ProductionExtras& x, const Env& env, Globber& glob) {
  for (const auto& [name, value] : env) {
    if (auto m = word_marker(x, name, glob); !m.empty()) return m;
    if (auto m = first_marker(x, value.text, glob); !m.empty()) return m;
  }
  return "";
}

std::string env_database(const ProductionExtras& x, const Env& env, Globber& glob) {
  for (const auto& [name, value] : env) {
    if (name != "PGDATABASE" && value.text.find("://") == std::string::npos) continue;
    const std::string assignment = name + "=" + value.text;  // the candidates are views of it
    for (const auto& cand : database_candidates(assignment))
      for (const auto& d : x.databases)
        if (glob(d.value, cand))
          return "database " + std::string(cand) + " (production database " + d.value + ", " + d.origin.describe() + ")";
  }
  return "";
}

}  // namespace

EnvMarks env_marks(const ProductionExtras& x, const Env& env) {
  Globber glob;
  EnvMarks marks{env_marker(x, env, glob), ""};
  if (!x.databases.empty()) marks.database = env_database(x, env, glob);
  return marks;
}

// The words of an invocation a marker can sit in, in order: argv (spaces inside
// one argument split it: conninfo strings), environment names and values (the
// command's own, then the exported), variables referenced, and the wrappers'
// target lines (ssh HOST, --context).
std::string production_marker(const ProductionExtras& x, const Invocation& inv, const SharedMarks& shared) {
  if (x.empty()) return "";
  Globber glob;
  for (const auto& a : inv.argv)
    if (auto m = first_marker(x, a.text, glob); !m.empty()) return m;
  if (auto m = env_marker(x, inv.env, glob); !m.empty()) return m;
  for (const auto& e : inv.exported)
    if (auto m = shared.env(e).marker; !m.empty()) return m;
  for (const auto& r : inv.var_refs)
    if (auto m = word_marker(x, "$" + r, glob); !m.empty()) return m;
  for (const auto& c : inv.context)
    if (std::string m = shared.line(c); !m.empty()) return m;
  if (!x.databases.empty()) {
    bool db_prog = !inv.argv.empty() && !inv.argv[0].dynamic && is_db_program(inv.argv[0].text);
    for (std::size_t i = 0; i < inv.argv.size(); ++i) {
      const std::string& a = inv.argv[i].text;
      std::vector<std::string_view> cands = database_candidates(a);
      bool value_of_db_flag = i > 0 && (inv.argv[i - 1].text == "-d" || inv.argv[i - 1].text == "--dbname" ||
                                        inv.argv[i - 1].text == "--database" || inv.argv[i - 1].text == "-D");
      if (value_of_db_flag || (db_prog && i > 0 && !a.empty() && a[0] != '-')) cands.push_back(a);
      for (const auto& cand : cands)
        for (const auto& d : x.databases)
          if (!cand.empty() && glob(d.value, cand))
            return "database " + std::string(cand) + " (production database " + d.value + ", " + d.origin.describe() + ")";
    }
    if (auto m = env_database(x, inv.env, glob); !m.empty()) return m;
    for (const auto& e : inv.exported)
      if (auto m = shared.env(e).database; !m.empty()) return m;
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
  Globber glob;
  auto matches = [&glob](const std::string& pattern, std::string path) {
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
