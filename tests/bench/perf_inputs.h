// Inputs shared by the *_perftest programs: the everyday corpus and generated
// large inputs (the same generators the process-level bench uses).
#pragma once

#include <string>
#include <vector>

#include "cases.h"

namespace dbguard::bench {

inline const std::vector<std::string>& everyday() {
  static const auto commands = everyday_commands(std::string(DBGUARD_SOURCE_DIR) + "/tests/corpus/everyday.toml");
  return commands;
}

inline const std::string& ten_stage_pipeline() {
  static const std::string s =
      "git log --format='%an %s' | grep -v wip | sed 's/^ *//' | cut -d' ' -f1 | sort | uniq -c | sort -rn | "
      "head -20 | awk '{print $2}' | tr a-z A-Z";
  return s;
}

}  // namespace dbguard::bench
