// Removes secrets from text before it is written to the audit log: values of
// secret-named assignments (PGPASSWORD=…, AWS_SECRET_ACCESS_KEY=…, password=…
// in a conninfo string), secret options (--password …, --token=…), passwords
// in connection URIs (postgres://user:…@host), AWS access key ids, bearer
// tokens and mysql's attached -p…. Hand-written scanning: the hook compiles
// no regular expression to redact.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace dbguard::audit {

constexpr std::string_view kRedacted = "***";

std::string redact(std::string_view text);

// True for names that hold secrets (PGPASSWORD, api_key, aws_secret_access_key, ...).
bool is_secret_name(std::string_view name);

// A copy of a JSON value with secret-named string fields replaced and every
// other string redacted as text. Values nested deeper than kMaxRecordDepth are
// replaced by kTooDeep: a tool input may nest as deep as its 4 MiB allow, and
// the copy (and whatever walks it after) must not recurse that far.
constexpr int kMaxRecordDepth = 64;
constexpr std::string_view kTooDeep = "…[nested too deep]";
nlohmann::json redact_json(const nlohmann::json& value, int depth = 0);

}  // namespace dbguard::audit
