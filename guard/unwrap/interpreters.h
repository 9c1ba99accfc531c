// Inline code given to interpreters (python -c, node -e/-p, ruby -e, perl -e,
// php -r, and code fed on stdin): the shell commands it starts (os.system,
// subprocess.*, child_process.exec*, system, backticks, %x(), qx()) and the SQL
// strings it passes to execute()/query()/exec()/raw(). Found with RE2 over the
// code's text; an argument that is a name or a concatenation is evaluated from
// the code's own assignments (code_values.h). A shell-out or SQL call whose
// text is only known at run time is reported as such, to be denied.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard {

struct InlineCode {
  std::string language;  // python, node, ruby, perl, php
  // The code as given, a view of the argument or the stdin text that holds it (the
  // caller keeps them while it reads the code): a 4 MiB `python3 -c` is not copied.
  std::string_view given;
  std::string origin;    // "python -c"
  bool run_time_only = false;  // python3 -c "$CODE": nothing of the code is known before it runs
  std::string joined = {};  // several -e's: the program they make, one per line (`given` is then unused)

  std::string_view code() const { return joined.empty() ? given : std::string_view(joined); }
};

struct CodeFindings {
  std::vector<std::pair<std::string, std::string>> shell;  // (origin, command)
  std::vector<std::pair<std::string, std::string>> sql;    // (origin, statement text)
  // Calls whose command line or SQL is only known at run time: (origin, what)
  std::vector<std::pair<std::string, std::string>> dynamic_shell;
  std::vector<std::pair<std::string, std::string>> dynamic_sql;
};

// The inline code of an interpreter invocation, if it has any (-c/-e, deno eval,
// or program text on stdin when no script is named).
std::optional<InlineCode> inline_code(const std::vector<Arg>& argv, const Input& stdin_source);

CodeFindings scan_code(const InlineCode& code);

// An interpreter invocation that takes its program from stdin (no -c/-e, no script).
bool interpreter_reads_stdin(const std::vector<Arg>& argv);

}  // namespace dbguard
