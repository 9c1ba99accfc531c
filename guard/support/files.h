// Bounded file reading and path resolution for the files a command names
// (SQL files, scripts). The guard reads; it never writes or executes.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace dbguard {

// Reads at most `max_bytes`; a larger file is an error (callers deny rather than
// judge a prefix). Returns false with `error` set when the file cannot be read;
// `too_large` (when given) tells an oversized file from a missing one: callers
// that let a missing harmless-looking file pass must still deny an oversized one.
bool read_file_bounded(const std::string& path, std::size_t max_bytes, std::string& out, std::string& error,
                       bool* too_large = nullptr);

// A byte count as people read it: "1 MiB", "8 MiB", "1500 bytes".
std::string size_text(std::size_t bytes);

// `path` relative to `cwd` unless absolute; `~/` is left as is (unknown home).
std::string resolve_path(const std::string& cwd, const std::string& path);

// `path` normalized lexically (std::filesystem's lexically_normal: `.`, `..`
// and repeated slashes), without a trailing slash. The file system is not asked.
std::string normal_path(const std::string& path);

// std::filesystem's lexically_normal(), a trailing slash kept; only a path it could
// change (relative, or with a `.`/`..` component or a doubled slash) is parsed.
std::string lexically_normal_kept(const std::string& path);

// fs::path(p).parent_path() of a lexically normal P, without parsing it: "/a/b" and
// "/a/b/" (whose last name is empty) -> "/a" and "/a/b"; "/a" -> "/"; "a" -> ""; the
// root is its own parent.
std::string_view parent_of(std::string_view p);

// Hashes a path key by string_view, so that maps keyed by paths are looked up
// without building a key string (with std::equal_to<>).
struct PathHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Whether `path` is a directory, by stat(2), remembering the directories it found
// missing: a path under one is missing too, and costs no stat. For one decision:
// files may appear between two.
class DirectoryProbe {
 public:
  bool is_directory(const std::string& path);

 private:
  bool under_missing(const std::string& path) const;

  std::unordered_set<std::string, PathHash, std::equal_to<>> missing_;  // each the topmost missing on its path
};

}  // namespace dbguard
