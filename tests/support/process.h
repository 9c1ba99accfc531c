// Test helpers: run the built dbguard (or any program) as a real process with
// its own environment, and scratch directories that clean up after themselves.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>  // tests build events and read audit records through it

#include "support/process.h"

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
  ProcessResult p = run_process(argv, input, 60000, &envs);
  Run r;
  if (!p.started) r.err = "spawn failed";
  r.code = p.timed_out ? -1 : p.exit_code;
  r.out = std::move(p.out);
  r.err += p.err;
  return r;
}

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
          {"-CLAUDECODE", ""},  // install/uninstall refuse to run inside Claude Code
          {"DBGUARD_MANAGED_POLICY", d / "etc/dbguard/policy.toml"},
          {"DBGUARD_USER_POLICY", d / "home/.config/dbguard/policy.toml"},
          {"DBGUARD_TIME_BUDGET_MS", "5000"}};
}

}  // namespace dbguard::testing
