#include "policy/paths.h"

#include <sys/stat.h>

#include <cstdlib>

namespace dbguard::policy {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : "";
}

std::string home() {
  std::string h = env("HOME");
  return h.empty() ? "/root" : h;
}

}  // namespace

PolicyPaths policy_paths(const std::string& cwd) {
  PolicyPaths p;
  p.managed = env("DBGUARD_MANAGED_POLICY");
  if (p.managed.empty()) p.managed = "/etc/dbguard/policy.toml";
  p.user = env("DBGUARD_USER_POLICY");
  if (p.user.empty()) {
    std::string xdg = env("XDG_CONFIG_HOME");
    p.user = (!xdg.empty() && xdg[0] == '/' ? xdg : home() + "/.config") + "/dbguard/policy.toml";
  }
  p.project = find_project_policy(cwd);
  return p;
}

std::string find_project_policy(const std::string& cwd) {
  if (cwd.empty() || cwd[0] != '/') return "";
  std::string dir = cwd;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  for (int guard = 0; guard < 256; ++guard) {
    std::string candidate = (dir == "/" ? "" : dir) + "/.dbguard.toml";
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return candidate;
    if (dir == "/") break;
    auto slash = dir.find_last_of('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
  return "";
}

std::string cache_dir() {
  std::string xdg = env("XDG_CACHE_HOME");
  return (!xdg.empty() && xdg[0] == '/' ? xdg : home() + "/.cache") + "/dbguard/packs";
}

std::string claude_user_settings() {
  std::string dir = env("CLAUDE_CONFIG_DIR");
  return (dir.empty() ? home() + "/.claude" : dir) + "/settings.json";
}

}  // namespace dbguard::policy
