#include "decision/data_dirs.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>

#include "support/files.h"
#include "support/text.h"
#include "unwrap/expand.h"

namespace dbguard::datadirs {
namespace fs = std::filesystem;

namespace {

std::string base_name(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

bool in(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// The shell's pathname expansion of PATTERN against the filesystem (hidden
// names only when the pattern spells the dot), bounded; no match keeps the word.
std::vector<std::string> expand_glob(const std::string& cwd, const std::string& pattern) {
  if (!has_glob(pattern)) return {pattern};
  std::vector<std::string> parts;
  std::string cur;
  for (char c : pattern) {
    if (c == '/') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  bool absolute = !pattern.empty() && pattern[0] == '/';
  std::vector<std::string> found{absolute ? "/" : ""};  // as written, without the cwd
  for (std::size_t k = absolute ? 1 : 0; k < parts.size(); ++k) {
    const std::string& part = parts[k];
    if (part.empty()) continue;
    std::vector<std::string> next;
    for (const auto& prefix : found) {
      std::string shown = prefix.empty() || prefix.back() == '/' ? prefix + part : prefix + "/" + part;
      if (!has_glob(part)) {
        next.push_back(shown);
        continue;
      }
      std::error_code ec;
      std::string dir = resolve_path(cwd, prefix.empty() ? "." : prefix);
      for (fs::directory_iterator it(dir, ec), end; !ec && it != end && next.size() < kGlobMatches; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (fnmatch(part.c_str(), name.c_str(), FNM_PERIOD) == 0)
          next.push_back(prefix.empty() || prefix.back() == '/' ? prefix + name : prefix + "/" + name);
      }
    }
    found = std::move(next);
    if (found.empty()) return {pattern};
  }
  return found;
}

struct Search {
  const Settings& s;
  SearchMemo& memo;
  std::size_t budget = kSearchEntries;  // shared by every target of one command
  // Ancestors already looked in, with what they hold: `rm -rf build dist .cache`
  // shares every one, a stat per marker each (18 calls from /work/app up).
  std::vector<std::pair<std::string, std::string>> ancestors_seen = {};
  mutable std::string candidate_ = {};  // marker_in's path, its storage reused

  // A marker DIR holds (as fs::exists(DIR / marker)), or "". Each candidate is built in
  // one reused buffer and stat(2)ed: as `dir / m`, every one was a path parsed into its
  // components first, half the time of an `rm -r` (a marker a directory, from the
  // target up to /).
  std::string marker_in(std::string_view dir) const {
    for (const auto& m : s.markers) {
      candidate_.assign(m.empty() || m[0] != '/' ? dir : std::string_view());  // an absolute one stands alone
      if (!candidate_.empty() && candidate_.back() != '/') candidate_ += '/';
      candidate_ += m;
      struct stat st {};
      if (::stat(candidate_.c_str(), &st) == 0) return m;
    }
    return "";
  }

  std::string marker_in_ancestor(std::string_view dir) {
    for (const auto& [d, m] : ancestors_seen)
      if (d == dir) return m;
    ancestors_seen.emplace_back(std::string(dir), marker_in(dir));
    return ancestors_seen.back().second;
  }

  // A data directory at or below DIR within the bounds: its path, "" if none,
  // or nullopt when the bounds ran out first. Answered from the memo when it can
  // tell what this search would find with the budget left.
  // With files_too, a database file there counts as well (rm -r of a named directory;
  // not for a target only known at run time, which could then be any directory here).
  std::optional<std::string> below(const std::string& dir, bool files_too) {
    if (const SearchMemo::Known* k = memo.find(dir, files_too)) {
      if (k->found && k->used <= budget) {  // complete, and within what is left: the same walk
        budget -= k->used;
        return k->found;
      }
      if (k->found || budget <= k->started_with) {  // it would run out, as then or sooner
        budget = 0;
        return std::nullopt;
      }
    }
    const std::size_t started_with = budget;
    std::optional<std::string> found = search_below(dir, files_too);
    memo.entries_read += started_with - budget;
    memo.keep({dir, files_too, found, started_with, started_with - budget});
    return found;
  }

  std::optional<std::string> search_below(const std::string& dir, bool files_too) {
    std::deque<std::pair<fs::path, int>> queue{{fs::path(dir), 0}};
    while (!queue.empty()) {
      auto [d, depth] = queue.front();
      queue.pop_front();
      if (auto m = marker_in(d.native()); !m.empty()) return (d / m).string();
      if (depth >= kSearchDepth) continue;
      std::error_code ec;
      for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
        if (budget == 0) return std::nullopt;
        --budget;
        std::error_code e2;
        if (it->is_directory(e2) && !it->is_symlink(e2)) queue.emplace_back(it->path(), depth + 1);
        else if (files_too && it->is_regular_file(e2) && database_file(it->path())) return it->path().string();
      }
    }
    return "";
  }

  // A file a database keeps its data in (instance/app.db, store/app.sqlite): named with a
  // data suffix and, for the ambiguous `.db` (Thumbs.db), starting as SQLite or DuckDB files do.
  bool database_file(const fs::path& path) const {
    std::string name = path.filename().string();
    if (!data_file(name)) return false;
    std::error_code ec;
    if (fs::file_size(path, ec) == 0 || ec) return false;
    if (name.size() < 3 || name.compare(name.size() - 3, 3, ".db") != 0) return true;
    char head[16] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(head, sizeof head);
    std::string_view h(head, static_cast<std::size_t>(in.gcount()));
    return h.rfind(std::string_view("SQLite format 3\0", 16), 0) == 0 || (h.size() >= 12 && h.substr(8, 4) == "DUCK");
  }

  bool suggests_data(const std::string& text) const {
    std::string word;
    for (char c : text + " ") {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        continue;
      }
      if (in(s.name_words, word)) return true;
      word.clear();
    }
    return false;
  }

  bool data_file(const std::string& path) const {
    for (const auto& suf : s.file_suffixes)
      if (path.size() > suf.size() && path.compare(path.size() - suf.size(), suf.size(), suf) == 0) return true;
    return false;
  }

  // Why removing TARGET (as written; EXPANDED when a glob or brace produced it)
  // destroys a database, or "".
  std::string removed(const std::string& cwd, const std::string& target, bool recursive, bool expanded,
                      bool search_below) {
    // Strings, not fs::path: each path built parsed itself into components, and an
    // `rm -r` walks every ancestor of every target.
    const std::string p = lexically_normal_kept(resolve_path(cwd, target));
    struct stat st {};
    bool is_dir = ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);  // fs::is_directory: follows symlinks
    if (recursive && is_dir)
      if (auto m = marker_in(p); !m.empty()) return target + " holds " + m + ": it is a database's data directory";
    for (std::string_view up = parent_of(p); !up.empty(); up = parent_of(up)) {
      if (auto m = marker_in_ancestor(up); !m.empty())
        return target + " is inside " + std::string(up) + ", a database's data directory (it holds " + m + ")";
      if (parent_of(up) == up) break;  // the root: its own parent
    }
    if (expanded && recursive && in(s.names, base_name(target))) return target + " is named like a database data directory";
    if (expanded && data_file(target) && !is_dir) return target + " is a database file";
    if (recursive && is_dir && search_below) {
      auto found = below(p, true);
      if (!found) {
        if (suggests_data(base_name(p)))
          return target + " is too large to search for a data directory and its name suggests data";
      } else if (!found->empty()) {
        return target + " holds a database's data: " + *found;
      }
    }
    return "";
  }

  // A target only known at run time ("$PGDATA", $(…)): what it could be.
  std::string dynamic(const std::string& cwd, const std::string& text) {
    for (const auto& v : s.variables)
      if (text.find("$" + v) != std::string::npos || text.find("${" + v) != std::string::npos)
        return text + " names " + v + ", the database's data directory";
    if (suggests_data(text)) return text + " is only known at run time and its name suggests data";
    // the static part before the unknown one: the directory it lies in
    std::string prefix = text.substr(0, text.find_first_of("$`"));
    std::string dir = prefix.substr(0, prefix.find_last_of('/') == std::string::npos ? 0 : prefix.find_last_of('/') + 1);
    fs::path base = fs::path(resolve_path(cwd, dir.empty() ? "." : dir)).lexically_normal();
    auto found = below(base.string(), false);
    if (found && !found->empty())
      return text + " is only known at run time and could be the database data directory " +
             fs::path(*found).parent_path().string();
    return "";
  }
};

bool is_option(const Arg& a) { return !a.dynamic && !a.text.empty() && a.text[0] == '-'; }

}  // namespace

const SearchMemo::Known* SearchMemo::find(const std::string& dir, bool files_too) const {
  for (const auto& k : known_)
    if (k.files_too == files_too && k.dir == dir) return &k;
  return nullptr;
}

void SearchMemo::keep(Known k) {
  for (auto& old : known_)
    if (old.files_too == k.files_too && old.dir == k.dir) {
      old = std::move(k);  // searched again with more budget: the newer answer tells more
      return;
    }
  known_.push_back(std::move(k));
}

std::vector<Hit> judge(const Invocation& inv, const Settings& settings) {
  SearchMemo memo;
  return judge(inv, settings, memo);
}

std::vector<Hit> judge(const Invocation& inv, const Settings& settings, SearchMemo& memo) {
  std::vector<Hit> hits;
  if (inv.argv.empty() || inv.argv[0].dynamic) return hits;
  std::string_view prog = inv.argv[0].text;  // compared with literals by length first
  Search search{settings, memo};
  auto empties = [&](const std::string& target, const std::string& how) {
    fs::path p = fs::path(resolve_path(inv.cwd, target)).lexically_normal();
    std::error_code ec;
    if (search.data_file(target) && !fs::is_directory(p, ec))
      hits.push_back({false, how + " empties " + target + ", a database file"});
  };
  // Removal: rm TARGET…, find START… -delete / -exec rm
  std::vector<Arg> targets;
  bool recursive = false, search_below = true;
  if (prog == "rm") {
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
      const Arg& a = inv.argv[i];
      if (a.text == "--") continue;
      if (is_option(a)) {
        if (a.text == "--recursive" || (a.text.size() > 1 && a.text[1] != '-' && a.text.find_first_of("rR") != std::string::npos))
          recursive = true;
        continue;
      }
      targets.push_back(a);
    }
  } else if (prog == "find") {
    bool deletes = false, named = false;
    std::size_t i = 1;
    while (i < inv.argv.size() && (inv.argv[i].text == "-H" || inv.argv[i].text == "-L" || inv.argv[i].text == "-P")) ++i;
    for (; i < inv.argv.size() && !is_option(inv.argv[i]) && inv.argv[i].text != "(" && inv.argv[i].text != "!"; ++i)
      targets.push_back(inv.argv[i]);
    for (std::size_t k = i; k < inv.argv.size(); ++k) {
      const std::string& a = inv.argv[k].text;
      if (a == "-delete") deletes = true;
      if ((a == "-exec" || a == "-execdir" || a == "-ok" || a == "-okdir") && k + 1 < inv.argv.size() &&
          fs::path(inv.argv[k + 1].text).filename() == "rm")
        deletes = true;
      if (a == "-name" || a == "-iname" || a == "-path" || a == "-ipath" || a == "-wholename" || a == "-regex" ||
          a == "-iregex")
        named = true;
    }
    if (!deletes) targets.clear();
    recursive = true;
    // find -name '*.pyc' -delete removes only what matches: a data directory
    // below the start is not removed, one at or above it is
    search_below = !named;
  } else if (prog == "git") {
    // git clean -x / -X -f removes ignored files, and databases kept in a work tree
    // (db.sqlite3, pgdata/) are ignored files: judged as rm -r of each pathspec (default
    // the directory it runs in), unless it only lists (-n, --dry-run) or asks (-i).
    std::size_t i = 1;
    std::string dir = ".";
    for (; i < inv.argv.size() && is_option(inv.argv[i]); ++i)
      if (inv.argv[i].text == "-C" && i + 1 < inv.argv.size()) dir = inv.argv[++i].text;
      else if (inv.argv[i].text == "-c" && i + 1 < inv.argv.size()) ++i;
    if (i < inv.argv.size() && inv.argv[i].text == "clean") {
      bool ignored = false, force = false, dry = false;
      std::vector<Arg> specs;
      for (std::size_t k = i + 1; k < inv.argv.size(); ++k) {
        const Arg& a = inv.argv[k];
        if (a.text == "--") continue;
        if (a.text == "-e" || a.text == "--exclude") { ++k; continue; }
        if (a.text == "--force") force = true;
        else if (a.text == "--dry-run" || a.text == "--interactive") dry = true;
        else if (is_option(a) && a.text.size() > 1 && a.text[1] != '-') {
          ignored = ignored || a.text.find_first_of("xX") != std::string::npos;
          force = force || a.text.find('f') != std::string::npos;
          dry = dry || a.text.find_first_of("ni") != std::string::npos;
        } else if (!is_option(a)) {
          specs.push_back(a);
        }
      }
      if (ignored && force && !dry) {
        if (specs.empty()) specs.push_back(Arg{dir, false});
        else if (dir != ".")
          for (auto& spec : specs) spec.text = dir + "/" + spec.text;
        targets = specs;
        recursive = true;
      }
    }
  } else if (prog == "truncate") {
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
      const Arg& a = inv.argv[i];
      if (a.text == "-s" || a.text == "-r" || a.text == "--size" || a.text == "--reference") { ++i; continue; }
      if (!is_option(a) && !a.dynamic) empties(a.text, "truncate");
    }
  } else if (prog == "cp" && inv.argv.size() >= 3) {
    bool from_null = false;
    for (std::size_t i = 1; i + 1 < inv.argv.size(); ++i)
      if (inv.argv[i].text == "/dev/null" || inv.argv[i].text == "/dev/zero") from_null = true;
    if (from_null && !inv.argv.back().dynamic) empties(inv.argv.back().text, "cp " + inv.argv[1].text);
  } else if (prog == "dd") {
    std::string in_file, out_file;
    for (const auto& a : inv.argv) {
      if (a.text.rfind("if=", 0) == 0) in_file = a.text.substr(3);
      if (a.text.rfind("of=", 0) == 0 && !a.dynamic) out_file = a.text.substr(3);
    }
    if (!out_file.empty() && (in_file == "/dev/zero" || in_file == "/dev/null" || in_file == "/dev/urandom"))
      empties(out_file, "dd if=" + in_file);
  }
  // `: > app.sqlite`: a redirect truncates an existing database file
  for (const auto& w : inv.writes) {
    std::error_code ec;
    if (w.find('$') == std::string::npos && search.data_file(w) && fs::is_regular_file(w, ec))
      hits.push_back({false, "> " + base_name(w) + " empties " + w + ", a database file"});
  }
  for (const auto& t : targets) {
    if (t.dynamic) {
      if (!recursive) continue;
      if (auto why = search.dynamic(inv.cwd, t.text); !why.empty()) hits.push_back({true, why});
      continue;
    }
    for (const auto& braced : brace_expansions(t.text)) {
      bool expanded = braced != t.text || has_glob(braced);
      for (const auto& one : expand_glob(inv.cwd, braced)) {
        std::string why = search.removed(inv.cwd, one, recursive, expanded, search_below);
        if (why.empty()) continue;
        if (one != t.text) why = t.text + " matches: " + why;
        hits.push_back({true, why});
        break;
      }
    }
  }
  return hits;
}

}  // namespace dbguard::datadirs
