// Records and a log in a scratch directory, shared by the audit log tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "../support/process.h"
#include "audit/audit_log.h"

namespace dbguard::audit::testing {

inline nlohmann::json record(int i, const std::string& decision = "allow") {
  return {{"time", "2025-06-01T12:00:00.000000Z"}, {"tool", "Bash"}, {"command", "echo " + std::to_string(i)},
          {"decision", decision}, {"hard", false}, {"rules", nlohmann::json::array()}, {"reason", ""}};
}

inline AuditConfig config(const dbguard::testing::ScratchDir& d) {
  AuditConfig c;
  c.path = d / "state/audit.jsonl";
  return c;
}

// A log chained with HMAC under `key`, written to a key file in the scratch directory.
inline AuditConfig keyed_config(const dbguard::testing::ScratchDir& d, const std::string& key) {
  AuditConfig c = config(d);
  c.key_file = d / "key";
  dbguard::testing::write_file(c.key_file, key + "\n");
  return c;
}

// Appends records `from`..`to` (commands echo FROM … echo TO).
inline void fill(const AuditConfig& c, int from, int to) {
  for (int i = from; i <= to; ++i) ASSERT_TRUE(append_record(c, record(i)).ok) << i;
}

}  // namespace dbguard::audit::testing
