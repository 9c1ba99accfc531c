// Bounded file reading and path resolution for the files a command names
// (SQL files, scripts). The guard reads; it never writes or executes.
#pragma once

#include <string>

namespace dbguard {

// Reads at most `max_bytes`; a larger file is an error (callers deny rather than
// judge a prefix). Returns false with `error` set when the file cannot be read.
bool read_file_bounded(const std::string& path, std::size_t max_bytes, std::string& out, std::string& error);

// `path` relative to `cwd` unless absolute; `~/` is left as is (unknown home).
std::string resolve_path(const std::string& cwd, const std::string& path);

}  // namespace dbguard
