// The shell's variables at a point of the command: known values (`X=1;`), values
// set to run-time text, and which of them are exported. A walk copies its scope
// for every subshell, pipeline stage, substitution and nested shell, so the
// variables are shared between copies until one of them changes something: 3,000
// variables copied for each stage of 3,000 pipelines after them took a second.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "unwrap/invocation.h"

namespace dbguard {

class Scope {
 public:
  // The known value of NAME, or null (unset, or only known at run time).
  const std::string* value(std::string_view name) const;

  // Every change comes through these.
  void set(const std::string& name, const Arg& value);  // dynamic: run-time text
  void erase(const std::string& name);
  void export_name(const std::string& name);

  // The exported variables that have a value, by name (run-time ones as dynamic
  // Args: DATABASE_URL=$PROD_DATABASE_URL still marks production). One list, shared
  // by every command until one of them changes.
  const SharedEnv& exported_env();

  std::string cwd;

 private:
  struct Variables {
    std::map<std::string, std::string, std::less<>> known;
    std::map<std::string, std::string, std::less<>> dynamic;
    std::set<std::string, std::less<>> exported;
  };
  // For a change: the variables, copied first when another scope shares them.
  Variables& own();

  std::shared_ptr<Variables> vars_;
  SharedEnv exported_env_;
};

}  // namespace dbguard
