#include "unwrap/package_scripts.h"

#include <nlohmann/json.hpp>

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
  if (pm == "yarn") return yarn.count(cmd) > 0;
  if (pm == "pnpm") return pnpm.count(cmd) > 0;
  return false;
}

}  // namespace

ScriptPlan plan_package_script(const std::vector<Arg>& argv, const std::string& cwd, std::size_t max_bytes) {
  ScriptPlan plan;
  plan.directory = cwd;
  if (argv.empty()) return plan;
  const std::string pm = argv[0].text;
  if (pm != "npm" && pm != "yarn" && pm != "pnpm" && pm != "bun") return plan;
  std::size_t i = 1;
  // options before the subcommand that move the project directory
  for (; i < argv.size() && !argv[i].text.empty() && argv[i].text[0] == '-'; ++i) {
    const std::string& a = argv[i].text;
    std::string dir;
    if ((a == "--prefix" || a == "--cwd" || a == "-C" || a == "--dir") && i + 1 < argv.size()) dir = argv[++i].text;
    else if (a.rfind("--prefix=", 0) == 0 || a.rfind("--cwd=", 0) == 0 || a.rfind("--dir=", 0) == 0) dir = a.substr(a.find('=') + 1);
    if (!dir.empty()) plan.directory = resolve_path(plan.directory, dir);
  }
  if (i >= argv.size()) return plan;
  std::string sub = argv[i].text, script;
  if (sub == "run" || sub == "run-script" || sub == "rum" || sub == "urn") {
    // npm run --silent X: skip options to the script name
    std::size_t k = i + 1;
    while (k < argv.size() && !argv[k].text.empty() && argv[k].text[0] == '-') ++k;
    if (k >= argv.size()) return plan;  // lists scripts
    script = argv[k].text;
  } else if (pm == "npm" && (sub == "test" || sub == "t" || sub == "tst")) {
    script = "test";
  } else if (pm == "npm" && (sub == "start" || sub == "stop" || sub == "restart")) {
    script = sub;
  } else if ((pm == "yarn" || pm == "pnpm") && !builtin(pm, sub)) {
    script = sub;
  } else if (pm == "bun" && sub == "test") {
    return plan;
  } else {
    return plan;
  }
  plan.applies = true;
  std::string text, error;
  std::string path = resolve_path(plan.directory, "package.json");
  bool too_large = false;
  auto j = read_file_bounded(path, max_bytes, text, error, &too_large) ? nlohmann::json::parse(text, nullptr, false)
                                                                       : nlohmann::json();
  if (too_large) {
    plan.oversize = "package.json not read: " + error;
    return plan;
  }
  bool has_script = j.is_object() && j.contains("scripts") && j["scripts"].is_object() && j["scripts"].contains(script);
  if (!has_script && pm != "npm") {
    // `yarn prisma …` / `pnpm drizzle-kit …`: with no such script, the package's binary runs.
    std::vector<std::string> words;
    for (std::size_t k = (sub == "run" ? i + 1 : i); k < argv.size(); ++k) words.push_back(argv[k].text);
    plan.lines.push_back({shell_quote_join(words), pm + " " + script + " (package binary)"});
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
  for (const std::string& name : {"pre" + script, script, "post" + script}) {
    if (!scripts.contains(name) || !scripts[name].is_string()) continue;
    any = true;
    plan.lines.push_back({scripts[name].get<std::string>() + (name == script ? appended : ""), "package.json scripts." + name});
  }
  if (!any) plan.error = "no script " + script + " in package.json";
  return plan;
}

}  // namespace dbguard
