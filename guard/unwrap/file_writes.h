// Files a command writes besides its output redirections: tee FILE, cp/mv/install
// SRC DEST, sed -i FILE, ln -s TARGET LINK, curl -o FILE, wget -O FILE, dd of=FILE,
// rsync/scp SRC DEST. A later command in the same call that reads such a file
// (psql -f, bash x.sh, make, < file) would read what this one wrote, not what is
// on disk now: the walker treats those reads as opaque.
#pragma once

#include <string>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard {

// Resolved paths argv (normalized program first) writes. Run-time targets ($F)
// are left out: they are not knowable here.
std::vector<std::string> files_written(const std::vector<Arg>& argv, const std::string& cwd);

// `path` without `.`/`..` parts or a trailing slash, so ./x.sql and x.sql compare equal.
std::string normal_path(const std::string& path);

// Whether a command earlier in the call than `inv` writes `path` (resolved against its cwd).
bool written_earlier(const Invocation& inv, const std::string& path);

}  // namespace dbguard
