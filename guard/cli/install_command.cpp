// `dbguard install` / `dbguard uninstall`: the PreToolUse entry in Claude Code's settings.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "audit/record.h"
#include "cli/commands.h"
#include "install/settings_edit.h"
#include "policy/paths.h"
#include "support/files.h"

namespace dbguard::cli {
namespace {

namespace fs = std::filesystem;

struct Target {
  bool project = false;
  bool user = false;
  std::string settings;
  std::string binary;
  int timeout = install::kTimeoutSeconds;
};

std::string settings_path(const Target& t) {
  if (!t.settings.empty()) return fs::absolute(t.settings).lexically_normal().string();
  if (t.project) return (fs::current_path() / ".claude" / "settings.json").string();
  return policy::claude_user_settings();
}

std::string self_path() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

[[noreturn]] void fail(const std::string& msg) {
  std::cerr << "dbguard: " << msg << "\n";
  std::exit(1);
}

// Writes `text` to `path` through a temporary file and a rename, keeping the
// original's mode; the original is first copied beside it.
std::string write_with_backup(const std::string& path, const std::string& text, bool existed) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string backup;
  mode_t mode = 0644;
  if (existed) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
    std::string stamp = audit::now_rfc3339().substr(0, 19);
    for (auto& c : stamp)
      if (c == ':') c = '-';
    backup = path + ".dbguard-backup-" + stamp;
    fs::copy_file(path, backup, fs::copy_options::overwrite_existing, ec);
    if (ec) fail("cannot write the backup " + backup + ": " + ec.message() + " (nothing was changed)");
  }
  std::string tmp = path + ".dbguard-tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) fail("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), mode);
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    fail("cannot replace " + path);
  }
  return backup;
}

// Settings files are small JSON documents; anything larger is not one.
constexpr std::size_t kMaxSettingsBytes = 4u << 20;

bool read_text(const std::string& path, std::string& out) {
  std::string error;
  return read_file_bounded(path, kMaxSettingsBytes, out, error);
}

// Claude Code sets CLAUDECODE for the commands it runs. The hook denies
// `dbguard install`/`uninstall` by program name, but a copy under another name
// (cp $(which dbguard) /tmp/x && /tmp/x uninstall) is not seen: the commands
// refuse themselves so that an agent cannot remove or repoint the guard's hook.
void refuse_inside_claude_code(const char* what) {
  const char* v = std::getenv("CLAUDECODE");
  if (v && *v)
    fail(std::string("refusing to ") + what +
         ": CLAUDECODE is set, so this runs inside Claude Code; only a person may change the guard's hook "
         "(run it from your own terminal)");
}

void run_install(const Target& t) {
  refuse_inside_claude_code("install the hook");
  std::string path = settings_path(t);
  std::string binary = t.binary.empty() ? self_path() : fs::absolute(t.binary).lexically_normal().string();
  if (binary.empty() || ::access(binary.c_str(), X_OK) != 0) fail("the dbguard binary " + binary + " is not executable");
  std::string original;
  bool existed = read_text(path, original);
  install::HookSpec spec;
  spec.binary = binary;
  spec.timeout = t.timeout;
  auto r = install::install_into(original, spec);
  if (!r.ok) fail(path + ": " + r.error);
  if (!r.changed) {
    std::cout << "dbguard hook already installed in " << path << " (nothing changed)\n";
    return;
  }
  std::string backup = write_with_backup(path, r.text, existed);
  std::cout << "installed the dbguard PreToolUse hook in " << path << "\n"
            << "  command: " << install::hook_command(binary) << "\n"
            << "  matcher: " << spec.matcher << ", timeout " << spec.timeout << " s\n";
  if (!backup.empty()) std::cout << "  backup:  " << backup << "\n";
  std::cout << "run `dbguard doctor` to check it\n";
}

void run_uninstall(const Target& t) {
  refuse_inside_claude_code("uninstall the hook");
  std::string path = settings_path(t);
  std::string original;
  if (!read_text(path, original)) {
    std::cout << "no settings file at " << path << " (nothing to remove)\n";
    return;
  }
  auto r = install::uninstall_from(original);
  if (!r.ok) fail(path + ": " + r.error);
  if (!r.changed) {
    std::cout << "no dbguard hook in " << path << " (nothing changed)\n";
    return;
  }
  std::string backup = write_with_backup(path, r.text, true);
  std::cout << "removed the dbguard hook from " << path << "\n  backup:  " << backup << "\n";
}

void options(CLI::App* cmd, Target& t) {
  auto* user = cmd->add_flag("--user", t.user, "Claude Code's user settings (~/.claude/settings.json; the default)");
  auto* project = cmd->add_flag("--project", t.project, "this project's .claude/settings.json");
  auto* settings = cmd->add_option("--settings", t.settings, "a settings file to edit");
  user->excludes(project)->excludes(settings);
  project->excludes(settings);
}

}  // namespace

void add_install(CLI::App& app) {
  auto t = std::make_shared<Target>();
  auto* cmd = app.add_subcommand("install",
                                 "Add dbguard's PreToolUse hook to Claude Code's settings (keeps everything else; "
                                 "writes a backup; idempotent)");
  options(cmd, *t);
  cmd->add_option("--binary", t->binary, "the dbguard to run (default: this one)");
  cmd->add_option("--timeout", t->timeout, "hook timeout in seconds")->check(CLI::Range(1, 600));
  cmd->callback([t] { run_install(*t); });

  auto u = std::make_shared<Target>();
  auto* un = app.add_subcommand("uninstall", "Remove exactly dbguard's hook entry from Claude Code's settings");
  options(un, *u);
  un->callback([u] { run_uninstall(*u); });
}

}  // namespace dbguard::cli
