// Turns a command string into every Invocation that could run from it:
// pipelines, lists, compound bodies, substitutions, and the commands that
// wrappers run (sudo, env, timeout, xargs, bash -c, eval, docker exec, ...),
// recursively up to a depth bound. Nothing is executed; files named as scripts
// or SQL inputs are read (bounded) by later stages, not here.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard {

struct UnwrapLimits {
  int max_depth = 8;                   // nested shells (bash -c, eval, ssh, watch, scripts)
  // Commands analysed in one call; past it, a deny (guard.too-complex). Sized so
  // that judging them all fits the hook's time budget (docs/performance.md).
  std::size_t max_invocations = 10000;
  std::size_t max_script_bytes = 1 << 20;  // scripts read for `bash x.sh`, `source x.sh`
  // Programs whose output `eval "$(prog …)"` may run without being seen
  // (ssh-agent, pyenv init, direnv hook, ...): from the guard pack's settings.
  std::vector<std::string> trusted_generators;
  // Scripts that ask a person for typed confirmation on the terminal before
  // anything destructive (the project's safe-down and restore wrappers): they
  // are not read; running them is the human path.
  std::vector<std::string> human_gated_scripts;
  // Scripts inside the project's own containers, by their in-container path
  // (/opt/dbguard/backup-sidecar.sh: the sidecar only dumps). Other scripts run
  // through docker exec/run are not on this machine and are not read.
  std::vector<std::string> container_safe_scripts;
};

struct UnwrapResult {
  std::vector<Invocation> invocations;
  std::vector<UnwrapIssue> issues;
  bool parsed = true;          // the top-level string parsed as shell
  std::string parse_error;
};

// Receives each invocation once it is complete, in order.
using InvocationSink = std::function<void(const Invocation&)>;

// With a sink, invocations go to it as the walk finds them and are not kept in
// the result: a long command's are judged while their text is still in cache,
// and never all held at once.
UnwrapResult unwrap_command(std::string_view command, const std::string& cwd, const UnwrapLimits& limits = {},
                            const InvocationSink& sink = {});

// Renders argv as a shell-quoted command line (for messages and `check -- a b c`).
std::string shell_quote_join(const std::vector<std::string>& argv);

}  // namespace dbguard
