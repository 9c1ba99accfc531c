#include "policy/self_protection.h"

#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "policy/paths.h"
#include "support/files.h"
#include "support/text.h"
#include "unwrap/expand.h"

namespace dbguard::policy {
namespace {

namespace fs = std::filesystem;

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// The path as the lexical checks compare it (support/files: no trailing slash).
std::string lexical(const std::string& p) { return normal_path(p); }

// Symlinks resolved where the path exists (weakly: the missing tail stays as written).
std::string weakly_resolved(const std::string& p) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(p, ec);
  return ec ? lexical(p) : lexical(r.string());
}

// Paths (directories and files) resolved during one decision: every argument of
// every command is checked, and a long command names thousands of files in a few
// directories (weakly_canonical costs a stat and a readlink per component, each time).
// `missing`: nothing exists there, so nothing under it can be a symlink either
// (a long command's fresh build/module_N/... trees cost one lstat each, not one a level).
struct Resolution {
  std::string path;
  bool missing = false;
  bool parent_missing = false;  // not the topmost missing path: not memoized
};
// Looked up by string_view (PathHash): no key string built for a path seen before.
thread_local std::unordered_map<std::string, Resolution, PathHash, std::equal_to<>> resolved_dirs;
// A path under a missing one is only kept here, till the next such lookup: the
// missing ancestor in the map answers for it, and a long command's fresh trees would
// otherwise fill the map with tens of thousands of entries, each a cache miss to find.
thread_local std::optional<std::pair<const std::string, Resolution>> under_missing;
// The path looked up last (map nodes do not move): a command's paths mostly share a directory.
thread_local const std::pair<const std::string, Resolution>* last_dir = nullptr;
// The missing directory (in resolved_dirs) that last answered for a path under it.
thread_local const std::pair<const std::string, Resolution>* last_missing = nullptr;

Resolution resolve_plain(const std::string& lex);

// What this decision has resolved of DIR already, or null. No key is built.
const std::pair<const std::string, Resolution>* known_resolution(std::string_view dir) {
  if (last_dir && last_dir->first == dir) return last_dir;
  auto it = resolved_dirs.find(dir);
  return it == resolved_dirs.end() ? nullptr : &*it;
}

// The reference is good until the next call.
const Resolution& memo_resolution(std::string_view dir) {
  if (const auto* known = known_resolution(dir)) {
    last_dir = known;
    return known->second;
  }
  std::string d(dir);
  Resolution r = resolve_plain(d);
  if (r.parent_missing) {
    under_missing.emplace(std::move(d), std::move(r));
    last_dir = &*under_missing;
  } else {
    last_dir = &*resolved_dirs.emplace(std::move(d), std::move(r)).first;
  }
  return last_dir->second;
}

// Whether P has a `..` after a slash (find("/..") looked at every slash: a memchr a
// component, for every path of a long command; a dot is rarer).
bool has_slash_dotdot(std::string_view p) {
  for (std::size_t i = p.find('.'); i != std::string_view::npos; i = p.find('.', i + 1))
    if (i > 0 && p[i - 1] == '/' && i + 1 < p.size() && p[i + 1] == '.') return true;
  return false;
}

// As weakly_resolved(), with the directory resolved once per decision and the last
// component looked at with one lstat. Paths with `..` (resolved physically by the
// kernel: a symlink's parent is not its lexical parent) take the full road.
// `lex` is lexical(p), which callers often have already.
Resolution resolve(const std::string& p, const std::string& lex) {
  if (p.empty() || p[0] != '/' || has_slash_dotdot(p)) return {weakly_resolved(p)};
  // Files are kept too: a long command names the same one again and again (tee -a log).
  if (auto it = resolved_dirs.find(lex); it != resolved_dirs.end()) return it->second;
  Resolution r = resolve_plain(lex);
  if (!r.parent_missing) resolved_dirs.emplace(lex, r);
  return r;
}

// LEX (under DIR, a missing directory resolved to DIR_PATH): missing too.
Resolution missing_under(const std::string& dir_path, const std::string& lex, std::size_t dir_size) {
  std::string joined;
  joined.reserve(dir_path.size() + lex.size() - dir_size);  // one allocation, not a copy grown
  joined.append(dir_path).append(lex, dir_size);
  return {std::move(joined), true, true};
}

// resolve() of an absolute lexical path without `..` (nor, then, its directories).
Resolution resolve_plain(const std::string& lex) {
  if (lex == "/") return {lex};
  std::size_t slash = lex.find_last_of('/');
  // The nearest ancestor resolved already decides a path under a missing directory,
  // however deep: a long command's fresh build/module_N/… trees were resolved a
  // level at a time, a key and a joined path built for each (a sixth of its time).
  // Any missing ancestor gives the same answer; the one that answered last mostly does.
  if (last_missing && lex.size() > last_missing->first.size() && lex[last_missing->first.size()] == '/' &&
      lex.compare(0, last_missing->first.size(), last_missing->first) == 0)
    return missing_under(last_missing->second.path, lex, last_missing->first.size());
  const Resolution* parent = nullptr;
  for (std::size_t cut = slash; cut != 0 && cut != std::string::npos; cut = lex.rfind('/', cut - 1)) {
    const auto* known = known_resolution(std::string_view(lex).substr(0, cut));
    if (!known) continue;
    if (known->second.missing) {
      // Kept only when it lives in the map (under_missing's one slot is reused).
      if (!under_missing || known != &*under_missing) last_missing = known;
      return missing_under(known->second.path, lex, cut);
    }
    if (cut == slash) parent = &known->second;  // the directory itself: no second lookup below
    break;  // an existing ancestor: what lies between is resolved level by level
  }
  const Resolution& dir =
      parent ? *parent : memo_resolution(slash == 0 ? std::string_view("/") : std::string_view(lex).substr(0, slash));
  std::string joined;
  joined.reserve(dir.path.size() + lex.size() - slash);
  if (dir.path != "/") joined += dir.path;
  joined.append(lex, slash);
  if (dir.missing) return {joined, true, true};
  struct stat st {};
  if (::lstat(joined.c_str(), &st) != 0) return {joined, errno == ENOENT || errno == ENOTDIR};
  if (S_ISLNK(st.st_mode)) return {weakly_resolved(joined)};
  return {joined};
}
Resolution resolve(const std::string& p) { return resolve(p, lexical(p)); }

std::string resolved(const std::string& p) { return resolve(p).path; }

// Known not to exist from what this decision has resolved already: its directory
// was found missing. A long command names thousands of paths under directories it
// creates; each would cost a stat (and a pattern, glob's opendir) to learn the same.
// The nearest ancestor resolved decides: paths under one found missing (x/*.png/.claude
// when x is) are missing too.
bool known_missing(const std::string& p) {
  if (p.empty() || p[0] != '/' || has_slash_dotdot(p)) return false;
  std::string dir = lexical(p);
  for (std::size_t slash; (slash = dir.find_last_of('/')) != 0 && slash != std::string::npos;) {
    dir.resize(slash);
    if (const auto* known = known_resolution(dir)) return known->second.missing;
  }
  return false;
}

// stat(2) directly: std::filesystem parses the path into components first,
// and every argument of a long command comes through here.
bool is_directory(const std::string& p) {
  if (known_missing(p)) return false;
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool exists(const std::string& p) {
  if (known_missing(p)) return false;
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

// Expands what the guard knows about a path an agent writes: ~, $HOME and the
// other variables the hook shares with the agent's shell. Leaves `$` where it
// cannot know.
std::string expand(const std::string& raw, const std::string& cwd) {
  std::string_view v = raw;
  // dynamic arguments carry a leading marker in some forms
  while (!v.empty() && v[0] == '\x1e') v.remove_prefix(1);
  if (v.find('$') == std::string_view::npos && (v.empty() || v[0] != '~')) {  // nothing to expand: the common case
    if (v.empty() || v[0] == '/' || cwd.empty()) return std::string(v);
    std::string joined;  // built once, not copied and then prefixed
    joined.reserve(cwd.size() + 1 + v.size());
    joined.append(cwd).append(1, '/').append(v);
    return joined;
  }
  std::string s(v);
  std::string home = env_or("HOME", "");
  if (!home.empty() && (s == "~" || s.rfind("~/", 0) == 0)) s = home + s.substr(1);
  struct Var {
    const char* name;
    std::string value;
  };
  const Var vars[] = {
      {"HOME", home},
      {"XDG_CONFIG_HOME", env_or("XDG_CONFIG_HOME", home.empty() ? "" : home + "/.config")},
      {"XDG_STATE_HOME", env_or("XDG_STATE_HOME", home.empty() ? "" : home + "/.local/state")},
      {"XDG_CACHE_HOME", env_or("XDG_CACHE_HOME", home.empty() ? "" : home + "/.cache")},
      {"CLAUDE_CONFIG_DIR", env_or("CLAUDE_CONFIG_DIR", home.empty() ? "" : home + "/.claude")},
      {"CLAUDE_PROJECT_DIR", env_or("CLAUDE_PROJECT_DIR", cwd)},
      {"PWD", cwd},
  };
  for (const auto& v : vars) {
    if (v.value.empty()) continue;
    for (const std::string& form : {"${" + std::string(v.name) + "}", "$" + std::string(v.name)}) {
      for (std::size_t p = s.find(form); p != std::string::npos; p = s.find(form, p + v.value.size())) {
        std::size_t after = p + form.size();
        bool whole = form[1] == '{' || after >= s.size() || !(std::isalnum(static_cast<unsigned char>(s[after])) || s[after] == '_');
        if (!whole) continue;
        s.replace(p, form.size(), v.value);
      }
    }
  }
  if (s.empty() || s[0] == '/') return s;
  if (s[0] == '$') return s;  // unknown variable in front: cannot be resolved
  return cwd.empty() ? s : cwd + "/" + s;
}

bool under(const std::string& path, const std::string& dir) {
  if (dir == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

// A path still holding an unknown variable ($X/.claude/settings.json): judged
// by what it ends with.
std::string unknown_but_named_like(const std::string& s) {
  static const std::pair<const char*, const char*> suffixes[] = {
      {"/.dbguard.toml", "a project policy file (.dbguard.toml)"},
      {".claude/settings.json", "a Claude Code settings file"},
      {".claude/settings.local.json", "a Claude Code settings file"},
      {"dbguard/policy.toml", "a dbguard policy file"},
      {"/dbguard", "the dbguard binary"},
      {"dbguard/audit.jsonl", "the dbguard audit log"},
  };
  if (s == ".dbguard.toml" || basename_of(s) == ".dbguard.toml") return suffixes[0].second;
  for (const auto& [suffix, what] : suffixes) {
    std::string sfx = suffix;
    if (s.size() >= sfx.size() && s.compare(s.size() - sfx.size(), sfx.size(), sfx) == 0) return what;
  }
  return "";
}

// A word as a path, worked out once for every check of it (a word is checked as a
// protected file, as a directory holding one, as a place one could be created in):
// expanded (~, $HOME, the cwd), its lexical form, and, on first use, resolved.
struct PathWord {
  std::string_view word;  // as the shell leaves it (after brace expansion); outlived by its text
  std::string expanded;
  bool unknown_var = false;  // still holds a `$`
  bool unknown = false;      // a `$` or a backquote: cannot be resolved
  std::string lex;           // lexical(expanded)

  const std::string& resolved() const { return resolution().path; }
  // Known not to exist (nor, then, anything under it): no stat needed to say it
  // holds or is no settings directory.
  bool missing() const { return resolution().missing; }

 private:
  const Resolution& resolution() const {
    if (!resolved_done_) {
      resolution_ = resolve(expanded, lex);
      resolved_done_ = true;
    }
    return resolution_;
  }
  mutable Resolution resolution_;
  mutable bool resolved_done_ = false;
};

PathWord path_word(const std::string& word, const std::string& cwd) {
  PathWord w;
  w.word = word;  // a view: `word` outlives the PathWord (judge_invocation's checks)
  w.expanded = expand(word, cwd);
  w.unknown_var = w.expanded.find('$') != std::string::npos;
  w.unknown = w.unknown_var || w.expanded.find('`') != std::string::npos;
  if (!w.unknown_var) w.lex = lexical(w.expanded);
  return w;
}

// protected_what() of a path whose lexical and resolved forms are known.
std::string protected_what(const ProtectedFiles& files, const std::string& l, const std::string& r, bool* settings,
                           bool* read_too) {
  for (const std::string* path : {&l, &r}) {
    if (path == &r && r == l) break;  // no symlink on the way: already looked at
    const std::string& p = *path;
    for (const auto& e : files.entries()) {
      bool hit = e.prefix ? p.compare(0, e.path.size(), e.path) == 0 : p == e.path;
      if (!hit) continue;
      if (settings) *settings = e.settings;
      if (read_too) *read_too = e.read_too;
      return e.what;
    }
    std::string_view base = basename_of(p);
    if (base == ".dbguard.toml") return "a project dbguard policy file (.dbguard.toml)";
    if ((base == "settings.json" || base == "settings.local.json") &&
        basename_of(fs::path(p).parent_path().string()) == ".claude") {
      if (settings) *settings = true;
      return "a Claude Code settings file";
    }
  }
  return "";
}

struct Target {
  std::string what;   // what it is; "" when not protected
  bool settings = false;
  bool read_too = false;
};

Target classify(const ProtectedFiles& files, const PathWord& w) {
  Target t;
  if (w.unknown) {
    t.what = unknown_but_named_like(w.expanded);
    t.settings = t.what.find("settings") != std::string::npos;
    return t;
  }
  t.what = protected_what(files, w.lex, w.resolved(), &t.settings, &t.read_too);
  return t;
}
Target classify(const ProtectedFiles& files, const std::string& raw, const std::string& cwd) {
  return classify(files, path_word(raw, cwd));
}

// A directory that holds a protected file (rm -r, mv, chmod -R of it).
std::string holds_protected(const ProtectedFiles& files, const PathWord& w) {
  if (w.unknown_var) return "";
  const std::string &l = w.lex, &r = w.resolved();
  for (int k = 0; k < 2; ++k) {
    const std::string& dir = k == 0 ? l : r;
    if (k == 1 && r == l) break;  // no symlink on the way: already looked at
    for (const auto& entry : files.entries())
      if (under(entry.path, dir)) return entry.what + " (" + entry.path + ")";
    if (w.missing() || !is_directory(dir)) continue;
    for (const char* inside : {"/.dbguard.toml", "/.claude/settings.json", "/.claude/settings.local.json",
                               "/settings.json", "/settings.local.json"}) {
      std::string p = dir + inside;
      if (std::string(inside).rfind("/settings", 0) == 0 && basename_of(dir) != ".claude") continue;
      if (exists(p)) return protected_what(files, p) + " (" + p + ")";
    }
  }
  return "";
}

// A destination that copying or extracting into could create a protected
// file in: a Claude Code settings directory (settings.local.json can be created
// there, with `disableAllHooks`). One that already holds a protected file is
// holds_protected's.
std::string creates_protected_in(const PathWord& w) {
  if (w.unknown_var) return "";
  const std::string& dir = w.lex;
  if (basename_of(dir) == ".claude") return "a Claude Code settings directory (" + dir + ")";
  if (!w.missing() && is_directory(dir + "/.claude")) return "a Claude Code settings directory (" + dir + "/.claude)";
  return "";
}

// Bash's brace expansion of a word (the walker expands only literal words):
// `policy.toml{,.bak}` names policy.toml too.
std::vector<std::string> brace_variants(const std::string& w) { return brace_expansions(w); }

bool glob_matches(const char* pattern, const char* path) {
  // As the shell globs: `/` and a leading `.` are matched only explicitly.
  return ::fnmatch(pattern, path, FNM_PATHNAME | FNM_PERIOD) == 0;
}

// What protected file (or, with dir_too, directory holding one) a lexical
// glob pattern could match: the files that exist now, and also the protected
// names it would match if they were created before the command runs.
std::string glob_hit(const ProtectedFiles& files, const std::string& pattern, bool dir_too, const std::string& cwd) {
  // What the pattern spells before its first special character, a path must start
  // with to match: most protected paths fail on their first bytes, without fnmatch
  // (whose set-up per call was 5% of a long command of `cp src/x/*.png …`).
  const std::string_view literal(pattern.data(), std::strcspn(pattern.c_str(), "*?[\\"));
  auto matches = [&](const std::string& path) {
    return path.compare(0, literal.size(), literal) == 0 && glob_matches(pattern.c_str(), path.c_str());
  };
  for (const auto& e : files.entries()) {
    if (matches(e.path)) return e.what + " (" + e.path + ")";
    if (!dir_too) continue;
    for (const auto& a : e.ancestors)
      if (matches(a)) return "a directory holding " + e.what + " (" + e.path + ")";
  }
  std::size_t slash = pattern.find_last_of('/');
  std::string dir = slash == std::string::npos ? "" : slash == 0 ? "/" : pattern.substr(0, slash);
  const char* base = pattern.c_str() + (slash == std::string::npos ? 0 : slash + 1);  // the last component
  if (!has_glob(dir)) {
    if (glob_matches(base, ".dbguard.toml")) return "a project dbguard policy file (" + dir + "/.dbguard.toml)";
    if (basename_of(dir) == ".claude")
      for (const char* name : {"settings.json", "settings.local.json"})
        if (glob_matches(base, name)) return "a Claude Code settings file (" + dir + "/" + name + ")";
  }
  // Nothing exists to match under a directory that is not there.
  // The pattern is lexical (a PathWord's lex), and so is its directory: not normalized again.
  if (!has_glob(dir) && resolve(dir, dir).missing) return "";
  glob_t g{};
  std::string hit;
  if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc && i < 256 && hit.empty(); ++i) {
      std::string m = g.gl_pathv[i];
      std::string what = protected_what(files, m);
      if (!what.empty()) hit = what + " (" + m + ")";
      else if (dir_too && !(what = holds_protected(files, path_word(m, cwd))).empty()) hit = "a directory holding " + what;
    }
  }
  ::globfree(&g);
  return hit;
}

void deny(std::vector<Finding>& out, const std::string& segment, const std::string& detail, const std::string& source) {
  out.push_back({kRule, true, segment, detail, source, ""});
}

// Pointers into inv.argv: a command's operands are looked at, not copied.
std::vector<const std::string*> operands(const Invocation& inv, std::size_t from = 1) {
  std::vector<const std::string*> out;
  bool opts = true;
  for (std::size_t i = from; i < inv.argv.size(); ++i) {
    const std::string& a = inv.argv[i].text;
    if (opts && a == "--") {
      opts = false;
      continue;
    }
    if (opts && a.size() > 1 && a[0] == '-') continue;
    out.push_back(&a);
  }
  return out;
}

bool short_flag(const Invocation& inv, char flag, const char* long_form) {
  for (std::size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& a = inv.argv[i].text;
    if (a == "--") break;
    if (a.rfind(long_form, 0) == 0) return true;
    if (a.size() > 1 && a[0] == '-' && a[1] != '-' && a.find(flag) != std::string::npos) return true;
  }
  return false;
}

// tar in extract mode (x, --extract, --get), and the directory it extracts to (-C / --directory).
bool tar_extracts(const Invocation& inv, std::string& dir) {
  bool extract = false;
  for (std::size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& a = inv.argv[i].text;
    if (a == "--extract" || a == "--get") extract = true;
    else if ((a == "-C" || a == "--directory") && i + 1 < inv.argv.size()) dir = inv.argv[++i].text;
    else if (a.rfind("--directory=", 0) == 0) dir = a.substr(12);
    else if (a.size() > 2 && a[0] == '-' && a[1] == 'C') dir = a.substr(2);
    else if (a.size() > 1 && a[0] == '-' && a[1] != '-' && a.find('x') != std::string::npos) extract = true;
    else if (i == 1 && !a.empty() && a[0] != '-' && a.find('x') != std::string::npos &&
             a.find_first_not_of("AcdrtuxfvzjJZaWkmOpPsSlhiGgBMnoRbCTKLNV0123456789") == std::string::npos)
      extract = true;  // old-style bundled letters: tar xzf a.tgz
  }
  return extract;
}

// unzip extracts unless it only lists, tests or prints; -d names the directory.
bool unzip_extracts(const Invocation& inv, std::string& dir) {
  for (std::size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& a = inv.argv[i].text;
    if (a == "-l" || a == "-t" || a == "-v" || a == "-p" || a == "-c" || a == "-Z" || a == "-z") return false;
    if (a == "-d" && i + 1 < inv.argv.size()) dir = inv.argv[++i].text;
    else if (a.size() > 2 && a.rfind("-d", 0) == 0) dir = a.substr(2);
  }
  return true;
}

}  // namespace

void ProtectedFiles::add(std::string path, std::string what, bool settings, bool read_too, bool prefix) {
  if (path.empty()) return;
  requests_.push_back({std::move(path), std::move(what), settings, read_too, prefix});
  resolved_ = std::make_shared<Resolved>();  // copies made before keep what they had
}

const std::vector<ProtectedFiles::Entry>& ProtectedFiles::entries() const {
  std::call_once(resolved_->once, [this] {
    auto ancestors = [](const std::string& p) {
      std::vector<std::string> out;
      for (fs::path a = fs::path(p).parent_path(); a.has_relative_path(); a = a.parent_path())
        out.push_back(a.string());
      return out;
    };
    auto& out = resolved_->entries;
    for (const auto& q : requests_) {
      std::string l = lexical(q.path), r = resolved(q.path);
      out.push_back({l, q.what, q.settings, q.read_too, q.prefix, ancestors(l)});
      if (r != l) out.push_back({r, q.what, q.settings, q.read_too, q.prefix, ancestors(r)});
    }
  });
  return resolved_->entries;
}

bool ProtectedFiles::any_read_too() const {
  return std::any_of(requests_.begin(), requests_.end(), [](const Request& q) { return q.read_too; });
}

ProtectedFiles ProtectedFiles::from_environment() {
  ProtectedFiles f;
  PolicyPaths paths = policy_paths("");
  f.add(paths.managed, "the managed dbguard policy file");
  f.add(paths.user, "the user dbguard policy file");
  std::string home = env_or("HOME", "");
  std::string claude_dir = env_or("CLAUDE_CONFIG_DIR", home.empty() ? "" : home + "/.claude");
  if (!claude_dir.empty()) {
    f.add(claude_dir + "/settings.json", "the user's Claude Code settings", true);
    f.add(claude_dir + "/settings.local.json", "the user's Claude Code settings", true);
  }
  if (!home.empty()) {
    f.add(home + "/.claude/settings.json", "the user's Claude Code settings", true);
    f.add(home + "/.claude/settings.local.json", "the user's Claude Code settings", true);
  }
  f.add("/etc/claude-code/managed-settings.json", "Claude Code's managed settings", true);
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) f.add(std::string(exe, static_cast<std::size_t>(n)), "the dbguard binary");
  return f;
}

std::string protected_what(const ProtectedFiles& files, const std::string& abs_path, bool* settings, bool* read_too) {
  const std::string l = lexical(abs_path);
  return protected_what(files, l, resolve(abs_path, l).path, settings, read_too);
}

// The start of a deny's detail: "`cp` writes over". Composed only for a deny: a long
// command's every cp built its two of them, with the strings they took, for nothing.
struct How {
  std::string_view head, prog{}, tail{};
  std::string text() const { return std::string(head).append(prog).append(tail); }
};

void judge_invocation(const ProtectedFiles& files, const Invocation& inv, std::vector<Finding>& out) {
  const std::string& cwd = inv.cwd;
  auto check_word = [&](const PathWord& w, const std::string& raw, const How& how, bool dir_too) {
    if (has_glob(w.word)) {
      // An unexpanded glob: a hit when it could match a protected file.
      std::string hit = w.unknown_var ? "" : glob_hit(files, w.lex, dir_too, cwd);
      if (!hit.empty()) {
        deny(out, inv.segment, how.text() + " " + hit + " through the pattern " + raw, "command line");
        return true;
      }
    }
    Target t = classify(files, w);
    if (!t.what.empty()) {
      deny(out, inv.segment, how.text() + " " + t.what + ": " + raw, "command line");
      return true;
    }
    if (dir_too) {
      std::string inside = holds_protected(files, w);
      if (!inside.empty()) {
        deny(out, inv.segment, how.text() + " a directory holding " + inside + ": " + raw, "command line");
        return true;
      }
    }
    return false;
  };
  auto check = [&](const std::string& raw, const How& how, bool dir_too) {
    if (raw.find('{') == std::string::npos) return check_word(path_word(raw, cwd), raw, how, dir_too);  // most words
    // Each word the shell's brace expansion makes of `raw` (rm x.tom{l,x}).
    for (const auto& word : brace_variants(raw))
      if (check_word(path_word(word, cwd), raw, how, dir_too)) return true;
    return false;
  };
  // A directory copied or extracted into (its own files, or new ones there).
  auto check_into = [&](const std::string& raw, const How& how) {
    auto creates = [&](const PathWord& w) {
      std::string inside = creates_protected_in(w);
      if (inside.empty()) return false;
      deny(out, inv.segment, how.text() + " " + inside + ": " + raw, "command line");
      return true;
    };
    if (raw.find('{') == std::string::npos) {  // most words: one, checked both ways
      PathWord w = path_word(raw, cwd);
      return check_word(w, raw, how, true) || creates(w);
    }
    const std::vector<std::string> variants = brace_variants(raw);  // the words' text: outlives them
    std::vector<PathWord> words;
    for (const auto& word : variants) words.push_back(path_word(word, cwd));
    for (const auto& w : words)
      if (check_word(w, raw, how, true)) return true;
    for (const auto& w : words)
      if (creates(w)) return true;
    return false;
  };

  for (const auto& w : inv.writes)
    if (check(w, How{"the output redirection writes"}, false)) return;
  if (inv.argv.empty() || inv.program_dynamic) return;
  const std::string_view prog = basename_of(inv.argv[0].text);  // a view: compared with literals by length first

  // Reading the audit key is denied too: with it, the chain could be rewritten.
  // Only entries carry read_too; without one, resolving every argument of every
  // command (a stat each) finds nothing.
  for (std::size_t i = 1; files.any_read_too() && i < inv.argv.size(); ++i) {
    Target t = classify(files, inv.argv[i].text, cwd);
    if (t.read_too) {
      deny(out, inv.segment, "the command names " + t.what + ": " + inv.argv[i].text, "command line");
      return;
    }
  }

  if (prog == "dbguard") {
    auto ops = operands(inv);
    const std::string_view sub = ops.empty() ? std::string_view() : std::string_view(*ops[0]);
    if (sub == "uninstall") {
      deny(out, inv.segment, "`dbguard uninstall` removes the guard's hook; only a person may run it", "command line");
      return;
    }
    // Started only by the hook's watchdog (protocol/watchdog), to record its deny.
    if (sub == "hook-timeout-record") {
      deny(out, inv.segment, "`dbguard hook-timeout-record` writes the guard's audit log; only the guard runs it",
           "command line");
      return;
    }
    // install replaces the hook entry: with --binary it could point it at anything.
    if (sub == "install") {
      deny(out, inv.segment, "`dbguard install` rewrites the guard's hook in Claude Code's settings; only a person may run it",
           "command line");
      return;
    }
  }

  static const std::set<std::string, std::less<>> any_operand = {
      "rm", "unlink", "shred", "truncate", "chmod", "chown", "chgrp", "chattr", "setfacl", "mv", "tee", "rmdir",
      "srm", "wipe", "ed", "ex", "vi", "vim", "nvim", "nano", "emacs", "pico", "joe", "mcedit", "ln", "link", "sponge"};
  static const std::set<std::string, std::less<>> recursive = {"rm",    "mv",      "chmod", "chown", "chgrp",
                                                               "chattr", "setfacl", "rmdir", "srm",   "wipe"};
  if (any_operand.count(prog)) {
    for (const std::string* op : operands(inv))
      if (check(*op, How{"`", prog, "` changes"}, recursive.count(prog) > 0)) return;
    return;
  }
  if (prog == "cp" || prog == "install" || prog == "rsync" || prog == "scp") {
    std::string target_dir;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
      const std::string& a = inv.argv[i].text;
      if ((a == "-t" || a == "--target-directory") && i + 1 < inv.argv.size()) target_dir = inv.argv[i + 1].text;
      else if (a.rfind("--target-directory=", 0) == 0) target_dir = a.substr(19);
    }
    auto ops = operands(inv);
    if (ops.empty()) return;
    const std::size_t sources = ops.size() - (target_dir.empty() ? 1 : 0);
    const std::string& dest = target_dir.empty() ? *ops.back() : target_dir;
    if (check(dest, How{"`", prog, "` writes over"}, false)) return;
    std::string dest_abs = expand(dest, cwd);
    if (!target_dir.empty() || (!dest.empty() && dest.back() == '/') || is_directory(dest_abs)) {
      for (std::size_t k = 0; k < sources; ++k) {
        // What lands in the destination: SRC/. (and rsync's SRC/) copies the
        // contents into it, anything else arrives as DEST/basename, a whole
        // directory with `-r`.
        const std::string& src = *ops[k];
        std::string_view trimmed = src;
        while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
        std::string_view base = basename_of(trimmed);
        bool contents = base == "." || (prog == "rsync" && !src.empty() && src.back() == '/');
        // DEST/ names no doubled slash (whose normalizing costs more than the join).
        std::string target = dest_abs;
        if (!contents) (target.empty() || target.back() != '/' ? target += '/' : target) += base;
        if (check_into(target, How{"`", prog, "` copies into"})) return;
      }
    }
    return;
  }
  if (prog == "tar" || prog == "gtar" || prog == "bsdtar") {
    std::string dir;
    if (!tar_extracts(inv, dir)) return;
    check_into(dir.empty() ? "." : dir, How{"`", prog, "` extracts into"});
    return;
  }
  if (prog == "unzip") {
    std::string dir;
    if (!unzip_extracts(inv, dir)) return;
    check_into(dir.empty() ? "." : dir, How{"`unzip` extracts into"});
    return;
  }
  if (prog == "dd") {
    for (std::size_t i = 1; i < inv.argv.size(); ++i)
      if (inv.argv[i].text.rfind("of=", 0) == 0 && check(inv.argv[i].text.substr(3), How{"`dd` writes"}, false)) return;
    return;
  }
  if (prog == "sed" || prog == "gsed" || prog == "perl" || prog == "ruby") {
    if (!short_flag(inv, 'i', "--in-place")) return;
    for (const std::string* op : operands(inv))
      if (check(*op, How{"`", prog, " -i` edits"}, false)) return;
    return;
  }
  if (prog == "git" && inv.argv.size() > 2) {
    static const std::set<std::string> sub = {"checkout", "restore", "rm", "mv", "clean", "reset", "apply", "am"};
    auto ops = operands(inv);
    if (ops.empty() || !sub.count(*ops[0])) return;
    const std::string& verb = *ops[0];
    for (std::size_t i = 1; i < ops.size(); ++i)
      if (check(*ops[i], How{"`git ", verb, "` changes"}, verb == "rm" || verb == "mv" || verb == "clean")) return;
    return;
  }
}

namespace {

// Environment variables that settings' `env` passes to hooks and that steer
// the guard: its own settings (DBGUARD_*), where it finds its policy, audit log
// and Claude's settings (HOME, XDG_*, CLAUDE_CONFIG_DIR), which `dbguard` the
// hook command runs (PATH), and what the shell running the hook command or the
// loader load first (BASH_ENV, ENV, LD_*).
bool steers_the_hook(const std::string& name) {
  static const std::set<std::string> exact = {"HOME", "CLAUDE_CONFIG_DIR", "PATH", "BASH_ENV", "ENV"};
  for (const char* prefix : {"DBGUARD_", "XDG_", "LD_"})
    if (name.rfind(prefix, 0) == 0) return true;
  return exact.count(name) > 0;
}

// The settings' hook configuration: what an edit must leave as it is.
nlohmann::json hooks_of(const nlohmann::json& settings) {
  nlohmann::json out = nlohmann::json::object();
  if (!settings.is_object()) return out;
  for (const char* k : {"hooks", "disableAllHooks", "allowManagedHooksOnly"})
    if (settings.contains(k)) out[k] = settings[k];
  if (settings.contains("env")) {
    const auto& env = settings["env"];
    if (!env.is_object()) {
      out["env"] = env;  // not a map of names: compared whole
    } else {
      for (const auto& [name, value] : env.items())
        if (steers_the_hook(name)) out["env"][name] = value;
    }
  }
  return out;
}

bool apply_edit(std::string& text, const nlohmann::json& edit) {
  if (!edit.is_object() || !edit.contains("old_string") || !edit["old_string"].is_string() ||
      !edit.contains("new_string") || !edit["new_string"].is_string())
    return false;
  std::string from = edit["old_string"].get<std::string>(), to = edit["new_string"].get<std::string>();
  bool all = edit.value("replace_all", false);
  if (from.empty()) {
    if (!text.empty()) return false;
    text = to;
    return true;
  }
  std::size_t p = text.find(from);
  if (p == std::string::npos) return false;
  while (p != std::string::npos) {
    text.replace(p, from.size(), to);
    if (!all) break;
    p = text.find(from, p + to.size());
  }
  return true;
}

}  // namespace

void judge_tool(const ProtectedFiles& files, const std::string& tool, const nlohmann::json& input,
                const std::string& cwd, std::vector<Finding>& out) {
  static const std::set<std::string> writers = {"Write", "Edit", "MultiEdit", "NotebookEdit"};
  bool writes = writers.count(tool) > 0;
  if (!writes && tool != "Read") return;
  if (!input.is_object()) return;
  std::string raw;
  for (const char* k : {"file_path", "notebook_path", "path"})
    if (input.contains(k) && input[k].is_string()) {
      raw = input[k].get<std::string>();
      break;
    }
  if (raw.empty()) return;
  Target t = classify(files, raw, cwd);
  if (t.what.empty()) return;
  std::string segment = tool + " " + raw;
  if (!writes) {
    if (t.read_too) deny(out, segment, "reads " + t.what + ": " + raw, "tool input");
    return;
  }
  if (!t.settings) {
    deny(out, segment, "writes " + t.what + ": " + raw, "tool input");
    return;
  }
  // A settings file: other settings may change, the hook configuration may not.
  // Claude Code resolves the path lexically (Node's path.resolve), so
  // `/p/missing/../.claude/settings.json` writes /p/.claude/settings.json even
  // though the kernel cannot open it as written: read the file it will write.
  std::string path = lexical(expand(raw, cwd));
  std::string before, error;
  bool exists = read_file_bounded(path, 4u << 20, before, error);
  std::error_code ec;
  if (!exists && (fs::exists(path, ec) || ec)) {
    // Its hooks cannot be compared with what the edit leaves: fail closed.
    deny(out, segment, "writes " + t.what + " whose current content cannot be read to check its hooks (" + error +
                           "): " + raw, "tool input");
    return;
  }
  std::string after = before;
  if (tool == "Write") {
    if (!input.contains("content") || !input["content"].is_string()) return;
    after = input["content"].get<std::string>();
  } else if (tool == "Edit") {
    if (!apply_edit(after, input)) return;  // the edit cannot apply: the tool itself will fail
  } else if (tool == "MultiEdit") {
    if (!input.contains("edits") || !input["edits"].is_array()) return;
    for (const auto& e : input["edits"])
      if (!apply_edit(after, e)) return;
  } else {
    deny(out, segment, "writes " + t.what + ": " + raw, "tool input");
    return;
  }
  auto parse = [](const std::string& s) { return nlohmann::json::parse(s, nullptr, false, true); };
  nlohmann::json old_json = exists && !before.empty() ? parse(before) : nlohmann::json::object();
  nlohmann::json new_json = parse(after);
  if (new_json.is_discarded() || !new_json.is_object()) {
    deny(out, segment, "would leave " + t.what + " unreadable as JSON (which switches its hooks off): " + raw,
         "tool input");
    return;
  }
  if (old_json.is_discarded()) old_json = nlohmann::json::object();
  if (hooks_of(old_json) != hooks_of(new_json))
    deny(out, segment,
         "changes the hooks of " + t.what +
             " (the guard's own hook lives there; its `env` for DBGUARD_*, HOME, XDG_*, CLAUDE_CONFIG_DIR, PATH, "
             "BASH_ENV, ENV and LD_* counts as part of it): " + raw,
         "tool input");
}

void begin_decision() {
  last_dir = nullptr;
  last_missing = nullptr;
  under_missing.reset();
  resolved_dirs.clear();
}

}  // namespace dbguard::policy
