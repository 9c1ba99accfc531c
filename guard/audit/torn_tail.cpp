#include "audit/torn_tail.h"

#include "audit/chain_hash.h"
#include "audit/record.h"

namespace dbguard::audit {

nlohmann::json torn_tail_record(std::string_view fragment) {
  return {{"kind", kTornTailKind},
          {"time", now_rfc3339()},
          {"fragment_bytes", fragment.size()},
          {"fragment_sha256", sha256_hex(fragment)},
          {"reason", "an append was interrupted (crash): the line before this record is the torn fragment of a "
                     "record that was lost; its length and SHA-256 are kept here"},
          {"version", DBGUARD_VERSION}};
}

bool is_torn_tail_record(const nlohmann::json& record) {
  return record.is_object() && record.contains("kind") && record["kind"] == kTornTailKind;
}

bool vouches_for(const nlohmann::json& record, std::string_view line) {
  if (!is_torn_tail_record(record)) return false;
  const auto& bytes = record.contains("fragment_bytes") ? record["fragment_bytes"] : nlohmann::json();
  const auto& digest = record.contains("fragment_sha256") ? record["fragment_sha256"] : nlohmann::json();
  return bytes.is_number_unsigned() && bytes.get<std::uint64_t>() == line.size() && digest.is_string() &&
         digest.get<std::string>() == sha256_hex(line);
}

}  // namespace dbguard::audit
