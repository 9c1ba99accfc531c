#include "unwrap/makefile.h"

#include <functional>
#include <map>
#include <set>

#include "support/files.h"

namespace dbguard {
namespace {

struct Rule {
  std::vector<std::string> prereqs;
  std::vector<std::pair<int, std::string>> recipe;  // line number, raw text
  std::string file;
};

struct Makefile {
  std::map<std::string, std::string> vars;
  std::set<std::string> command_line;  // variables set on the command line: the file cannot change them
  std::map<std::string, Rule> rules;
  std::string default_target;
  std::string oversize;  // a file read (or included) over the bound
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Expands $(VAR), ${VAR}, $$ and the functions whose value matters here.
// Unknown functions yield their argument (an approximation that keeps the text visible).
std::string expand(const std::string& s, const Makefile& mf, const std::string& target,
                   const std::vector<std::string>& prereqs, int depth = 0) {
  if (depth > 16) return s;
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char n = s[i + 1];
    if (n == '$') { out += '$'; ++i; continue; }
    if (n == '@') { out += target; ++i; continue; }
    if (n == '<') { out += prereqs.empty() ? "" : prereqs[0]; ++i; continue; }
    if (n == '^' || n == '+') {
      for (std::size_t k = 0; k < prereqs.size(); ++k) out += (k ? " " : "") + prereqs[k];
      ++i;
      continue;
    }
    if (n != '(' && n != '{') {  // $X single-letter variable
      auto it = mf.vars.find(std::string(1, n));
      if (it != mf.vars.end()) out += expand(it->second, mf, target, prereqs, depth + 1);
      ++i;
      continue;
    }
    char close = n == '(' ? ')' : '}';
    int level = 0;
    std::size_t j = i + 1;
    for (; j < s.size(); ++j) {
      if (s[j] == n) ++level;
      else if (s[j] == close && --level == 0) break;
    }
    if (j >= s.size()) { out += s.substr(i); break; }
    std::string inner = s.substr(i + 2, j - i - 2);
    i = j;
    auto space = inner.find_first_of(" \t");
    std::string fn = inner.substr(0, space);
    if (space != std::string::npos && fn.find(':') == std::string::npos) {
      std::string arg = expand(trim(inner.substr(space)), mf, target, prereqs, depth + 1);
      if (fn == "shell") out += "$(" + arg + ")";  // runs at expansion: a command substitution
      else if (fn == "error" || fn == "warning" || fn == "info" || fn == "eval") out += "";
      else if (fn == "if") out += arg.substr(arg.find(',') == std::string::npos ? 0 : arg.find(',') + 1);
      else if (fn == "dir") { auto p = arg.find_last_of('/'); out += p == std::string::npos ? "./" : arg.substr(0, p + 1); }
      else if (fn == "firstword") { auto w = words(arg); out += w.empty() ? "" : w[0]; }
      else if (fn == "lastword") { auto w = words(arg); out += w.empty() ? "" : w.back(); }
      else out += arg.substr(arg.rfind(',') == std::string::npos ? 0 : arg.rfind(',') + 1);
      continue;
    }
    auto it = mf.vars.find(inner);
    if (it != mf.vars.end()) out += expand(it->second, mf, target, prereqs, depth + 1);
    else if (inner == "MAKE") out += "make";
  }
  return out;
}

std::string short_path(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool read_makefile(const std::string& path, Makefile& mf, int depth, std::string& error, std::size_t max_bytes) {
  std::string text;
  bool too_large = false;
  if (!read_file_bounded(path, max_bytes, text, error, &too_large)) {
    if (too_large && mf.oversize.empty()) mf.oversize = short_path(path) + " not read: " + error;
    return false;
  }
  mf.vars["MAKEFILE_LIST"] += (mf.vars["MAKEFILE_LIST"].empty() ? "" : " ") + path;
  std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
  std::vector<std::string> current;  // targets of the rule being read
  int lineno = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    int first_line = ++lineno;
    while (!line.empty() && line.back() == '\\' && pos < text.size()) {  // continuation
      line.pop_back();
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
      std::size_t nl2 = text.find('\n', pos);
      line += " " + trim(text.substr(pos, nl2 == std::string::npos ? std::string::npos : nl2 - pos));
      pos = nl2 == std::string::npos ? text.size() : nl2 + 1;
      ++lineno;
    }
    if (!line.empty() && line[0] == '\t') {
      for (const auto& t : current) mf.rules[t].recipe.emplace_back(first_line, line.substr(1));
      continue;
    }
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    std::string directive = t.substr(0, t.find_first_of(" \t"));
    if (directive == "ifeq" || directive == "ifneq" || directive == "ifdef" || directive == "ifndef" ||
        directive == "else" || directive == "endif" || directive == "endef" || directive == "define" ||
        directive == "vpath" || directive == "unexport")
      continue;
    if (directive == "include" || directive == "-include" || directive == "sinclude") {
      for (const auto& f : words(expand(trim(t.substr(directive.size())), mf, "", {}))) {
        std::string inc = f[0] == '/' ? f : (dir.empty() ? f : dir + "/" + f);
        std::string ignored;
        if (depth < 8) read_makefile(inc, mf, depth + 1, ignored, max_bytes);
      }
      continue;
    }
    if (directive == "export" || directive == "override") t = trim(t.substr(directive.size()));
    // assignment: NAME = v, := ::= ?= +=
    auto eq = t.find('=');
    auto colon = t.find(':');
    if (eq != std::string::npos && (colon == std::string::npos || colon >= eq - 1)) {
      std::size_t name_end = eq;
      char op = eq > 0 ? t[eq - 1] : ' ';
      if (op == ':' || op == '?' || op == '+' || op == '!') --name_end;
      if (name_end > 0 && t[name_end - 1] == ':') --name_end;  // ::=
      std::string name = trim(t.substr(0, name_end));
      std::string value = trim(t.substr(eq + 1));
      if (!name.empty() && name.find_first_of(" \t") == std::string::npos) {
        if ((op == '?' && mf.vars.count(name)) || mf.command_line.count(name)) continue;
        if (op == ':') value = expand(value, mf, "", {});
        if (op == '+') mf.vars[name] += (mf.vars[name].empty() ? "" : " ") + value;
        else mf.vars[name] = value;
        current.clear();
        continue;
      }
    }
    if (colon != std::string::npos) {
      std::string targets = expand(trim(t.substr(0, colon)), mf, "", {});
      std::string rest = t.substr(colon + 1);
      if (!rest.empty() && rest[0] == ':') rest = rest.substr(1);  // double-colon rule
      std::string inline_recipe;
      if (auto semi = rest.find(';'); semi != std::string::npos) {
        inline_recipe = rest.substr(semi + 1);
        rest = rest.substr(0, semi);
      }
      if (auto pipe = rest.find('|'); pipe != std::string::npos) rest[pipe] = ' ';  // order-only prerequisites
      current = words(targets);
      for (const auto& tg : current) {
        Rule& r = mf.rules[tg];
        r.file = path;
        for (const auto& p : words(expand(rest, mf, tg, {}))) r.prereqs.push_back(p);
        if (!trim(inline_recipe).empty()) r.recipe.emplace_back(first_line, trim(inline_recipe));
        if (mf.default_target.empty() && tg[0] != '.' && tg.find('%') == std::string::npos) mf.default_target = tg;
      }
    }
  }
  return true;
}

std::string short_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

MakePlan plan_make(const std::vector<Arg>& argv, const std::string& cwd, std::size_t max_bytes) {
  MakePlan plan;
  plan.directory = cwd;
  std::string file;
  std::vector<std::string> goals;
  Makefile mf;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    auto value = [&](std::size_t skip) { return a.size() > skip ? a.substr(skip) : (i + 1 < argv.size() ? argv[++i].text : ""); };
    if (a == "-n" || a == "--dry-run" || a == "--just-print" || a == "--recon" || a == "-q" || a == "--question" ||
        a == "-p" || a == "--print-data-base" || a == "--help" || a == "-h" || a == "-v" || a == "--version") {
      plan.runs_recipes = false;
    } else if (a.rfind("-C", 0) == 0 || a.rfind("--directory=", 0) == 0) {
      std::string d = a.rfind("--", 0) == 0 ? a.substr(12) : value(2);
      plan.directory = resolve_path(plan.directory, d);
    } else if (a.rfind("-f", 0) == 0 || a.rfind("--file=", 0) == 0 || a.rfind("--makefile=", 0) == 0) {
      file = a.rfind("--", 0) == 0 ? a.substr(a.find('=') + 1) : value(2);
    } else if (a == "-j" || a == "-l") {
      if (i + 1 < argv.size() && !argv[i + 1].text.empty() && std::isdigit(static_cast<unsigned char>(argv[i + 1].text[0]))) ++i;
    } else if (a == "-I" || a == "-o" || a == "-W") {
      ++i;
    } else if (!a.empty() && a[0] == '-') {
      if (a.find('n') != std::string::npos && a[1] != '-' && a.find_first_not_of("-nksiBeswrRS") == std::string::npos)
        plan.runs_recipes = false;
    } else if (a.find('=') != std::string::npos) {
      mf.vars[a.substr(0, a.find('='))] = a.substr(a.find('=') + 1);  // command-line variables win
      mf.command_line.insert(a.substr(0, a.find('=')));
    } else {
      goals.push_back(a);
    }
  }
  std::vector<std::string> candidates = file.empty() ? std::vector<std::string>{"GNUmakefile", "makefile", "Makefile"}
                                                     : std::vector<std::string>{file};
  std::string error = "no makefile in " + plan.directory;
  bool found = false;
  for (const auto& c : candidates) {
    std::string path = resolve_path(plan.directory, c);
    std::string e;
    if (read_makefile(path, mf, 0, e, max_bytes)) {
      found = true;
      break;
    }
    if (!file.empty()) error = "cannot read " + c + ": " + e;
  }
  if (!mf.oversize.empty()) plan.oversize = mf.oversize;
  if (!found) {
    plan.error = error;
    return plan;
  }
  if (goals.empty() && !mf.default_target.empty()) goals.push_back(mf.default_target);
  std::set<std::string> visited;
  std::function<void(const std::string&, int)> visit = [&](const std::string& target, int depth) {
    if (depth > 64 || !visited.insert(target).second) return;
    auto it = mf.rules.find(target);
    if (it == mf.rules.end()) return;
    for (const auto& p : it->second.prereqs) visit(p, depth + 1);
    for (const auto& [line, raw] : it->second.recipe) {
      std::string cmd = expand(raw, mf, target, it->second.prereqs);
      std::size_t k = 0;
      while (k < cmd.size() && (cmd[k] == '@' || cmd[k] == '-' || cmd[k] == '+' || cmd[k] == ' ' || cmd[k] == '\t')) ++k;
      plan.lines.push_back({cmd.substr(k), short_name(it->second.file) + ":" + std::to_string(line) + " (target " + target + ")"});
    }
  };
  for (const auto& g : goals) {
    if (!mf.rules.count(g)) plan.error = "no rule for target " + g;
    visit(g, 0);
  }
  return plan;
}

}  // namespace dbguard
