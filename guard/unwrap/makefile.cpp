#include "unwrap/makefile.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>

#include "support/files.h"
#include "unwrap/make_conditional.h"
#include "unwrap/make_expand.h"

namespace dbguard {
namespace {

struct Rule {
  std::vector<std::string> prereqs;
  std::vector<std::pair<int, std::string>> recipe;  // line number, raw text
  std::string file;
  std::string stem;  // static pattern rules: $* for this target
};

struct Makefile {
  std::map<std::string, std::string> vars;
  std::set<std::string> command_line;  // variables set on the command line: the file cannot change them
  std::map<std::string, Rule> rules;   // explicit targets, and pattern rules under their pattern (reset-%)
  std::string default_target;
  std::string oversize;      // a file read (or included) over the bound
  std::string generated;     // where a top-level $(eval …) may define rules the guard cannot see
  // Variables whose value the environment (or a branch not known to be taken) may
  // decide: conditionals that read them are not decided.
  std::set<std::string> uncertain;
  bool env_overrides = false;  // make -e, MAKEFLAGS: the environment wins over the file
  bool unsure = false;         // reading inside a branch that may or may not be taken
};

// One open conditional (ifeq … else … endif) while reading a makefile.
struct Conditional {
  enum class Branch { Taken, Skipped, Unknown };
  Branch branch = Branch::Taken;
  bool taken_before = false;  // an earlier branch is certainly taken: the rest are skipped
  bool maybe_before = false;  // an earlier branch may be taken
};

// The branch to read for a condition's truth, given the earlier branches.
Conditional::Branch branch_for(MakeTruth truth, const Conditional& c) {
  if (c.taken_before || truth == MakeTruth::False) return Conditional::Branch::Skipped;
  if (truth == MakeTruth::Unknown || c.maybe_before) return Conditional::Branch::Unknown;
  return Conditional::Branch::Taken;
}

void enter(Conditional& c, Conditional::Branch b) {
  c.branch = b;
  c.taken_before = c.taken_before || b == Conditional::Branch::Taken;
  c.maybe_before = c.maybe_before || b == Conditional::Branch::Unknown;
}

using dbguard::make_trim;
std::string trim(const std::string& s) { return make_trim(s); }
std::vector<std::string> words(const std::string& s) { return make_words(s); }

bool match_pattern(const std::string& pattern, const std::string& word, std::string& stem) {
  return make_match_pattern(pattern, word, stem);
}

std::string replace_percent(std::string s, const std::string& stem) {
  if (auto p = s.find('%'); p != std::string::npos) s.replace(p, 1, stem);
  return s;
}

// C outside $( ) and ${ }: $(DBS:%=drop-%) holds a colon that is no rule's.
std::size_t find_top(const std::string& s, char c) {
  int level = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(' || s[i] == '{') ++level;
    else if ((s[i] == ')' || s[i] == '}') && level > 0) --level;
    else if (s[i] == c && level == 0) return i;
  }
  return std::string::npos;
}

// Expansion while reading the makefile (targets, := values, includes).
std::string expand(const std::string& s, const Makefile& mf, const std::string& target,
                   const std::vector<std::string>& prereqs) {
  MakeScope scope;
  scope.vars = &mf.vars;
  scope.target = target;
  scope.prereqs = prereqs;
  return make_expand(s, scope);
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
  std::string defining;              // define NAME … endef: the variable being read
  int define_level = 0;              // nested define inside the body
  bool define_immediate = false;     // define NAME :=
  std::string define_body;
  bool define_skipped = false;       // a define inside a branch not taken: read past, not kept
  // Conditionals: a branch known not to be taken is not read; one that may be
  // is read with its variables uncertain; undecided ones are read as before.
  std::vector<Conditional> conds;
  bool outer_unsure = mf.unsure;
  auto active = [&] {
    return std::none_of(conds.begin(), conds.end(),
                        [](const Conditional& c) { return c.branch == Conditional::Branch::Skipped; });
  };
  auto refresh_unsure = [&] {
    mf.unsure = outer_unsure || std::any_of(conds.begin(), conds.end(), [](const Conditional& c) {
                  return c.branch == Conditional::Branch::Unknown;
                });
  };
  // After NAME is assigned: whether its value is now certain.
  auto settle = [&](const std::string& name, bool certain) {
    if (certain && !mf.unsure && !mf.env_overrides) mf.uncertain.erase(name);
    else mf.uncertain.insert(name);
  };
  auto decide = [&](const std::string& directive, const std::string& args) {
    if (mf.env_overrides) return MakeTruth::Unknown;
    return make_condition(directive, args, mf.vars, mf.uncertain);
  };
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
    if (!defining.empty()) {
      // a multi-line variable: a canned recipe when a recipe line names it
      std::string d = trim(line);
      std::string first = d.substr(0, d.find_first_of(" \t"));
      if (first == "define" || ((first == "override" || first == "export") && d.find("define") != std::string::npos)) ++define_level;
      if (first == "endef" && define_level-- == 0) {
        if (!define_skipped && !mf.command_line.count(defining)) {
          bool certain = !define_immediate || make_expands_certainly(define_body, mf.vars, mf.uncertain);
          mf.vars[defining] = define_immediate ? expand(define_body, mf, "", {}) : define_body;
          settle(defining, certain);
        }
        defining.clear();
        continue;
      }
      define_body += (define_body.empty() ? "" : "\n") + line;
      continue;
    }
    std::string t = trim(line);
    std::string directive = t.substr(0, t.find_first_of(" \t"));
    bool conditional = directive == "ifeq" || directive == "ifneq" || directive == "ifdef" || directive == "ifndef" ||
                       directive == "else" || directive == "endif";
    // a tab line is a recipe line in a rule; outside one, make reads it as a directive
    if (!line.empty() && line[0] == '\t' && !(current.empty() && conditional)) {
      if (!active()) continue;
      for (const auto& tg : current) mf.rules[tg].recipe.emplace_back(first_line, line.substr(1));
      continue;
    }
    if (t.empty() || t[0] == '#') continue;
    if (conditional) {
      std::string args = trim(t.substr(directive.size()));
      if (directive == "endif") {
        if (!conds.empty()) conds.pop_back();
      } else if (directive == "else") {
        if (conds.empty()) continue;
        Conditional& c = conds.back();
        bool outer_active = std::none_of(conds.begin(), conds.end() - 1, [](const Conditional& o) {
          return o.branch == Conditional::Branch::Skipped;
        });
        std::string inner = args.substr(0, args.find_first_of(" \t"));
        if (!outer_active) c.branch = Conditional::Branch::Skipped;
        else if (inner == "ifeq" || inner == "ifneq" || inner == "ifdef" || inner == "ifndef")
          enter(c, branch_for(c.taken_before ? MakeTruth::False : decide(inner, trim(args.substr(inner.size()))), c));
        else
          enter(c, branch_for(MakeTruth::True, c));
      } else {
        Conditional c;
        if (!active()) {
          c.branch = Conditional::Branch::Skipped;
          c.taken_before = true;  // no branch of it is read
        } else {
          enter(c, branch_for(decide(directive, args), c));
        }
        conds.push_back(c);
      }
      refresh_unsure();
      continue;
    }
    if (directive == "override" || directive == "export") {
      std::string after = trim(t.substr(directive.size()));
      if (after.rfind("define", 0) == 0 && (after.size() == 6 || after[6] == ' ' || after[6] == '\t')) {
        t = after;
        directive = "define";
      }
    }
    if (directive == "define") {
      std::string name = trim(t.substr(6));
      define_immediate = false;
      for (const char* op : {"::=", ":=", "?=", "+=", "!=", "="}) {
        std::string o(op);
        if (name.size() >= o.size() && name.compare(name.size() - o.size(), o.size(), o) == 0) {
          define_immediate = o == ":=" || o == "::=";
          name = trim(name.substr(0, name.size() - o.size()));
          break;
        }
      }
      defining = expand(name, mf, "", {});
      define_skipped = !active();
      define_level = 0;
      define_body.clear();
      current.clear();
      continue;
    }
    if (!active()) continue;  // a branch make does not read
    if (t[0] == '$' && (t.find("$(eval") != std::string::npos || t.find("${eval") != std::string::npos)) {
      // rules written by $(eval …) exist only in a running make
      if (mf.generated.empty()) mf.generated = short_path(path) + ":" + std::to_string(first_line);
      continue;
    }
    if (directive == "endef" || directive == "define" || directive == "vpath" || directive == "unexport") continue;
    if (directive == "include" || directive == "-include" || directive == "sinclude") {
      for (const auto& f : words(expand(trim(t.substr(directive.size())), mf, "", {}))) {
        std::string inc = f[0] == '/' ? f : (dir.empty() ? f : dir + "/" + f);
        std::string ignored;
        // an include not read (missing: make may build it; too deep) may set any variable
        if (depth >= 8 || !read_makefile(inc, mf, depth + 1, ignored, max_bytes)) mf.env_overrides = true;
      }
      continue;
    }
    bool overriding = directive == "override";  // wins over the command line's value
    if (directive == "export" || directive == "override") t = trim(t.substr(directive.size()));
    // assignment: NAME = v, := ::= ?= +=
    auto eq = find_top(t, '=');
    auto colon = find_top(t, ':');
    if (eq != std::string::npos && (colon == std::string::npos || colon >= eq - 1)) {
      std::size_t name_end = eq;
      char op = eq > 0 ? t[eq - 1] : ' ';
      if (op == ':' || op == '?' || op == '+' || op == '!') --name_end;
      if (name_end > 0 && t[name_end - 1] == ':') --name_end;  // ::=
      std::string name = trim(t.substr(0, name_end));
      std::string value = trim(t.substr(eq + 1));
      if (!name.empty() && name.find_first_of(" \t") == std::string::npos) {
        if ((op == '?' && mf.vars.count(name)) || (mf.command_line.count(name) && !overriding)) continue;
        // ?= and += onto nothing take the environment's value; != runs a command
        bool certain = op == ':' ? make_expands_certainly(value, mf.vars, mf.uncertain)
                       : op == '+' ? mf.vars.count(name) && !mf.uncertain.count(name)
                                   : op != '?' && op != '!';
        if (op == ':') value = expand(value, mf, "", {});
        if (op == '+') mf.vars[name] += (mf.vars[name].empty() ? "" : " ") + value;
        else mf.vars[name] = value;
        settle(name, certain);
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
      std::string target_pattern;  // static pattern rule: TARGETS: PATTERN: PREREQS
      if (auto second = find_top(rest, ':'); second != std::string::npos) {
        target_pattern = trim(rest.substr(0, second));
        rest = rest.substr(second + 1);
      }
      current = words(targets);
      for (const auto& tg : current) {
        Rule& r = mf.rules[tg];
        r.file = path;
        std::string stem;
        bool stemmed = !target_pattern.empty() && match_pattern(target_pattern, tg, stem);
        if (stemmed) r.stem = stem;
        for (auto p : words(expand(rest, mf, tg, {}))) {
          if (stemmed) p = replace_percent(p, stem);
          r.prereqs.push_back(p);
        }
        if (!trim(inline_recipe).empty()) r.recipe.emplace_back(first_line, trim(inline_recipe));
        if (mf.default_target.empty() && tg[0] != '.' && tg.find('%') == std::string::npos) mf.default_target = tg;
      }
    }
  }
  mf.unsure = outer_unsure;
  return true;
}

std::string short_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

MakePlan plan_make(const std::vector<Arg>& argv, const std::string& cwd, std::size_t max_bytes, bool env_overrides) {
  MakePlan plan;
  plan.directory = cwd;
  std::string file;
  std::vector<std::string> goals;
  Makefile mf;
  mf.env_overrides = env_overrides;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    auto value = [&](std::size_t skip) { return a.size() > skip ? a.substr(skip) : (i + 1 < argv.size() ? argv[++i].text : ""); };
    if (a == "-n" || a == "--dry-run" || a == "--just-print" || a == "--recon" || a == "-q" || a == "--question" ||
        a == "-t" || a == "--touch") {
      plan.dry_run = true;  // still runs `+` lines and $(MAKE) lines
    } else if (a == "--help" || a == "-h" || a == "-v" || a == "--version") {
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
    } else if (a == "--environment-overrides" || a.rfind("--eval", 0) == 0) {
      mf.env_overrides = true;  // --eval TEXT is makefile text read first: it may set anything
    } else if (!a.empty() && a[0] == '-') {
      // -e, -ke; -E TEXT is --eval
      if (a.size() > 1 && a[1] != '-' && a.find_first_of("eE") != std::string::npos) mf.env_overrides = true;
      if (a.find_first_of("nqt") != std::string::npos && a[1] != '-' && a.find_first_not_of("-nqtksiBeswrRS") == std::string::npos)
        plan.dry_run = true;
    } else if (a.find('=') != std::string::npos) {
      // command-line variables win: NAME=v, NAME:=v, NAME::=v; NAME+=v / ?= / != depend on
      // the environment (or a command), so conditionals reading them stay undecided
      std::string name = a.substr(0, a.find('='));
      char op = name.empty() ? ' ' : name.back();
      while (!name.empty() && std::string_view(":+?!").find(name.back()) != std::string_view::npos) name.pop_back();
      mf.vars[name] = a.substr(a.find('=') + 1);
      mf.command_line.insert(name);
      if (op == '+' || op == '?' || op == '!') mf.uncertain.insert(name);
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
  // The rule make uses for TARGET: its own when it has a recipe, else the
  // pattern rule with the shortest stem (reset-% for reset-app).
  auto find_rule = [&](const std::string& target, Rule& out) {
    auto it = mf.rules.find(target);
    if (it != mf.rules.end() && !it->second.recipe.empty()) {
      out = it->second;
      return true;
    }
    const Rule* best = nullptr;
    std::string best_stem;
    for (const auto& [pattern, rule] : mf.rules) {
      std::string stem;
      if (pattern.find('%') == std::string::npos || rule.recipe.empty() || !match_pattern(pattern, target, stem)) continue;
      if (!best || stem.size() < best_stem.size()) best = &rule, best_stem = stem;
    }
    if (!best) {
      if (it == mf.rules.end()) return false;
      out = it->second;
      return true;
    }
    out = *best;
    out.stem = best_stem;
    for (auto& p : out.prereqs) p = replace_percent(p, best_stem);
    if (it != mf.rules.end())  // the target's own prerequisites still count
      out.prereqs.insert(out.prereqs.begin(), it->second.prereqs.begin(), it->second.prereqs.end());
    return true;
  };
  std::set<std::string> visited;
  std::function<void(const std::string&, int)> visit = [&](const std::string& target, int depth) {
    if (depth > 64 || !visited.insert(target).second) return;
    Rule rule;
    if (!find_rule(target, rule)) return;
    for (const auto& p : rule.prereqs) visit(p, depth + 1);
    for (const auto& [line, raw] : rule.recipe) {
      std::string origin = short_name(rule.file) + ":" + std::to_string(line) + " (target " + target + ")";
      MakeScope scope;
      scope.vars = &mf.vars;
      scope.target = target;
      scope.prereqs = rule.prereqs;
      scope.stem = rule.stem;
      // make -n still runs $(MAKE) lines, and the make they start inherits -n
      if (plan.dry_run) scope.make_program = "make -n";
      std::size_t k = raw.find_first_not_of("@-+ \t");
      bool forced = raw.substr(0, k == std::string::npos ? raw.size() : k).find('+') != std::string::npos;
      std::string expanded = make_expand(raw, scope);
      if (!scope.unknowable.empty()) {
        std::string text;
        for (const auto& r : rule.recipe) text += r.second + "\n";
        plan.unknowable.push_back({origin + ": " + scope.unknowable, target + "\n" + text});
      }
      // a canned recipe (define … endef) is one recipe line per line of its text
      std::size_t pos = 0;
      while (pos <= expanded.size()) {
        std::size_t nl = expanded.find('\n', pos);
        std::string cmd = expanded.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? expanded.size() + 1 : nl + 1;
        std::size_t c = cmd.find_first_not_of("@-+ \t");
        if (c == std::string::npos) continue;
        bool line_forced = forced || scope.used_make || cmd.substr(0, c).find('+') != std::string::npos;
        if (plan.dry_run && !line_forced) continue;
        plan.lines.push_back({cmd.substr(c), origin});
      }
    }
  };
  for (const auto& g : goals) {
    Rule ignored;
    if (!find_rule(g, ignored)) {
      plan.error = "no rule for target " + g;
      if (!mf.generated.empty())
        plan.unknowable.push_back({"target " + g + " may be defined by $(eval …) at " + mf.generated +
                                       ", which only a running make expands",
                                   g});
    }
    visit(g, 0);
  }
  return plan;
}

}  // namespace dbguard
