// Test helpers: run the built dbguard (or any program) as a real process with
// its own environment, and scratch directories that clean up after themselves.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>  // tests build events and read audit records through it

extern char** environ;

namespace dbguard::testing {

struct Run {
  int code = -1;  // exit status; -1 on a signal
  std::string out, err;
};

// Runs argv[0] (a path) with `input` on stdin. `env` entries override (or,
// with an empty value and a leading '-' on the name, remove) variables.
inline Run run(const std::vector<std::string>& argv, const std::string& input = "",
               const std::map<std::string, std::string>& env = {}) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) {
    if (!k.empty() && k[0] == '-') merged.erase(k.substr(1));
    else merged[k] = v;
  }
  std::vector<std::string> envs;
  for (const auto& [k, v] : merged) envs.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : envs) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) return {};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  pid_t pid;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  Run r;
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    r.err = "spawn failed";
    return r;
  }
  std::size_t written = 0;
  int wfd = in[1];
  if (input.empty()) {
    close(wfd);
    wfd = -1;
  }
  bool o = true, e = true;
  while (o || e || wfd >= 0) {
    pollfd fds[3];
    int n = 0;
    if (o) fds[n++] = {out[0], POLLIN, 0};
    if (e) fds[n++] = {err[0], POLLIN, 0};
    if (wfd >= 0) fds[n++] = {wfd, POLLOUT, 0};
    if (poll(fds, static_cast<nfds_t>(n), 60000) <= 0) break;
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == wfd) {
        ssize_t w = write(wfd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w <= 0 || written == input.size()) {
          close(wfd);
          wfd = -1;
        }
        continue;
      }
      char buf[8192];
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) (fds[i].fd == out[0] ? o : e) = false;
      else (fds[i].fd == out[0] ? r.out : r.err).append(buf, static_cast<std::size_t>(got));
    }
  }
  if (wfd >= 0) close(wfd);
  close(out[0]);
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A directory under the system temp dir, removed at the end of the test.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    std::string tmpl = (std::filesystem::temp_directory_path() / ("dbguard-" + tag + "-XXXXXX")).string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!std::getenv("DBGUARD_KEEP_TEST_DIRS")) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while (p < text.size()) {
    std::size_t nl = text.find('\n', p);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(p, nl - p));
    p = nl + 1;
  }
  return out;
}

// An environment in which dbguard sees only this scratch tree: HOME, the XDG
// directories, Claude's config dir and the policy paths all point inside it.
inline std::map<std::string, std::string> isolated_env(const ScratchDir& d) {
  return {{"HOME", d / "home"},
          {"XDG_CONFIG_HOME", d / "home/.config"},
          {"XDG_STATE_HOME", d / "home/.local/state"},
          {"XDG_CACHE_HOME", d / "home/.cache"},
          {"-CLAUDE_CONFIG_DIR", ""},
          {"-DBGUARD_AUDIT_LOG", ""},
          {"DBGUARD_MANAGED_POLICY", d / "etc/dbguard/policy.toml"},
          {"DBGUARD_USER_POLICY", d / "home/.config/dbguard/policy.toml"},
          {"DBGUARD_TIME_BUDGET_MS", "5000"}};
}

}  // namespace dbguard::testing
