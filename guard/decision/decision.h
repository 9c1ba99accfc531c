// What the guard decided and why. A Decision is the single result that the
// hook, `check` and `explain` all render, so they can never disagree.
#pragma once

#include <string>
#include <vector>

#include "sql/classify.h"
#include "unwrap/invocation.h"

namespace dbguard {

enum class Verdict { Allow, Ask, Deny };

// What a finding's detail quotes of a command line or statement is cut to this
// (the reason shows 400 bytes): three rules matching one 4 MiB command line held
// three copies of it.
constexpr std::size_t kShownDetailBytes = 1024;

struct Finding {
  std::string rule;        // rule id
  bool hard = false;       // production hard block: nothing may soften it
  SharedText segment;      // the exact command text that was blocked: shared by the findings
                           // of one command (ten findings on a 4 MiB `psql -c` held ten copies)
  std::string detail;      // what was seen (statement, file, marker)
  std::string source;      // where the analysed text came from: command line, psql -c, file x.sql, heredoc
  std::string production;  // the production marker, when the command targets production
};

// One invocation as analysed, for `explain`.
struct InvocationTrace {
  Invocation invocation;
  std::vector<std::string> matched;  // rule ids matched (before production/unless filtering)
  std::vector<std::string> cleared;  // rule ids a second look cleared, with why
  struct Sql {
    std::string source;
    std::vector<std::string> statements;
    bool parsed = true;
    std::string error;
  };
  std::vector<Sql> sql;
  std::string production;            // marker text, if any
};

struct Decision {
  Verdict verdict = Verdict::Allow;
  bool hard = false;
  std::vector<Finding> findings;
  std::string reason;  // rendered for the agent
  // How a policy file changed the outcome ("containers.volume-rm: ask (/etc/dbguard/policy.toml:4)"),
  // for the audit record and `check`; empty when the built-in defaults decided.
  std::vector<std::string> policy;
  // explain only:
  std::vector<InvocationTrace> trace;
  std::vector<std::string> notes;
};

const char* to_string(Verdict v);

}  // namespace dbguard
