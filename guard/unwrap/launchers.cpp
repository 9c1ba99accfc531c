// Launchers that run another program and are not in wrappers.cpp's core set:
// su / runuser, chroot, strace, taskset, busybox, coproc, trap, GNU parallel,
// and find's -exec groups. Each says where the inner command starts (and ends).
#include <algorithm>

#include "unwrap/wrappers.h"

namespace dbguard {
namespace {

Peel shell_text(const Arg& text, std::string via) {
  Peel p;
  p.kind = Peel::Kind::Shell;
  p.text = text.text;
  p.text_dynamic = text.dynamic;
  p.via = std::move(via);
  return p;
}

// su [options] [-] [USER [ARGS]], with -c CMD anywhere: CMD runs in USER's shell.
Peel peel_su(const std::vector<Arg>& argv, const std::string& prog) {
  if (prog == "runuser") {
    // runuser -u USER [--] COMMAND [ARGS]: runs COMMAND directly (its own -c is not runuser's)
    bool user_form = std::any_of(argv.begin(), argv.end(), [](const Arg& a) {
      return a.text == "-u" || a.text == "--user" || a.text.rfind("--user=", 0) == 0;
    });
    if (user_form) {
      std::size_t i = skip_options(argv, 1, "ugGw", {"user", "group", "supp-group", "whitelist-environment"});
      return i < argv.size() ? Peel::inner(i, "runuser") : Peel::nothing();
    }
  }
  for (std::size_t k = 1; k < argv.size() && argv[k].text != "--"; ++k) {
    const std::string& a = argv[k].text;
    if ((a == "-c" || a == "--command" || a == "--session-command") && k + 1 < argv.size())
      return shell_text(argv[k + 1], prog + " -c");
    for (std::string_view lng : {"--command=", "--session-command="})
      if (a.rfind(lng, 0) == 0) return shell_text(Arg{a.substr(lng.size()), argv[k].dynamic}, prog + " -c");
    if (a.size() > 2 && a[0] == '-' && a[1] != '-' && a.back() == 'c' && k + 1 < argv.size())
      return shell_text(argv[k + 1], prog + " -c");  // -lc CMD
  }
  return Peel::nothing();  // an interactive shell for a person
}

}  // namespace

Peel peel_launcher(const std::vector<Arg>& argv) {
  const std::string& prog_text = argv[0].text;
  std::string_view prog = prog_text;  // compared with literals by length first
  if (prog == "su" || prog == "runuser") return peel_su(argv, prog_text);
  if (prog == "coproc") return argv.size() > 1 ? Peel::inner(1, "coproc") : Peel::nothing();
  if (prog == "busybox" || prog == "toybox") return argv.size() > 1 ? Peel::inner(1, prog_text) : Peel::nothing();
  if (prog == "trap") {
    // trap ACTION SIGNAL…: ACTION is shell text run later, like eval
    std::size_t i = 1;
    if (i < argv.size() && argv[i].text == "--") ++i;
    if (i + 1 >= argv.size() || argv[i].text == "-" || (argv[i].text.size() > 1 && argv[i].text[0] == '-'))
      return Peel::nothing();  // trap -l, trap -p, trap - EXIT (reset)
    return shell_text(argv[i], "trap");
  }
  if (prog == "chroot") {
    std::size_t root = skip_options(argv, 1, "", {"userspec", "groups"});
    return root + 1 < argv.size() ? Peel::inner(root + 1, "chroot " + argv[root].text) : Peel::nothing();
  }
  if (prog == "strace" || prog == "ltrace") {
    std::size_t i = skip_options(argv, 1, "abeEIoOpPsSuUX", {"output", "signal", "trace", "string-limit", "user",
                                                             "env", "attach", "columns", "decode-fds", "trace-path"});
    return i < argv.size() ? Peel::inner(i, prog_text) : Peel::nothing();  // strace -p PID attaches, runs nothing new
  }
  if (prog == "taskset") {
    for (std::size_t k = 1; k < argv.size() && argv[k].text.size() > 1 && argv[k].text[0] == '-'; ++k)
      if (argv[k].text == "-p" || argv[k].text == "--pid" || (argv[k].text[1] != '-' && argv[k].text.find('p') != std::string::npos))
        return Peel::nothing();
    std::size_t mask = skip_options(argv, 1, "", {});
    return mask + 1 < argv.size() ? Peel::inner(mask + 1, "taskset") : Peel::nothing();
  }
  if (prog == "parallel" || prog == "sem") {
    // parallel [options] COMMAND … ::: ARGS: COMMAND runs once per argument;
    // without COMMAND, each argument is itself a command line.
    std::size_t i = skip_options(argv, 1, "jSdaIE", {"jobs", "sshlogin", "delimiter", "arg-file", "colsep", "joblog",
                                                     "results", "tmpdir", "workdir", "timeout", "retries", "eta",
                                                     "replace", "halt", "memfree", "load", "delay"});
    auto sep = std::find_if(argv.begin() + static_cast<long>(std::min(i, argv.size())), argv.end(),
                            [](const Arg& a) { return a.text == ":::" || a.text == "::::" || a.text == ":::+" || a.text == "::::+"; });
    std::size_t end = static_cast<std::size_t>(sep - argv.begin());
    if (i < end) {
      Peel p = Peel::inner(i, prog_text, end);
      p.feeds_items = true;
      return p;
    }
    if (sep != argv.end() && sep->text == ":::") {
      Peel p;
      p.kind = Peel::Kind::Shell;
      p.via = prog_text + " :::";
      for (auto it = sep + 1; it != argv.end(); ++it) {
        if (it->text.rfind(":::", 0) == 0) break;
        p.text += it->text + "\n";
        p.text_dynamic = p.text_dynamic || it->dynamic;
      }
      return p;
    }
    Peel p = Peel::nothing();  // commands read from stdin or a file
    p.kind = Peel::Kind::Stdin;
    p.via = prog_text + " (stdin)";
    return p;
  }
  return {};
}

std::vector<std::pair<std::size_t, std::size_t>> find_exec_groups(const std::vector<Arg>& argv) {
  std::vector<std::pair<std::size_t, std::size_t>> groups;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    if (a != "-exec" && a != "-execdir" && a != "-ok" && a != "-okdir") continue;
    std::size_t end = i + 1;
    while (end < argv.size() && argv[end].text != ";" && argv[end].text != "+") ++end;
    if (end > i + 1) groups.emplace_back(i + 1, end);
    i = end;
  }
  return groups;
}

}  // namespace dbguard
