#include "unwrap/make_conditional.h"

#include "unwrap/make_expand.h"

namespace dbguard {
namespace {

bool expand_certain(const std::string& text, const std::map<std::string, std::string>& vars,
                    const std::set<std::string>& uncertain, std::string& out) {
  MakeScope scope;
  scope.vars = &vars;
  scope.deciding = true;
  scope.uncertain = &uncertain;
  out = make_expand(text, scope);
  return !scope.undecided && scope.unknowable.empty() && !scope.used_make;
}

// ifeq's two arguments: (A,B), "A" "B", 'A' 'B' (quote kinds may differ).
bool split_arguments(const std::string& args, std::string& a, std::string& b) {
  std::string t = make_trim(args);
  if (t.empty()) return false;
  if (t[0] == '(') {
    int level = 0;
    std::size_t comma = std::string::npos, close = std::string::npos;
    for (std::size_t i = 0; i < t.size() && close == std::string::npos; ++i) {
      if (t[i] == '(' || t[i] == '{') ++level;
      else if (t[i] == ')' || t[i] == '}') {
        if (--level == 0) close = i;
      } else if (t[i] == ',' && level == 1 && comma == std::string::npos) {
        comma = i;
      }
    }
    if (comma == std::string::npos || close == std::string::npos || !make_trim(t.substr(close + 1)).empty()) return false;
    a = t.substr(1, comma - 1);
    b = t.substr(comma + 1, close - comma - 1);
    return true;
  }
  auto quoted = [&](std::size_t& at, std::string& out) {
    if (at >= t.size() || (t[at] != '"' && t[at] != '\'')) return false;
    std::size_t end = t.find(t[at], at + 1);
    if (end == std::string::npos) return false;
    out = t.substr(at + 1, end - at - 1);
    at = end + 1;
    return true;
  };
  std::size_t at = 0;
  if (!quoted(at, a)) return false;
  at = t.find_first_not_of(" \t", at);
  return at != std::string::npos && quoted(at, b) && make_trim(t.substr(at)).empty();
}

}  // namespace

bool make_expands_certainly(const std::string& text, const std::map<std::string, std::string>& vars,
                            const std::set<std::string>& uncertain) {
  std::string ignored;
  return expand_certain(text, vars, uncertain, ignored);
}

MakeTruth make_condition(const std::string& directive, const std::string& args,
                         const std::map<std::string, std::string>& vars, const std::set<std::string>& uncertain) {
  if (directive == "ifdef" || directive == "ifndef") {
    std::string name;
    if (!expand_certain(make_trim(args), vars, uncertain, name)) return MakeTruth::Unknown;
    name = make_trim(name);
    auto it = vars.find(name);
    if (name.empty() || it == vars.end() || uncertain.count(name)) return MakeTruth::Unknown;  // the environment's
    bool defined = !it->second.empty();  // ifdef looks at the value unexpanded
    return defined == (directive == "ifdef") ? MakeTruth::True : MakeTruth::False;
  }
  std::string a, b, va, vb;
  if (!split_arguments(args, a, b) || !expand_certain(a, vars, uncertain, va) || !expand_certain(b, vars, uncertain, vb))
    return MakeTruth::Unknown;
  bool equal;
  if (va == vb) equal = true;
  else if (make_trim(va) != make_trim(vb)) equal = false;
  else return MakeTruth::Unknown;  // differ only in outer blanks, which make strips in some forms
  return equal == (directive == "ifeq") ? MakeTruth::True : MakeTruth::False;
}

}  // namespace dbguard
