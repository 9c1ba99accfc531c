// For SQL that libpg_query cannot parse (another dialect, a fragment): judge
// each statement by the tokens of libpg_query's own scanner. A destructive
// keyword at the start of a statement (DROP of a data-holding object,
// TRUNCATE, DELETE/UPDATE with no WHERE, ALTER … DROP COLUMN) is a finding;
// keywords inside strings, identifiers and comments are not.
#pragma once

#include <string_view>
#include <vector>

#include "sql/classify.h"

namespace dbguard::sql {

std::vector<SqlFinding> scan_for_destructive(std::string_view sql);

}  // namespace dbguard::sql
