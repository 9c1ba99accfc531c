#include "install/doctor.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "audit/audit_log.h"
#include "audit/verify.h"
#include "install/settings_edit.h"
#include "policy/context.h"
#include "policy/paths.h"
#include "support/files.h"
#include "support/process.h"

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
  RE2 re("(?:" + matcher + ")", RE2::Quiet);
  return re.ok() ? RE2::FullMatch(tool, re) : matcher == tool;
}

}  // namespace

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
  auto check_hook = [&](const std::string& where, const FoundHook& hook) {
    add(true, "settings", where + " runs `" + hook.command + "`");
    bool bash = matcher_matches(hook.matcher, "Bash"), mcp = matcher_matches(hook.matcher, "mcp__db__query");
    bool files = matcher_matches(hook.matcher, "Write") && matcher_matches(hook.matcher, "Edit") &&
                 matcher_matches(hook.matcher, "MultiEdit");
    // Read too: the audit key may not be read (with it the chain could be rewritten).
    bool read = matcher_matches(hook.matcher, "Read");
    bool all = bash && mcp && files && read;
    add(all, "matcher",
        where + ": \"" + hook.matcher + "\"" +
            (all ? " screens Bash, MCP tools, Write/Edit and Read"
                 : std::string(" does not screen") + (bash ? "" : " Bash") + (mcp ? "" : " MCP tools") +
                       (files ? "" : " Write/Edit/MultiEdit (the guard cannot protect its files)") +
                       (read ? "" : " Read (the audit key could be read)")));
    bool closed = is_fail_closed(hook.command);
    add(closed, "fail-closed",
        where + ": " + (closed ? "the command ends in `|| exit 2`: a crash or a missing binary still blocks"
               : "the command does not end in `hook || exit 2`: if dbguard crashes or is missing, Claude Code runs "
                 "the tool call"));
    bool timeout_ok = hook.timeout.is_number() && hook.timeout.get<double>() >= 1;
    add(timeout_ok, "timeout", where + ": " + (timeout_ok ? hook.timeout.dump() + " s" : "no usable `timeout` on the hook"));

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
  };
  // Every settings file in scope: one with `disableAllHooks: true` switches
  // off every hook, ours included, wherever our entry lives; and each file that
  // has a dbguard entry is checked, not only the first.
  std::string looked;
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
    if (doc.is_object() && doc.contains("disableAllHooks") && doc["disableAllHooks"] != false)
      add(false, "hooks enabled", c + " sets \"disableAllHooks\": " + doc["disableAllHooks"].dump() +
                                      ": Claude Code runs no hook at all, dbguard's included");
    auto hooks = find_hooks(doc);
    if (hooks.empty()) continue;
    found = true;
    check_hook(c, hooks.front());
  }
  if (!found && !bad_json) add(false, "settings", "no dbguard PreToolUse hook in " + looked + " (run `dbguard install`)");

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
