// Launchers of the JavaScript tool chain that run another command: npx / bunx /
// pnpx, npm exec (npm x), pnpm and yarn exec/dlx, corepack, cross-env,
// dotenv(-cli), env-cmd, concurrently. Each says what runs (npm-run-all and
// run-s/run-p read package.json: package_scripts.cpp).
#include <algorithm>

#include "unwrap/unwrap.h"
#include "unwrap/wrappers.h"

namespace dbguard {
namespace {

bool is_assignment(const std::string& s) {
  auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0 || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.begin() + static_cast<long>(eq),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// The words as one command line, run as shell text (a `--` in the middle dropped, or several commands).
Peel shell_text(std::string text, bool dynamic, std::string via) {
  Peel p;
  p.kind = Peel::Kind::Shell;
  p.text = std::move(text);
  p.text_dynamic = dynamic;
  p.via = std::move(via);
  return p;
}

Peel words_from(const std::vector<Arg>& argv, std::size_t from, std::size_t drop, std::string via) {
  std::vector<std::string> words;
  bool dynamic = false;
  for (std::size_t i = from; i < argv.size(); ++i) {
    if (i == drop) continue;
    words.push_back(argv[i].text);
    dynamic = dynamic || argv[i].dynamic;
  }
  return words.empty() ? Peel::nothing() : shell_text(shell_quote_join(words), dynamic, std::move(via));
}

// Option `-c CMD` / `--call CMD` / `--call=CMD` at argv[i]: the shell command it runs.
bool call_option(const std::vector<Arg>& argv, std::size_t i, Peel& out, const std::string& via) {
  const std::string& a = argv[i].text;
  if ((a == "-c" || a == "--call" || a == "--shell-mode") && i + 1 < argv.size()) {
    out = shell_text(argv[i + 1].text, argv[i + 1].dynamic, via + " " + a);
    return true;
  }
  if (a.rfind("--call=", 0) == 0) {
    out = shell_text(a.substr(7), argv[i].dynamic, via + " --call");
    return true;
  }
  return false;
}

// npm exec [options] [--] CMD [args] (npm x): the first `--` is npm's, wherever it stands.
Peel peel_npm_exec(const std::vector<Arg>& argv, std::size_t sub) {
  std::string via = "npm " + argv[sub].text;
  std::size_t dashdash = argv.size(), command = argv.size();
  for (std::size_t i = sub + 1; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    if (a == "--" && dashdash == argv.size()) {
      dashdash = i;
      continue;
    }
    Peel call;
    if (dashdash == argv.size() && call_option(argv, i, call, via)) return call;
    if (dashdash == argv.size() && a.size() > 1 && a[0] == '-') {
      if ((a == "--package" || a == "-w" || a == "--workspace" || a == "--prefix") && i + 1 < argv.size()) ++i;
      continue;
    }
    command = i;
    break;
  }
  if (command >= argv.size()) return Peel::nothing();
  std::size_t drop = argv.size();
  for (std::size_t i = command + 1; i < argv.size() && dashdash == argv.size(); ++i)
    if (argv[i].text == "--") drop = i;  // npm exec prisma -- migrate reset
  return drop == argv.size() ? Peel::inner(command, via) : words_from(argv, command, drop, via);
}

// concurrently's arguments are each a command; npm:NAME (yarn:, pnpm:, bun:) runs a script.
Peel peel_concurrently(const std::vector<Arg>& argv) {
  static const std::vector<std::string_view> long_value = {
      "names", "prefix-colors", "prefix", "prefix-length", "timestamp-format", "success", "restart-tries",
      "restart-after", "max-processes", "default-input-target", "name-separator", "hide", "teardown"};
  Peel p = shell_text("", false, argv[0].text);
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    if (a.size() > 1 && a[0] == '-' && a != "--") {
      bool value = a.find('=') == std::string::npos &&
                   ((a.size() == 2 && std::string_view("ncplstm").find(a[1]) != std::string_view::npos) ||
                    (a[1] == '-' && std::find(long_value.begin(), long_value.end(), a.substr(2)) != long_value.end()));
      if (value) ++i;
      continue;
    }
    if (a == "--") continue;
    std::string command = a;
    for (std::string_view pm : {"npm", "yarn", "pnpm", "bun"})
      if (a.size() > pm.size() + 1 && a.compare(0, pm.size(), pm) == 0 && a[pm.size()] == ':')
        command = std::string(pm) + " run " + shell_quote_join({a.substr(pm.size() + 1)});
    p.text += command + "\n";
    p.text_dynamic = p.text_dynamic || argv[i].dynamic;
  }
  return p.text.empty() ? Peel::nothing() : p;
}

// dotenv-cli: dotenv [-e FILE]… [-v K=V]… [--] CMD; python-dotenv: dotenv [-f FILE] run [--] CMD.
Peel peel_dotenv(const std::vector<Arg>& argv) {
  for (std::size_t i = 1; i < argv.size(); ++i)
    if (argv[i].text == "-p") return Peel::nothing();  // prints a variable
  auto dashdash = std::find_if(argv.begin() + 1, argv.end(), [](const Arg& a) { return a.text == "--"; });
  if (dashdash != argv.end()) {
    std::size_t i = static_cast<std::size_t>(dashdash - argv.begin()) + 1;
    return i < argv.size() ? Peel::inner(i, "dotenv") : Peel::nothing();
  }
  std::size_t i = skip_options(argv, 1, "evfp", {"file"});
  if (i < argv.size() && argv[i].text == "run") i = skip_options(argv, i + 1, "", {});
  return i < argv.size() ? Peel::inner(i, "dotenv") : Peel::nothing();
}

}  // namespace

Peel peel_package_launcher(const std::vector<Arg>& argv) {
  const std::string& prog_text = argv[0].text;
  std::string_view prog = prog_text;  // compared with literals by length first
  if (prog == "npx" || prog == "bunx" || prog == "pnpx") {
    for (std::size_t i = 1; i < argv.size() && argv[i].text.size() > 1 && argv[i].text[0] == '-'; ++i) {
      Peel call;
      if (call_option(argv, i, call, prog_text)) return call;
    }
    std::size_t i = skip_options(argv, 1, "p", {"package"});
    return i < argv.size() ? Peel::inner(i, prog_text) : Peel::nothing();  // the walker drops a package@version suffix
  }
  if (prog == "bun" && argv.size() > 2 && argv[1].text == "x") {  // bun x = bunx
    std::size_t i = skip_options(argv, 2, "p", {"package"});
    return i < argv.size() ? Peel::inner(i, "bun x") : Peel::nothing();
  }
  if (prog == "npm") {
    std::size_t sub = skip_options(argv, 1, "w", {"workspace", "prefix"});
    if (sub < argv.size() && (argv[sub].text == "exec" || argv[sub].text == "x")) return peel_npm_exec(argv, sub);
    return {};
  }
  if (prog == "pnpm" || prog == "yarn") {
    std::size_t sub = skip_options(argv, 1, "CF", {"dir", "filter", "cwd", "package"});
    if (sub >= argv.size() || (argv[sub].text != "exec" && argv[sub].text != "dlx")) return {};
    std::string via = prog_text + " " + argv[sub].text;
    for (std::size_t i = sub + 1; i < argv.size() && argv[i].text.size() > 1 && argv[i].text[0] == '-'; ++i) {
      Peel call;
      if (call_option(argv, i, call, via)) return call;
    }
    std::size_t i = skip_options(argv, sub + 1, "p", {"package"});
    return i < argv.size() ? Peel::inner(i, via) : Peel::nothing();
  }
  if (prog == "corepack") {
    // corepack pnpm|yarn|npm …: the package manager runs; corepack enable/prepare/use run nothing of the project
    static const std::vector<std::string_view> managers = {"npm", "npx", "pnpm", "pnpx", "yarn", "yarnpkg"};
    if (argv.size() > 1 && std::find(managers.begin(), managers.end(), argv[1].text) != managers.end())
      return Peel::inner(1, "corepack");
    return {};
  }
  if (prog == "cross-env" || prog == "cross-env-shell") {
    std::size_t i = 1;
    std::vector<std::pair<std::string, Arg>> env;
    for (; i < argv.size() && is_assignment(argv[i].text); ++i) {
      auto eq = argv[i].text.find('=');
      env.emplace_back(argv[i].text.substr(0, eq), Arg{argv[i].text.substr(eq + 1), argv[i].dynamic});
    }
    if (i >= argv.size()) return Peel::nothing();
    Peel p = Peel::inner(i, prog_text);
    if (prog == "cross-env-shell") {  // its arguments are one shell command line
      bool dynamic = false;
      std::string text;
      for (std::size_t k = i; k < argv.size(); ++k) {
        text += (k > i ? " " : "") + argv[k].text;
        dynamic = dynamic || argv[k].dynamic;
      }
      p = shell_text(text, dynamic, prog_text);
    }
    p.env = std::move(env);
    return p;
  }
  if (prog == "dotenv") return peel_dotenv(argv);
  if (prog == "env-cmd") {
    bool use_shell = std::any_of(argv.begin(), argv.end(), [](const Arg& a) { return a.text == "--use-shell"; });
    std::size_t i = skip_options(argv, 1, "fer", {"file", "environments", "rc-file"});
    if (i >= argv.size()) return Peel::nothing();
    if (!use_shell) return Peel::inner(i, "env-cmd");
    bool dynamic = false;
    std::string text;
    for (std::size_t k = i; k < argv.size(); ++k) {
      text += (k > i ? " " : "") + argv[k].text;
      dynamic = dynamic || argv[k].dynamic;
    }
    return shell_text(text, dynamic, "env-cmd --use-shell");
  }
  if (prog == "concurrently" || prog == "conc") return peel_concurrently(argv);
  return {};
}

}  // namespace dbguard
