// A script naming its own directory: the idioms shell scripts use for it
// ($(dirname "$0"), $(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd), ${0%/*}) are
// known once the guard knows which file it is reading, so sibling scripts and
// files (source "$(dirname "$0")/common.sh") can be read like any other.
#pragma once

#include <string>

namespace dbguard {

// `text` (a script's source) with each of those idioms replaced by `dir`, the
// script's own directory (absolute). Any other form stays as written.
std::string with_script_dir(const std::string& text, const std::string& dir);

}  // namespace dbguard
