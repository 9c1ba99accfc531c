// The text a command is matched as. Line 1 is the canonical command line:
// argv joined by single spaces, whitespace inside an argument turned into
// \x1f (so `git commit -m "docker compose down -v"` can never look like the
// command), an argument only known at run time prefixed with \x1e. Further
// lines carry what production markers are looked for in: NAME=value for each
// environment assignment and $NAME for each variable referenced. The command
// lines of wrappers that carry a target (ssh HOST, kubectl --context ...) are
// not copied in: shared by every command the wrapper runs, each is matched once,
// as the line that would follow these (decision/context_marks.h). A text with
// such lines ends with the newline that came before them.
#pragma once

#include <string>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard {

struct Haystack {
  std::string text;
  std::size_t command_end = 0;  // end of line 1: command rules must match within it
};

std::string canonical_arg(const Arg& a);
Haystack build_haystack(const Invocation& inv);

}  // namespace dbguard
