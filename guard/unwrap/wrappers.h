// Commands that run another command: sudo, env, timeout, xargs, bash -c, eval,
// ssh, docker exec, kubectl exec, ... `peel` says how to reach the inner one.
// The tables of options that take a value live here, one place per wrapper,
// so that `sudo -u postgres psql` peels to `psql` and not to `postgres`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard {

struct Peel {
  enum class Kind {
    None,    // not a wrapper: argv is the command
    Inner,   // argv[inner_begin..] is the command that runs
    Shell,   // `text` is shell source that runs (bash -c, eval, watch, ssh)
    Script,  // `text` names a script file that runs (bash x.sh, source x.sh)
    Stdin,   // a shell that reads its commands from stdin
    Nothing, // runs nothing (command -v, sudo -l)
  };
  Kind kind = Kind::None;
  std::size_t inner_begin = 0;
  std::size_t inner_end = static_cast<std::size_t>(-1);  // Inner stops here (find -exec … \;, parallel … :::)
  std::string text;
  bool text_dynamic = false;
  std::vector<std::pair<std::string, Arg>> env;  // assignments the wrapper sets
  std::string via;                 // label for messages: "sudo", "bash -c", "docker exec"
  bool keep_outer = false;         // also match the wrapper itself (docker exec, ssh)
  bool carries_target = false;     // its argv names a host/context (production markers)
  bool feeds_items = false;        // xargs: inner gets items from stdin as arguments
  std::string replace_token;       // xargs -I TOKEN
  bool same_scope = false;         // source / . : variables flow back
  std::vector<Arg> args;           // Script: the arguments it is given ($1, $2, …)

  // argv[begin..end) is the command that runs.
  static Peel inner(std::size_t begin, std::string via, std::size_t end = static_cast<std::size_t>(-1)) {
    Peel p;
    p.kind = Kind::Inner;
    p.inner_begin = begin;
    p.inner_end = end;
    p.via = std::move(via);
    return p;
  }
  static Peel nothing() {
    Peel p;
    p.kind = Kind::Nothing;
    return p;
  }
};

Peel peel(const std::vector<Arg>& argv);

// su/runuser, chroot, strace, taskset, busybox, coproc, trap, parallel (launchers.cpp).
Peel peel_launcher(const std::vector<Arg>& argv);

// npx/bunx/pnpx, npm exec, pnpm/yarn exec|dlx, corepack, cross-env, dotenv, env-cmd,
// concurrently (package_launchers.cpp).
Peel peel_package_launcher(const std::vector<Arg>& argv);

// find's -exec/-execdir/-ok/-okdir groups: [begin, end) of each command, `{}` inside.
std::vector<std::pair<std::size_t, std::size_t>> find_exec_groups(const std::vector<Arg>& argv);

// Index of the first operand after options, given the short options that take a
// value (`short_with_value`) and long ones (`long_with_value`, without `--`).
// Handles clusters (-it), attached values (-uroot, --user=root) and `--`.
std::size_t skip_options(const std::vector<Arg>& argv, std::size_t from, std::string_view short_with_value,
                         const std::vector<std::string_view>& long_with_value);

}  // namespace dbguard
