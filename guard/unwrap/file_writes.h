// Files a command writes besides its output redirections: tee FILE, cp/mv/install
// SRC DEST, sed -i FILE, ln -s TARGET LINK, curl -o FILE, wget -O FILE, dd of=FILE,
// rsync/scp SRC DEST. A later command in the same call that reads such a file
// (psql -f, bash x.sh, make, < file) would read what this one wrote, not what is
// on disk now: the walker treats those reads as opaque.
#pragma once

#include "support/files.h"  // normal_path

#include <string>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard {

// Resolved paths argv (normalized program first) writes. Run-time targets ($F)
// are not paths: they go to `dynamic` (as written), when given. `dirs` answers
// whether a destination is a directory, for the whole walk.
std::vector<std::string> files_written(const std::vector<Arg>& argv, const std::string& cwd, DirectoryProbe& dirs,
                                       std::vector<std::string>* dynamic = nullptr);

// The RE2 pattern of every normalized path a run-time write target could be:
// its static parts literal, each run-time part any text, relative to `cwd`
// unless it starts with a run-time part (which may be absolute); a directory
// target also covers what is under it.
std::string dynamic_target_pattern(const std::string& target, const std::string& cwd);

// Whether one of the first `seen` writes of `written` could be `path` (normalized,
// absolute): a write naming it, or one whose target is only known at run time and
// could be it. `why` (when given) gets a phrase saying which.
bool could_be_written(const WrittenFiles& written, const std::string& path, std::size_t seen,
                      std::string* why = nullptr);

// Whether a command earlier in the call than `inv` writes, or may write, `path`
// (resolved against its cwd). `why` as for could_be_written.
bool written_earlier(const Invocation& inv, const std::string& path, std::string* why = nullptr);

}  // namespace dbguard
