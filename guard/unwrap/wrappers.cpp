#include "unwrap/wrappers.h"

#include <algorithm>

#include "unwrap/unwrap.h"

namespace dbguard {
namespace {

bool is_assignment(const std::string& s) {
  auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  for (std::size_t i = 0; i < eq; ++i) {
    char c = s[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return !std::isdigit(static_cast<unsigned char>(s[0]));
}

bool has(const std::vector<std::string_view>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string join_from(const std::vector<Arg>& argv, std::size_t from, bool& dynamic) {
  std::string s;
  for (std::size_t i = from; i < argv.size(); ++i) {
    if (i > from) s += ' ';
    s += argv[i].text;
    dynamic = dynamic || argv[i].dynamic;
  }
  return s;
}

bool is_shell(const std::string& prog) {
  static const std::vector<std::string_view> shells = {"bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", "fish"};
  return has(shells, prog);
}

Peel peel_shell(const std::vector<Arg>& argv) {
  // bash [options] [-c STRING [name [args]]] | [script [args]]
  std::size_t i = 1;
  bool c_flag = false, s_flag = false;
  static const std::vector<std::string_view> long_value = {"rcfile", "init-file"};
  while (i < argv.size()) {
    const std::string& a = argv[i].text;
    if (a == "--") { ++i; break; }
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      ++i;
      if (has(long_value, name)) ++i;
      continue;
    }
    if ((a.size() > 1 && a[0] == '-') || (a.size() > 1 && a[0] == '+')) {
      bool takes_value = false;
      for (std::size_t k = 1; k < a.size(); ++k) {
        if (a[k] == 'c') c_flag = true;
        else if (a[k] == 's') s_flag = true;
        else if (a[k] == 'o' || a[k] == 'O') takes_value = true;
      }
      ++i;
      if (takes_value) ++i;
      continue;
    }
    break;
  }
  Peel p;
  if (c_flag) {
    p.kind = Peel::Kind::Shell;
    p.via = argv[0].text + " -c";
    if (i < argv.size()) {
      p.text = argv[i].text;
      p.text_dynamic = argv[i].dynamic;
    }
    return p;
  }
  if (!s_flag && i < argv.size()) {
    p.kind = Peel::Kind::Script;
    p.keep_outer = true;  // `bash prod_reset.sh` is itself matched (production scripts)
    p.via = argv[0].text + " " + argv[i].text;
    p.text = argv[i].text;
    p.text_dynamic = argv[i].dynamic;
    p.args.assign(argv.begin() + static_cast<std::ptrdiff_t>(i) + 1, argv.end());
    return p;
  }
  p.kind = Peel::Kind::Stdin;
  p.via = argv[0].text + " (stdin)";
  return p;
}

// --entrypoint X (or =X) among argv[from, to): the program the container runs instead of
// its image's, with the arguments after the service or image.
std::string entrypoint_of(const std::vector<Arg>& argv, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to && i < argv.size(); ++i) {
    if (argv[i].text == "--entrypoint" && i + 1 < to) return argv[i + 1].text;
    if (argv[i].text.rfind("--entrypoint=", 0) == 0) return argv[i].text.substr(13);
  }
  return "";
}

// Migration tools published as images whose entrypoint is the tool itself
// (docker run --rm flyway/flyway -url=… clean): the arguments after the image are
// the tool's. Other images run their arguments as a command.
std::string tool_image_entrypoint(const std::string& image) {
  std::string name = image.substr(0, image.find_first_of("@"));
  std::size_t slash = name.find_last_of('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  name = name.substr(0, name.find(':'));
  static const std::vector<std::string_view> tools = {"flyway", "liquibase", "migrate", "dbmate", "atlas"};
  return std::find(tools.begin(), tools.end(), name) != tools.end() ? name : "";
}

// The container's command when an entrypoint replaces the image's: ENTRYPOINT ARGS….
Peel with_entrypoint(const std::vector<Arg>& argv, const std::string& entrypoint, std::size_t args, std::string via) {
  std::vector<std::string> words = {entrypoint};
  bool dynamic = false;
  for (std::size_t i = args; i < argv.size(); ++i) {
    words.push_back(argv[i].text);
    dynamic = dynamic || argv[i].dynamic;
  }
  Peel p;
  p.kind = Peel::Kind::Shell;
  p.text = shell_quote_join(words);
  p.text_dynamic = dynamic;
  p.via = std::move(via);
  return p;
}

Peel peel_docker(const std::vector<Arg>& argv) {
  // docker [global options] exec [options] CONTAINER CMD...
  // docker [global options] compose [options] exec|run [options] SERVICE CMD...
  static const std::vector<std::string_view> global_long = {"config", "context", "host", "log-level", "tlscacert",
                                                            "tlscert", "tlskey"};
  std::size_t i = skip_options(argv, 1, "Hcl", global_long);
  if (i >= argv.size()) return {};
  std::string sub = argv[i].text;
  if (sub == "container" && i + 1 < argv.size()) sub = argv[++i].text;
  Peel p;
  if (sub == "exec") {
    static const std::vector<std::string_view> exec_long = {"env", "env-file", "user", "workdir", "detach-keys"};
    std::size_t j = skip_options(argv, i + 1, "euw", exec_long);
    if (j + 1 >= argv.size()) return {};
    p = Peel::inner(j + 1, argv[0].text + " exec " + argv[j].text);
  } else if (sub == "compose") {
    static const std::vector<std::string_view> compose_long = {"file", "project-name", "profile", "env-file",
                                                               "project-directory", "ansi", "progress", "parallel"};
    std::size_t k = skip_options(argv, i + 1, "fp", compose_long);
    if (k >= argv.size()) return {};
    const std::string& verb = argv[k].text;
    std::size_t j;
    if (verb == "exec") {
      static const std::vector<std::string_view> l = {"env", "user", "workdir", "index"};
      j = skip_options(argv, k + 1, "euw", l);
    } else if (verb == "run") {
      static const std::vector<std::string_view> l = {"env", "user", "label", "volume", "publish", "workdir",
                                                      "name", "entrypoint", "env-file", "cap-add", "cap-drop", "pull"};
      j = skip_options(argv, k + 1, "eulvpw", l);
    } else {
      return {};
    }
    if (j >= argv.size()) return {};
    std::string entrypoint = verb == "run" ? entrypoint_of(argv, k + 1, j) : "";
    if (!entrypoint.empty()) p = with_entrypoint(argv, entrypoint, j + 1, "docker compose run " + argv[j].text);
    else if (j + 1 >= argv.size()) return {};
    else p = Peel::inner(j + 1, "docker compose " + verb + " " + argv[j].text);
  } else if (sub == "run") {
    // docker run [options] IMAGE [COMMAND…]: COMMAND runs in a new container
    static const std::vector<std::string_view> run_long = {
        "env", "env-file", "volume", "publish", "workdir", "user", "name", "network", "entrypoint", "label",
        "mount", "platform", "add-host", "cpus", "memory", "restart", "hostname", "link", "log-driver", "log-opt",
        "device", "dns", "cap-add", "cap-drop", "security-opt", "tmpfs", "ulimit", "gpus", "pull", "runtime",
        "shm-size", "stop-signal", "health-cmd", "attach", "cpu-shares", "expose", "group-add", "ipc", "pid",
        "volumes-from", "network-alias", "cidfile", "label-file", "stop-timeout", "userns", "uts", "memory-swap"};
    std::size_t j = skip_options(argv, i + 1, "acehlmpuvw", run_long);
    if (j >= argv.size()) return {};
    std::string entrypoint = entrypoint_of(argv, i + 1, j);
    if (entrypoint.empty()) entrypoint = tool_image_entrypoint(argv[j].text);
    if (!entrypoint.empty() && j + 1 < argv.size())
      p = with_entrypoint(argv, entrypoint, j + 1, argv[0].text + " run " + argv[j].text);
    else if (j + 1 >= argv.size()) return {};
    else p = Peel::inner(j + 1, argv[0].text + " run " + argv[j].text);
  } else {
    return {};
  }
  p.keep_outer = true;
  p.carries_target = true;
  return p;
}

Peel peel_kubectl(const std::vector<Arg>& argv) {
  auto exec_it = std::find_if(argv.begin(), argv.end(), [](const Arg& a) { return a.text == "exec"; });
  if (exec_it == argv.end()) {
    // kubectl run|debug … -- CMD: a new pod (or a debug container) runs CMD in the cluster
    auto verb = std::find_if(argv.begin() + 1, argv.end(), [](const Arg& a) { return !a.text.empty() && a.text[0] != '-'; });
    if (verb == argv.end() || (verb->text != "run" && verb->text != "debug")) return {};
    auto dashdash = std::find_if(verb, argv.end(), [](const Arg& a) { return a.text == "--"; });
    if (dashdash == argv.end() || dashdash + 1 == argv.end()) return {};
    Peel p = Peel::inner(static_cast<std::size_t>(dashdash - argv.begin()) + 1, "kubectl " + verb->text);
    p.keep_outer = true;
    p.carries_target = true;
    return p;
  }
  auto dashdash = std::find_if(exec_it, argv.end(), [](const Arg& a) { return a.text == "--"; });
  std::size_t j;
  if (dashdash != argv.end()) {
    j = static_cast<std::size_t>(dashdash - argv.begin()) + 1;
  } else {
    static const std::vector<std::string_view> l = {"container", "namespace", "filename", "context", "pod-running-timeout"};
    std::size_t pod = skip_options(argv, static_cast<std::size_t>(exec_it - argv.begin()) + 1, "cnf", l);
    j = pod + 1;
  }
  if (j >= argv.size()) return {};
  Peel p = Peel::inner(j, "kubectl exec");
  p.keep_outer = true;
  p.carries_target = true;
  return p;
}

Peel peel_ssh(const std::vector<Arg>& argv) {
  std::size_t host = skip_options(argv, 1, "BbcDEeFIiJLlmOoPpQRSWw", {});
  if (host >= argv.size()) return Peel::nothing();
  Peel p;
  p.keep_outer = true;
  p.carries_target = true;
  p.via = "ssh " + argv[host].text;
  std::size_t command = host + 1;
  if (command < argv.size() && argv[command].text == "--") ++command;  // ssh db1 -- dropdb app
  if (command >= argv.size()) {
    // no command: the remote shell runs what stdin holds (echo … | ssh db1, ssh db1 < x.sh,
    // a heredoc); with nothing fed, an interactive login
    p.kind = Peel::Kind::Stdin;
    return p;
  }
  p.kind = Peel::Kind::Shell;
  p.text = join_from(argv, command, p.text_dynamic);
  return p;
}

Peel peel_xargs(const std::vector<Arg>& argv) {
  static const std::vector<std::string_view> l = {"arg-file", "delimiter", "eof", "replace", "max-lines", "max-args",
                                                  "max-procs", "max-chars", "process-slot-var"};
  std::string replace;
  std::size_t i = 1;
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    if (a == "-I" && i + 1 < argv.size()) { replace = argv[i + 1].text; break; }
    if (a.rfind("-I", 0) == 0 && a.size() > 2) { replace = a.substr(2); break; }
    if (a.rfind("--replace=", 0) == 0) { replace = a.substr(10); break; }
    if (a == "-i" || a == "--replace") { replace = "{}"; break; }
    if (a.rfind("-i", 0) == 0 && a.size() > 2) { replace = a.substr(2); break; }
    if (a.empty() || a[0] != '-') break;
  }
  std::size_t j = skip_options(argv, 1, "adEILnPs", l);
  Peel p;
  if (j >= argv.size()) return Peel::nothing();  // default command is echo
  p = Peel::inner(j, "xargs");
  p.feeds_items = replace.empty();
  p.replace_token = replace;
  return p;
}

Peel peel_watch(const std::vector<Arg>& argv) {
  bool exec_form = false;
  std::size_t i = 1;
  static const std::vector<std::string_view> l = {"interval", "differences"};
  for (std::size_t k = 1; k < argv.size(); ++k) {
    const std::string& a = argv[k].text;
    if (a.empty() || a[0] != '-') break;
    if (a == "-x" || a == "--exec") exec_form = true;
  }
  i = skip_options(argv, 1, "nq", l);
  if (i >= argv.size()) return Peel::nothing();
  if (exec_form) return Peel::inner(i, "watch -x");
  Peel p;
  p.kind = Peel::Kind::Shell;
  p.via = "watch";
  p.text = join_from(argv, i, p.text_dynamic);
  return p;
}

}  // namespace

std::size_t skip_options(const std::vector<Arg>& argv, std::size_t from, std::string_view short_with_value,
                         const std::vector<std::string_view>& long_with_value) {
  std::size_t i = from;
  while (i < argv.size()) {
    const std::string& a = argv[i].text;
    if (a == "--") return i + 1;
    if (a.size() < 2 || a[0] != '-') return i;
    if (a[1] == '-') {
      auto eq = a.find('=');
      std::string_view name = std::string_view(a).substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      ++i;
      if (eq == std::string::npos && has(long_with_value, name)) ++i;
      continue;
    }
    ++i;
    for (std::size_t k = 1; k < a.size(); ++k) {
      if (short_with_value.find(a[k]) != std::string_view::npos) {
        if (k + 1 == a.size()) ++i;  // value is the next argument
        break;                       // otherwise the rest of the cluster is the value
      }
    }
  }
  return i;
}

Peel peel(const std::vector<Arg>& argv) {
  if (argv.empty() || argv[0].dynamic) return {};
  // A view: its == against a literal compares lengths first (every command passes here).
  const std::string& prog_text = argv[0].text;
  std::string_view prog = prog_text;

  if (prog == "sudo" || prog == "doas") {
    static const std::vector<std::string_view> l = {"user", "group", "prompt", "close-from", "host", "chdir",
                                                    "role", "type", "command-timeout", "other-user", "chroot"};
    for (std::size_t k = 1; k < argv.size() && !argv[k].text.empty() && argv[k].text[0] == '-'; ++k) {
      const std::string& a = argv[k].text;
      if (a == "-l" || a == "--list" || a == "-v" || a == "--validate" || a == "-k" || a == "-K" || a == "-e" ||
          a == "--edit" || a == "-V" || a == "--version" || a == "-h" || a == "--help")
        return Peel::nothing();
    }
    std::size_t i = skip_options(argv, 1, prog == "doas" ? "uC" : "ugpCDrtTUR", l);
    Peel p = Peel::inner(i, prog_text);
    while (p.inner_begin < argv.size() && is_assignment(argv[p.inner_begin].text)) {
      const std::string& a = argv[p.inner_begin].text;
      auto eq = a.find('=');
      p.env.emplace_back(a.substr(0, eq), Arg{a.substr(eq + 1), argv[p.inner_begin].dynamic});
      ++p.inner_begin;
    }
    if (p.inner_begin >= argv.size()) return Peel::nothing();
    return p;
  }
  if (prog == "env") {
    static const std::vector<std::string_view> l = {"unset", "chdir", "split-string"};
    std::size_t i = 1;
    std::string split;
    for (std::size_t k = 1; k < argv.size(); ++k) {
      const std::string& a = argv[k].text;
      if (a == "-S" && k + 1 < argv.size()) split = argv[k + 1].text;
      else if (a.rfind("--split-string=", 0) == 0) split = a.substr(15);
      if (a.empty() || a[0] != '-') break;
    }
    i = skip_options(argv, 1, "uCS", l);
    Peel p = Peel::inner(i, "env");
    // env -u NAME / -i: the variable is gone for the command (CLAUDECODE matters
    // to the human-gated wrappers); recorded as empty
    for (std::size_t k = 1; k < i && k < argv.size(); ++k) {
      const std::string& a = argv[k].text;
      if ((a == "-u" || a == "--unset") && k + 1 < argv.size()) p.env.emplace_back(argv[k + 1].text, Arg{"", false});
      else if (a.rfind("--unset=", 0) == 0) p.env.emplace_back(a.substr(8), Arg{"", false});
      else if (a.size() > 2 && a.rfind("-u", 0) == 0) p.env.emplace_back(a.substr(2), Arg{"", false});
      else if (a == "-i" || a == "--ignore-environment" || a == "-") p.env.emplace_back("CLAUDECODE", Arg{"", false});
    }
    while (p.inner_begin < argv.size() && is_assignment(argv[p.inner_begin].text)) {
      const std::string& a = argv[p.inner_begin].text;
      auto eq = a.find('=');
      p.env.emplace_back(a.substr(0, eq), Arg{a.substr(eq + 1), argv[p.inner_begin].dynamic});
      ++p.inner_begin;
    }
    if (!split.empty()) {
      // env -S 'prog args' runs the split string followed by the remaining operands
      p.kind = Peel::Kind::Shell;
      bool dyn = false;
      p.text = split + (p.inner_begin < argv.size() ? " " + join_from(argv, p.inner_begin, dyn) : "");
      p.text_dynamic = dyn;
      p.via = "env -S";
      return p;
    }
    if (p.inner_begin >= argv.size()) return Peel::nothing();
    return p;
  }
  if (prog == "command") {
    for (std::size_t k = 1; k < argv.size() && argv[k].text.size() > 1 && argv[k].text[0] == '-'; ++k)
      if (argv[k].text.find_first_of("vV") != std::string::npos) return Peel::nothing();
    std::size_t i = skip_options(argv, 1, "", {});
    return i < argv.size() ? Peel::inner(i, "command") : Peel::nothing();
  }
  if (prog == "builtin" || prog == "nohup" || prog == "exec" || prog == "time" || prog == "nice" ||
      prog == "ionice" || prog == "stdbuf" || prog == "timeout" || prog == "chrt" || prog == "setsid" ||
      prog == "unbuffer" || prog == "caffeinate" || prog == "systemd-run" || prog == "flock") {
    std::size_t i = 1;
    if (prog == "exec") i = skip_options(argv, 1, "a", {});
    else if (prog == "time") i = skip_options(argv, 1, "fo", {"format", "output"});
    else if (prog == "nice") i = skip_options(argv, 1, "n", {"adjustment"});
    else if (prog == "ionice") {
      for (std::size_t k = 1; k < argv.size(); ++k)
        if (argv[k].text == "-p" || argv[k].text == "-P" || argv[k].text == "-u") return Peel::nothing();
      i = skip_options(argv, 1, "cn", {"class", "classdata"});
    } else if (prog == "stdbuf") i = skip_options(argv, 1, "ioe", {"input", "output", "error"});
    else if (prog == "timeout") {
      i = skip_options(argv, 1, "sk", {"signal", "kill-after"});
      ++i;  // the duration
    } else if (prog == "chrt") {
      i = skip_options(argv, 1, "T", {"sched-runtime", "sched-period", "sched-deadline"});
      ++i;  // the priority
    } else if (prog == "flock") {
      i = skip_options(argv, 1, "wEc", {"timeout", "conflict-exit-code", "command"});
      ++i;  // the lock file
    } else if (prog == "systemd-run") {
      i = skip_options(argv, 1, "pEu", {"property", "setenv", "unit", "description", "slice", "uid", "gid"});
    } else i = skip_options(argv, 1, "", {});
    return i < argv.size() ? Peel::inner(i, prog_text) : Peel::nothing();
  }
  if (prog == "script") {
    // script -c CMD runs CMD on a pseudo-terminal fed from script's own stdin
    for (std::size_t k = 1; k < argv.size(); ++k) {
      const std::string& a = argv[k].text;
      std::string cmd;
      bool found = false;
      if ((a == "-c" || a == "--command") && k + 1 < argv.size()) { cmd = argv[k + 1].text; found = true; }
      else if (a.rfind("--command=", 0) == 0) { cmd = a.substr(10); found = true; }
      else if (a.size() > 2 && a[0] == '-' && a[1] != '-' && a.back() == 'c' && k + 1 < argv.size()) { cmd = argv[k + 1].text; found = true; }
      if (found) {
        Peel p;
        p.kind = Peel::Kind::Shell;
        p.via = "script -c";
        p.text = cmd;
        p.text_dynamic = argv[k + 1 < argv.size() ? k + 1 : k].dynamic;
        return p;
      }
    }
    return {};
  }
  // Launchers that run a program from a project environment.
  if ((prog == "poetry" || prog == "pipenv" || prog == "pdm" || prog == "hatch" || prog == "rye") && argv.size() > 2 &&
      argv[1].text == "run")
    return Peel::inner(2, prog_text + " run");
  if (prog == "uv" && argv.size() > 2 && argv[1].text == "run") {
    std::size_t i = skip_options(argv, 2, "pw", {"with", "python", "project", "directory", "env-file", "group",
                                                 "extra", "package", "with-requirements", "index"});
    return i < argv.size() ? Peel::inner(i, "uv run") : Peel::nothing();
  }
  if (prog == "bundle" && argv.size() > 2 && argv[1].text == "exec") return Peel::inner(2, "bundle exec");
  if (Peel p = peel_package_launcher(argv); p.kind != Peel::Kind::None) return p;
  if (prog == "xargs") return peel_xargs(argv);
  if (prog == "watch") return peel_watch(argv);
  if (is_shell(prog_text)) return peel_shell(argv);
  if (prog == "eval") {
    Peel p;
    p.kind = Peel::Kind::Shell;
    p.via = "eval";
    p.text = join_from(argv, 1, p.text_dynamic);
    return p;
  }
  if (prog == "source" || prog == ".") {
    if (argv.size() < 2) return Peel::nothing();
    Peel p;
    p.kind = Peel::Kind::Script;
    p.keep_outer = true;
    p.via = prog_text + " " + argv[1].text;
    p.text = argv[1].text;
    p.text_dynamic = argv[1].dynamic;
    p.same_scope = true;
    return p;
  }
  if (prog == "docker" || prog == "podman") return peel_docker(argv);
  if (prog == "kubectl" || prog == "oc") return peel_kubectl(argv);
  if (prog == "ssh") return peel_ssh(argv);
  // autossh takes ssh's arguments (and -M PORT); sshpass runs the command after its options
  if (prog == "autossh") {
    std::vector<Arg> as_ssh = argv;
    std::size_t i = 1;
    while (i < as_ssh.size() && as_ssh[i].text == "-M" && i + 1 < as_ssh.size()) as_ssh.erase(as_ssh.begin() + 1, as_ssh.begin() + 3);
    return peel_ssh(as_ssh);
  }
  if (prog == "sshpass") {
    std::size_t i = skip_options(argv, 1, "pfdP", {});
    return i < argv.size() ? Peel::inner(i, "sshpass") : Peel::nothing();
  }
  return peel_launcher(argv);
}

}  // namespace dbguard
