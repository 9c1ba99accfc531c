#include "unwrap/make_expand.h"

#include <algorithm>
#include <set>

namespace dbguard {

std::string make_trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> make_words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// patsubst / pattern-rule matching: PATTERN has at most one %.
bool make_match_pattern(const std::string& pattern, const std::string& word, std::string& stem) {
  auto pct = pattern.find('%');
  if (pct == std::string::npos) return pattern == word && (stem.clear(), true);
  std::string pre = pattern.substr(0, pct), post = pattern.substr(pct + 1);
  if (word.size() < pre.size() + post.size() || word.compare(0, pre.size(), pre) != 0 ||
      word.compare(word.size() - post.size(), post.size(), post) != 0)
    return false;
  stem = word.substr(pre.size(), word.size() - pre.size() - post.size());
  return true;
}

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t k = 0; k < v.size(); ++k) out += (k ? " " : "") + v[k];
  return out;
}

// A function's arguments, split at commas outside nested $( ) / ${ }.
std::vector<std::string> split_args(const std::string& s) {
  std::vector<std::string> out(1);
  int level = 0;
  for (char c : s) {
    if (c == '(' || c == '{') ++level;
    else if ((c == ')' || c == '}') && level > 0) --level;
    if (c == ',' && level == 0) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

// Whether a conditional still decides with NAME's value: not when the value may
// come from the environment or differ at run time.
void note_decidable(const std::string& name, const MakeScope& scope, MakeScope& out) {
  if (!scope.deciding || scope.locals.count(name)) return;
  bool param = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (param && !scope.params.empty()) return;
  if (!scope.vars || !scope.vars->count(name) || (scope.uncertain && scope.uncertain->count(name))) out.undecided = true;
}

std::string lookup(const std::string& name, MakeScope& scope, int depth) {
  note_decidable(name, scope, scope);
  if (auto it = scope.locals.find(name); it != scope.locals.end()) return it->second;
  if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::size_t n = std::stoul(name.size() > 6 ? "999999" : name);
    return n < scope.params.size() ? scope.params[n] : "";
  }
  if (name == "@") return scope.target;
  if (name == "*") return scope.stem;
  if (name == "<") return scope.prereqs.empty() ? "" : scope.prereqs[0];
  if (name == "^" || name == "+") return join(scope.prereqs);
  if (scope.vars) {
    if (auto it = scope.vars->find(name); it != scope.vars->end()) return make_expand(it->second, scope, depth + 1);
  }
  if (name == "MAKE") {
    scope.used_make = true;
    return scope.make_program;
  }
  return "";
}

std::string call_function(const std::string& fn, const std::string& rest, MakeScope& scope, int depth) {
  auto raw = split_args(rest);
  auto arg = [&](std::size_t k) { return k < raw.size() ? make_expand(raw[k], scope, depth + 1) : std::string(); };
  // functions evaluated exactly below; any other makes a conditional undecidable
  static const std::set<std::string> exact = {"call", "foreach", "if", "or", "subst", "patsubst", "strip",
                                              "addprefix", "addsuffix", "dir", "notdir", "firstword", "lastword"};
  if (scope.deciding && !exact.count(fn)) scope.undecided = true;
  if (fn == "shell") return "$(" + make_expand(rest, scope, depth + 1) + ")";  // runs at expansion: a command substitution
  if (fn == "error" || fn == "warning" || fn == "info") return "";
  if (fn == "eval" || fn == "file" || fn == "guile") {
    // the text it produces (rules, variables, commands) is only known to a running make
    if (scope.unknowable.empty()) scope.unknowable = "$(" + fn + " …) makes the recipe unknowable without running make";
    return "";
  }
  if (fn == "call") {
    std::vector<std::string> params;
    for (std::size_t k = 0; k < raw.size(); ++k) params.push_back(k == 0 ? make_trim(arg(0)) : arg(k));
    MakeScope inner = scope;
    inner.params = params;
    std::string name = params.empty() ? "" : params[0];
    std::string body;
    if (auto it = scope.locals.find(name); it != scope.locals.end()) body = it->second;
    else if (scope.vars && scope.vars->count(name)) body = scope.vars->at(name);
    std::string out = make_expand(body, inner, depth + 1);
    scope.used_make |= inner.used_make;
    scope.undecided |= inner.undecided;
    if (scope.unknowable.empty()) scope.unknowable = inner.unknowable;
    return out;
  }
  if (fn == "foreach") {
    std::string var = make_trim(arg(0));
    std::vector<std::string> parts;
    for (const auto& w : make_words(arg(1))) {
      MakeScope inner = scope;
      inner.locals[var] = w;
      parts.push_back(make_expand(raw.size() > 2 ? raw[2] : "", inner, depth + 1));
      scope.used_make |= inner.used_make;
      scope.undecided |= inner.undecided;
      if (scope.unknowable.empty()) scope.unknowable = inner.unknowable;
    }
    return join(parts);
  }
  if (fn == "if") return !make_trim(arg(0)).empty() ? arg(1) : arg(2);
  if (fn == "or") {
    for (std::size_t k = 0; k < raw.size(); ++k)
      if (auto v = make_trim(arg(k)); !v.empty()) return v;
    return "";
  }
  if (fn == "subst") {
    std::string from = arg(0), to = arg(1), text = arg(2);
    if (from.empty()) return text;
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
    return text;
  }
  if (fn == "patsubst") {
    std::string pattern = make_trim(arg(0)), repl = make_trim(arg(1));
    std::vector<std::string> out;
    for (const auto& w : make_words(arg(2))) {
      std::string stem;
      if (!make_match_pattern(pattern, w, stem)) { out.push_back(w); continue; }
      std::string r = repl;
      if (auto p = r.find('%'); p != std::string::npos) r.replace(p, 1, stem);
      out.push_back(r);
    }
    return join(out);
  }
  if (fn == "strip") return join(make_words(arg(0)));
  if (fn == "addprefix" || fn == "addsuffix") {
    std::string fix = arg(0);
    std::vector<std::string> out;
    for (const auto& w : make_words(arg(1))) out.push_back(fn == "addprefix" ? fix + w : w + fix);
    return join(out);
  }
  if (fn == "dir") {
    std::string a = arg(0);
    auto p = a.find_last_of('/');
    return p == std::string::npos ? "./" : a.substr(0, p + 1);
  }
  if (fn == "notdir") {
    std::string a = arg(0);
    auto p = a.find_last_of('/');
    return p == std::string::npos ? a : a.substr(p + 1);
  }
  if (fn == "firstword") { auto w = make_words(arg(0)); return w.empty() ? "" : w[0]; }
  if (fn == "lastword") { auto w = make_words(arg(0)); return w.empty() ? "" : w.back(); }
  // other functions: their last argument, an approximation that keeps the text visible
  return arg(raw.size() - 1);
}

}  // namespace

std::string make_expand(const std::string& s, MakeScope& scope, int depth) {
  if (depth > 32) {
    if (scope.unknowable.empty()) scope.unknowable = "variables nested deeper than the guard expands";
    return s;
  }
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char n = s[i + 1];
    if (n == '$') { out += '$'; ++i; continue; }
    if (n != '(' && n != '{') {  // $@ $< $^ $* $1 $X: single-character names
      out += lookup(std::string(1, n), scope, depth);
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
    if (space != std::string::npos && fn.find(':') == std::string::npos && fn.find('$') == std::string::npos) {
      out += call_function(fn, inner.substr(space + 1), scope, depth);
      continue;
    }
    if (auto colon = inner.find(':'); colon != std::string::npos && inner.find('=', colon) != std::string::npos) {
      // $(VAR:.c=.o) substitution reference
      std::string value = lookup(make_expand(inner.substr(0, colon), scope, depth + 1), scope, depth);
      std::string spec = inner.substr(colon + 1);
      std::string from = spec.substr(0, spec.find('=')), to = spec.substr(spec.find('=') + 1);
      if (from.find('%') == std::string::npos) from = "%" + from, to = "%" + to;
      out += call_function("patsubst", from + "," + to + "," + value, scope, depth);
      continue;
    }
    out += lookup(make_expand(inner, scope, depth + 1), scope, depth);
  }
  return out;
}

}  // namespace dbguard
