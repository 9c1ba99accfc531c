#include "support/files.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string_view>

namespace dbguard {

std::string size_text(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

bool read_file_bounded(const std::string& path, std::size_t max_bytes, std::string& out, std::string& error,
                       bool* too_large) {
  if (too_large) *too_large = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "not a regular file";
    ::close(fd);
    return false;
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    error = "it is " + std::to_string(st.st_size) + " bytes, over the " + size_text(max_bytes) +
            " the guard reads (files over the bound are denied, not skipped)";
    if (too_large) *too_large = true;
    ::close(fd);
    return false;
  }
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  ::close(fd);
  return true;
}

std::string resolve_path(const std::string& cwd, const std::string& path) {
  if (path.empty() || path[0] == '/' || path[0] == '~' || cwd.empty()) return path;
  // One allocation of the joined size (`cwd + "/" + path` made a string, then grew it).
  std::string joined;
  joined.reserve(cwd.size() + 1 + path.size());
  joined.append(cwd);
  if (cwd.back() != '/') joined.push_back('/');
  joined.append(path);
  return joined;
}

}  // namespace dbguard

namespace dbguard {

namespace {

// Whether the path has a `.` or `..` component (not a dot file such as .claude):
// only those need lexically_normal(), whose cost shows in a long command where
// every argument is normalized.
bool has_dot_component(const std::string& p) {
  if (p.find("/.") == std::string::npos && (p.empty() || p[0] != '.')) return false;  // the common case
  for (std::size_t start = 0; start <= p.size();) {
    std::size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string_view c(p.data() + start, end - start);
    if (c == "." || c == "..") return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::string normal_path(const std::string& path) {
  // One look at each slash's next character says whether a dot component may
  // start there, or a slash is doubled: find("/.") and find("//") each took a
  // memchr call a slash (22 calls a path of a long command's, most of its time).
  bool dot = !path.empty() && path[0] == '.', doubled = false;
  for (std::size_t i = 0; i + 1 < path.size(); ++i)
    if (path[i] == '/') {
      dot = dot || path[i + 1] == '.';
      doubled = doubled || path[i + 1] == '/';
    }
  std::string n;
  if (dot && has_dot_component(path)) {
    n = std::filesystem::path(path).lexically_normal().string();
  } else if (!doubled) {
    n = path;  // already normal but for a trailing slash
  } else {
    // Without dot components, normalizing only merges repeated slashes (DIR//x):
    // copied a run at a time (a byte at a time cost 1,300 instructions a path of
    // a long command's `cp -r src/x/*.png build/x/`).
    n.reserve(path.size());
    for (std::size_t i = 0; i < path.size();) {
      std::size_t slash = path.find('/', i);
      if (slash == std::string::npos) {
        n.append(path, i);
        break;
      }
      n.append(path, i, slash + 1 - i);  // through the slash
      i = path.find_first_not_of('/', slash);
      if (i == std::string::npos) break;
    }
  }
  while (n.size() > 1 && n.back() == '/') n.pop_back();
  return n;
}

std::string lexically_normal_kept(const std::string& p) {
  const bool plain = !p.empty() && p[0] == '/' && p.find("//") == std::string::npos && !has_dot_component(p);
  return plain ? p : std::filesystem::path(p).lexically_normal().string();
}

std::string_view parent_of(std::string_view p) {
  if (p.find_first_not_of('/') == std::string_view::npos) return p;  // "" or the root ("/", and "//" kept so)
  if (p.back() == '/') return p.substr(0, p.size() - 1);
  std::size_t slash = p.find_last_of('/');
  if (slash == std::string_view::npos) return {};
  return slash == 0 ? p.substr(0, 1) : p.substr(0, slash);
}

// Only an absolute path without dot components (nor dot files: the test is kept
// simple) is judged by its ancestors: `x/..` is not under x.
bool DirectoryProbe::under_missing(const std::string& path) const {
  if (missing_.empty()) return false;
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string_view prefix(path.data(), slash == std::string::npos ? path.size() : slash);
    if (missing_.find(prefix) != missing_.end()) return true;
    if (slash == std::string::npos) return false;
  }
}

bool DirectoryProbe::is_directory(const std::string& path) {
  bool plain = !path.empty() && path[0] == '/' && path.find("/.") == std::string::npos;
  if (plain && under_missing(path)) return false;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return S_ISDIR(st.st_mode);
  if (!plain || (errno != ENOENT && errno != ENOTDIR)) return false;
  // Up to the topmost missing directory: the next path under it is answered here.
  std::string top = path;
  while (top.size() > 1 && top.back() == '/') top.pop_back();
  for (std::size_t slash; (slash = top.find_last_of('/')) != 0 && slash != std::string::npos;) {
    std::string parent = top.substr(0, slash);
    if (::stat(parent.c_str(), &st) == 0 || (errno != ENOENT && errno != ENOTDIR)) break;
    top = std::move(parent);
  }
  missing_.insert(std::move(top));
  return false;
}

}  // namespace dbguard
