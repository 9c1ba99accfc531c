#include "unwrap/package_scripts.h"

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <filesystem>
#include <set>

#include "support/files.h"
#include "unwrap/unwrap.h"

namespace dbguard {
namespace {

// Subcommands of the package managers that are not scripts.
bool builtin(const std::string& pm, const std::string& cmd) {
  static const std::set<std::string> yarn = {
      "add", "audit", "autoclean", "bin", "cache", "check", "config", "constraints", "create", "dedupe", "dlx", "exec",
      "explain", "generate-lock-entry", "global", "help", "import", "info", "init", "install", "licenses", "link",
      "list", "login", "logout", "node", "npm", "outdated", "owner", "pack", "patch", "plugin", "policies", "publish",
      "rebuild", "remove", "search", "set", "tag", "team", "unlink", "unplug", "up", "upgrade", "upgrade-interactive",
      "version", "versions", "why", "workspace", "workspaces"};
  static const std::set<std::string> pnpm = {
      "add", "audit", "bin", "config", "create", "dedupe", "deploy", "dlx", "env", "exec", "fetch", "i", "import",
      "init", "install", "install-test", "link", "list", "ln", "ls", "outdated", "pack", "patch", "patch-commit",
      "prune", "publish", "rebuild", "remove", "rm", "root", "server", "setup", "store", "un", "uninstall", "unlink",
      "up", "update", "why", "help", "licenses", "doctor"};
  // bun X runs the package.json script X when there is one (a file otherwise)
  static const std::set<std::string> bun = {
      "add", "audit", "build", "create", "exec", "help", "i", "info", "init", "install", "link", "outdated", "patch",
      "pm", "publish", "remove", "repl", "rm", "run", "test", "unlink", "update", "upgrade", "why", "x", "a", "c"};
  if (pm == "yarn") return yarn.count(cmd) > 0;
  if (pm == "bun") return bun.count(cmd) > 0;
  if (pm == "pnpm") return pnpm.count(cmd) > 0;
  return false;
}

std::string package_name(const std::string& dir, std::size_t max_bytes) {
  std::string text, error;
  if (!read_file_bounded(resolve_path(dir, "package.json"), max_bytes, text, error)) return "";
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_object() && j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : "";
}

// The workspace globs of the root: package.json "workspaces" (a list, or
// {"packages": [...]}) and pnpm-workspace.yaml's `packages:` list.
std::vector<std::string> workspace_globs(const std::string& root, std::size_t max_bytes) {
  std::vector<std::string> globs;
  std::string text, error;
  if (read_file_bounded(resolve_path(root, "package.json"), max_bytes, text, error)) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_object() && j.contains("workspaces")) {
      const auto& w = j["workspaces"].is_object() && j["workspaces"].contains("packages") ? j["workspaces"]["packages"]
                                                                                          : j["workspaces"];
      if (w.is_array())
        for (const auto& g : w)
          if (g.is_string()) globs.push_back(g.get<std::string>());
    }
  }
  if (read_file_bounded(resolve_path(root, "pnpm-workspace.yaml"), max_bytes, text, error)) {
    bool in_packages = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t nl = text.find('\n', pos);
      std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? text.size() : nl + 1;
      if (!line.empty() && line[0] != ' ' && line[0] != '-') in_packages = line.rfind("packages:", 0) == 0;
      auto dash = line.find_first_not_of(" \t");
      if (!in_packages || dash == std::string::npos || line[dash] != '-') continue;
      std::string g = line.substr(dash + 1);
      g.erase(0, g.find_first_not_of(" \t'\""));
      while (!g.empty() && (g.back() == ' ' || g.back() == '\'' || g.back() == '"' || g.back() == '\r')) g.pop_back();
      if (!g.empty() && g[0] != '!') globs.push_back(g);
    }
  }
  return globs;
}

// The directory of workspace `spec` (a path, or a package name among the root's
// workspaces: dir/* and dir/** globs, or literal directories); empty when not found.
std::string find_workspace(const std::string& root, const std::string& spec, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string as_path = resolve_path(root, spec);
  if (fs::exists(fs::path(as_path) / "package.json", ec)) return as_path;
  for (std::string g : workspace_globs(root, max_bytes)) {
    if (g.rfind("./", 0) == 0) g = g.substr(2);
    std::vector<std::string> dirs;
    if (g.ends_with("/*") || g.ends_with("/**")) {
      std::string base = resolve_path(root, g.substr(0, g.find_last_of('/')));
      for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec)) dirs.push_back(it->path().string());
    } else {
      dirs.push_back(resolve_path(root, g));
    }
    for (const auto& d : dirs)
      if (package_name(d, max_bytes) == spec) return d;
  }
  return "";
}

// Takes the workspace options out of argv (npm -w/--workspace, pnpm -F/--filter,
// yarn workspace NAME) and returns the workspace named, empty when none.
std::string take_workspace(std::vector<Arg>& argv) {
  std::string spec;
  std::vector<Arg> rest;
  const std::string& pm = argv[0].text;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    bool npm = pm == "npm" && (a == "-w" || a == "--workspace");
    bool pnpm = pm == "pnpm" && (a == "-F" || a == "--filter");
    if ((npm || pnpm) && i + 1 < argv.size()) {
      spec = argv[++i].text;
      continue;
    }
    if ((pm == "npm" && a.rfind("--workspace=", 0) == 0) || (pm == "pnpm" && a.rfind("--filter=", 0) == 0)) {
      spec = a.substr(a.find('=') + 1);
      continue;
    }
    if (pm == "yarn" && a == "workspace" && spec.empty() && rest.size() >= 1 && i + 1 < argv.size()) {
      bool before_sub = true;  // only when `workspace` is the subcommand
      for (std::size_t k = 1; k < rest.size(); ++k)
        if (!rest[k].text.empty() && rest[k].text[0] != '-') before_sub = false;
      if (before_sub) {
        spec = argv[++i].text;
        continue;
      }
    }
    rest.push_back(argv[i]);
  }
  argv = std::move(rest);
  return spec;
}

// The scripts a name stands for: itself when package.json has it, else the
// scripts its glob matches (npm-run-all's and concurrently's `db:*`: `*` within
// one :-separated part, `**` across parts).
std::vector<std::string> matching_scripts(const nlohmann::json& scripts, const std::string& pattern) {
  if (scripts.contains(pattern) || pattern.find('*') == std::string::npos) return {pattern};
  std::string re;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 2, "**") == 0) {
      re += ".*";
      ++i;
    } else if (pattern[i] == '*') {
      re += "[^:]*";
    } else {
      re += RE2::QuoteMeta(pattern.substr(i, 1));
    }
  }
  RE2 glob(re);
  std::vector<std::string> out;
  for (const auto& [name, body] : scripts.items())
    if (RE2::FullMatch(name, glob)) out.push_back(name);
  return out;
}

// npm-run-all / run-s / run-p PATTERN…: each pattern (with arguments after a space,
// "build -- --watch") names scripts of the package.json here, run with npm run.
std::vector<std::string> run_all_patterns(const std::vector<Arg>& argv) {
  std::vector<std::string> patterns;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    if (a == "--") break;  // arguments for the scripts' {1} placeholders
    if (a == "--npm-path" || a == "--max-parallel") {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] == '-') continue;
    patterns.push_back(a);
  }
  return patterns;
}

}  // namespace

ScriptPlan plan_package_script(const std::vector<Arg>& argv_in, const std::string& cwd, std::size_t max_bytes) {
  ScriptPlan plan;
  plan.directory = cwd;
  if (argv_in.empty()) return plan;
  const std::string& pm_text = argv_in[0].text;
  std::string_view pm = pm_text;  // compared with literals by length first
  bool run_all = pm == "npm-run-all" || pm == "run-s" || pm == "run-p";
  if (pm != "npm" && pm != "yarn" && pm != "pnpm" && pm != "bun" && !run_all) return plan;
  std::vector<Arg> argv = argv_in;
  std::string workspace = take_workspace(argv);
  std::size_t i = 1;
  // options before the subcommand that move the project directory
  for (; i < argv.size() && !argv[i].text.empty() && argv[i].text[0] == '-'; ++i) {
    const std::string& a = argv[i].text;
    std::string dir;
    if ((a == "--prefix" || a == "--cwd" || a == "-C" || a == "--dir") && i + 1 < argv.size()) dir = argv[++i].text;
    else if (a.rfind("--prefix=", 0) == 0 || a.rfind("--cwd=", 0) == 0 || a.rfind("--dir=", 0) == 0) dir = a.substr(a.find('=') + 1);
    if (!dir.empty()) plan.directory = resolve_path(plan.directory, dir);
  }
  if (i >= argv.size() && !run_all) return plan;
  std::string sub = run_all ? "" : argv[i].text, script;
  if (run_all) {
    script = "(" + pm_text + ")";
  } else if (sub == "run" || sub == "run-script" || sub == "rum" || sub == "urn") {
    // npm run --silent X: skip options to the script name
    std::size_t k = i + 1;
    while (k < argv.size() && !argv[k].text.empty() && argv[k].text[0] == '-') ++k;
    if (k >= argv.size()) return plan;  // lists scripts
    script = argv[k].text;
  } else if (pm == "npm" && (sub == "test" || sub == "t" || sub == "tst")) {
    script = "test";
  } else if (pm == "npm" && (sub == "start" || sub == "stop" || sub == "restart")) {
    script = sub;
  } else if ((pm == "yarn" || pm == "pnpm") && !builtin(pm_text, sub)) {
    script = sub;
  } else if (pm == "bun" && !builtin(pm_text, sub)) {
    script = sub;
  } else {
    return plan;
  }
  plan.applies = true;
  if (!workspace.empty()) {
    std::string dir = find_workspace(plan.directory, workspace, max_bytes);
    if (dir.empty()) {
      plan.unresolved = "workspace " + workspace + " not found (script " + script + ")";
      return plan;
    }
    plan.directory = dir;
  }
  std::string text, error;
  std::string path = resolve_path(plan.directory, "package.json");
  bool too_large = false;
  auto j = read_file_bounded(path, max_bytes, text, error, &too_large) ? nlohmann::json::parse(text, nullptr, false)
                                                                       : nlohmann::json();
  if (too_large) {
    plan.oversize = "package.json not read: " + error;
    return plan;
  }
  bool has_script = j.is_object() && j.contains("scripts") && j["scripts"].is_object() &&
                    (j["scripts"].contains(script) || (script.find('*') != std::string::npos && !run_all &&
                                                       !matching_scripts(j["scripts"], script).empty()));
  if (!has_script && pm != "npm" && !run_all) {
    // `yarn prisma …` / `pnpm drizzle-kit …`: with no such script, the package's binary runs.
    std::vector<std::string> words;
    for (std::size_t k = (sub == "run" ? i + 1 : i); k < argv.size(); ++k) words.push_back(argv[k].text);
    plan.lines.push_back({shell_quote_join(words), pm_text + " " + script + " (package binary)"});
    return plan;
  }
  if (!j.is_object() || !j.contains("scripts") || !j["scripts"].is_object()) {
    plan.error = "package.json has no scripts";
    return plan;
  }
  const auto& scripts = j["scripts"];
  // Arguments after the script name (after `--` for npm) are appended to it.
  std::vector<std::string> extra;
  std::size_t k = i + (sub == "run" || sub == "run-script" || sub == "rum" || sub == "urn" ? 2 : 1);
  for (; k < argv.size(); ++k) {
    if (argv[k].text == "--" && pm == "npm" && extra.empty()) continue;
    extra.push_back(argv[k].text);
  }
  std::string appended;
  for (const auto& e : extra) appended += " " + shell_quote_join({e});
  bool any = false;
  auto add = [&](const std::string& one, const std::string& args) {
    for (const std::string& name : {"pre" + one, one, "post" + one}) {
      if (!scripts.contains(name) || !scripts[name].is_string()) continue;
      any = true;
      plan.lines.push_back({scripts[name].get<std::string>() + (name == one ? args : ""), "package.json scripts." + name});
    }
  };
  if (run_all) {
    for (const auto& pattern : run_all_patterns(argv)) {
      auto space = pattern.find(' ');
      std::string args = space == std::string::npos ? "" : pattern.substr(space);
      for (const auto& name : matching_scripts(scripts, pattern.substr(0, space))) add(name, args);
    }
  } else {
    for (const auto& name : matching_scripts(scripts, script)) add(name, appended);
  }
  if (!any) plan.error = "no script " + script + " in package.json";
  return plan;
}

}  // namespace dbguard
