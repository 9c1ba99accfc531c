// A torn last line: a crash in the middle of an append leaves a fragment with
// no newline at the end of the log. The next append terminates the fragment
// where it is (nothing is deleted) and chains a record of kind
// "torn-tail-recovered" right after it that carries the fragment's length and
// SHA-256. `verify` accepts a non-record line only when the record that
// follows it vouches for exactly those bytes, so the chain stays verifiable and
// the loss stays visible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace dbguard::audit {

inline constexpr std::string_view kTornTailKind = "torn-tail-recovered";

// The recovery record for `fragment` (chain fields are added by append_record).
nlohmann::json torn_tail_record(std::string_view fragment);

// Whether `record` is a recovery record that vouches for exactly `line`.
bool vouches_for(const nlohmann::json& record, std::string_view line);

bool is_torn_tail_record(const nlohmann::json& record);

}  // namespace dbguard::audit
