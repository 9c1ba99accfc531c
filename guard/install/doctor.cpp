#include "install/doctor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "audit/verify.h"
#include "install/settings_edit.h"
#include "policy/context.h"
#include "policy/paths.h"
#include "support/files.h"

extern char** environ;

namespace dbguard::install {
namespace {

namespace fs = std::filesystem;

// Settings files are small JSON documents; anything larger is not one.
constexpr std::size_t kMaxSettingsBytes = 4u << 20;

bool slurp(const std::string& path, std::string& out) {
  std::string error;
  return read_file_bounded(path, kMaxSettingsBytes, out, error);
}

// Claude Code matchers are regular expressions over the tool name ("" and "*" match all).
bool matcher_matches(const std::string& matcher, const std::string& tool) {
  if (matcher.empty() || matcher == "*") return true;
  try {
    return std::regex_match(tool, std::regex("^(?:" + matcher + ")$"));
  } catch (const std::regex_error&) {
    return matcher == tool;
  }
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input, int timeout_ms) {
  ProcessResult r;
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return r;
  if (::pipe2(out, O_CLOEXEC) != 0) return r;
  if (::pipe2(err, O_CLOEXEC) != 0) return r;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    return r;
  }
  r.started = true;
  signal(SIGPIPE, SIG_IGN);
  std::size_t written = 0;
  if (input.empty()) {
    ::close(in[1]);
    in[1] = -1;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool out_open = true, err_open = true;
  while (out_open || err_open || in[1] >= 0) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3];
    int n = 0;
    if (out_open) fds[n++] = {out[0], POLLIN, 0};
    if (err_open) fds[n++] = {err[0], POLLIN, 0};
    if (in[1] >= 0) fds[n++] = {in[1], POLLOUT, 0};
    if (::poll(fds, static_cast<nfds_t>(n), left) < 0) continue;
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in[1]) {
        ssize_t w = ::write(in[1], input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 || written >= input.size()) {
          ::close(in[1]);
          in[1] = -1;
        }
        continue;
      }
      char buf[4096];
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        (fds[i].fd == out[0] ? out_open : err_open) = false;
      } else {
        (fds[i].fd == out[0] ? r.out : r.err).append(buf, static_cast<std::size_t>(got));
      }
    }
  }
  if (in[1] >= 0) ::close(in[1]);
  ::close(out[0]);
  ::close(err[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

std::vector<DoctorCheck> run_doctor(const DoctorOptions& o) {
  std::vector<DoctorCheck> checks;
  auto add = [&](bool ok, const std::string& name, const std::string& detail) { checks.push_back({ok, name, detail}); };

  // --- settings ------------------------------------------------------------
  std::vector<std::string> candidates;
  if (!o.settings.empty()) {
    candidates.push_back(o.settings);
  } else {
    candidates.push_back(policy::claude_user_settings());
    if (!o.cwd.empty()) {
      candidates.push_back(o.cwd + "/.claude/settings.json");
      candidates.push_back(o.cwd + "/.claude/settings.local.json");
    }
  }
  std::string where, looked;
  FoundHook hook;
  bool found = false, bad_json = false;
  for (const auto& c : candidates) {
    looked += (looked.empty() ? "" : ", ") + c;
    std::string text;
    if (!slurp(c, text)) continue;
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
      add(false, "settings", c + " is not valid JSON: Claude Code cannot read its hooks");
      bad_json = true;
      continue;
    }
    auto hooks = find_hooks(doc);
    if (hooks.empty() || found) continue;
    hook = hooks.front();
    where = c;
    found = true;
  }
  if (!found) {
    if (!bad_json) add(false, "settings", "no dbguard PreToolUse hook in " + looked + " (run `dbguard install`)");
  } else {
    add(true, "settings", where + " runs `" + hook.command + "`");
    bool bash = matcher_matches(hook.matcher, "Bash"), mcp = matcher_matches(hook.matcher, "mcp__db__query");
    bool files = matcher_matches(hook.matcher, "Write") && matcher_matches(hook.matcher, "Edit") &&
                 matcher_matches(hook.matcher, "MultiEdit");
    add(bash && mcp && files, "matcher",
        "\"" + hook.matcher + "\"" +
            (bash && mcp && files ? " screens Bash, MCP tools and Write/Edit"
                                  : std::string(" does not screen") + (bash ? "" : " Bash") + (mcp ? "" : " MCP tools") +
                                        (files ? "" : " Write/Edit/MultiEdit (the guard cannot protect its files)")));
    bool closed = is_fail_closed(hook.command);
    add(closed, "fail-closed",
        closed ? "the command ends in `|| exit 2`: a crash or a missing binary still blocks"
               : "the command does not end in `hook || exit 2`: if dbguard crashes or is missing, Claude Code runs "
                 "the tool call");
    bool timeout_ok = hook.timeout.is_number() && hook.timeout.get<double>() >= 1;
    add(timeout_ok, "timeout", timeout_ok ? hook.timeout.dump() + " s" : "no usable `timeout` on the hook");

    // --- binary --------------------------------------------------------------
    std::string program = hook_program(hook.command);
    struct stat st {};
    bool exists = ::stat(program.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    bool exec = exists && ::access(program.c_str(), X_OK) == 0;
    bool absolute = !program.empty() && program[0] == '/';
    std::string version;
    if (exec) {
      auto v = run_process({program, "--version"}, "", 5000);
      if (v.exit_code == 0 && v.out.rfind("dbguard", 0) == 0) version = v.out.substr(0, v.out.find('\n'));
    }
    add(exec && absolute && !version.empty(), "binary",
        !exists        ? program + " does not exist"
        : !exec        ? program + " is not executable"
        : !absolute    ? program + " is not an absolute path (Claude Code may run hooks from another PATH)"
        : version.empty() ? program + " --version does not say dbguard"
                          : program + " (" + version + ")");

    // --- probes through the installed command ----------------------------------
    auto probe = [&](const std::string& command) {
      nlohmann::json ev = {{"hook_event_name", "PreToolUse"}, {"tool_name", "Bash"},
                           {"tool_input", {{"command", command}}}, {"cwd", o.cwd.empty() ? "/" : o.cwd},
                           {"session_id", "dbguard-doctor"}, {"tool_use_id", "dbguard-doctor-probe"}};
      return run_process({"/bin/sh", "-c", hook.command}, ev.dump(), 15000);
    };
    auto deny = probe("docker compose down -v");
    bool denied = deny.exit_code == 2 && deny.out.empty();
    add(denied, "probe deny",
        denied ? "`docker compose down -v` is denied (exit 2)"
               : "`docker compose down -v` was NOT denied (exit " + std::to_string(deny.exit_code) +
                     (deny.signal ? ", signal " + std::to_string(deny.signal) : "") + ")");
    auto allow = probe("ls -la");
    bool allowed = allow.exit_code == 0 && allow.out.empty();
    add(allowed, "probe allow",
        allowed ? "`ls -la` is allowed (exit 0, nothing on stdout)"
                : "`ls -la` was not allowed through (exit " + std::to_string(allow.exit_code) + "): " +
                      allow.err.substr(0, allow.err.find('\n')));
  }

  // --- policy and audit ------------------------------------------------------------
  auto ctx = policy::load_context(o.cwd);
  std::size_t present = 0;
  for (const auto& f : ctx->policy.files) present += f.present;
  if (!ctx->policy.errors.empty())
    add(false, "policy", ctx->policy.errors.front().text() + (ctx->policy.errors.size() > 1 ? " (and more: `dbguard policy validate`)" : ""));
  else if (!ctx->policy.rejected.empty())
    add(false, "policy", "valid, but ignored: " + ctx->policy.rejected.front().text());
  else
    add(true, "policy", present ? std::to_string(present) + " policy file(s), valid" : "built-in defaults (no policy file)");

  std::string error;
  bool writable = audit::probe_writable(ctx->audit.path, error);
  add(writable, "audit log", writable ? ctx->audit.path + " is writable" : error);
  if (!audit::log_files(ctx->audit.path).empty()) {
    std::string key;
    if (!ctx->audit.key_file.empty() && !audit::read_key(ctx->audit.key_file, key, error)) {
      add(false, "audit chain", error);
    } else {
      auto v = audit::verify_chain(ctx->audit.path, key);
      add(v.ok, "audit chain", audit::describe(v));
    }
  } else {
    add(true, "audit chain", "no records yet");
  }
  return checks;
}

}  // namespace dbguard::install
