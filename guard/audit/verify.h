// Verifies an audit log's hash chain across its rotated files and reports the
// first line that is wrong, and how: a record modified, deleted (in the
// middle, at the start, at the end against the head kept in PATH.lock),
// reordered or duplicated, a chain broken across rotation, or a torn last line
// from a crash that no append has recovered yet (torn_tail.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dbguard::audit {

struct VerifyResult {
  bool ok = false;
  std::uint64_t records = 0;
  std::size_t files = 0;
  std::string file;     // where the first problem is
  std::size_t line = 0;  // 1-based line in `file`
  std::string problem;  // what is wrong there
  // Torn lines a later append recovered ("FILE:LINE (N bytes)"): the chain is
  // intact, but a record was lost in a crash, and that stays visible.
  std::vector<std::string> recovered;
};

// `key` verifies HMAC-SHA256 records (an HMAC record without the key is a failure).
VerifyResult verify_chain(const std::string& path, const std::string& key);

// "N records, chain intact" (with a note of recovered torn lines) or "FILE:LINE: problem".
std::string describe(const VerifyResult& r);

}  // namespace dbguard::audit
