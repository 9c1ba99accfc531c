// Whether a WHERE clause (libpg_query JSON node) is always true: a constant that is
// true (`true`, `1` as MySQL/SQLite read it, `1::bool`), a comparison of constants
// that holds (1=1, 1<2, 'a'<>'b'), x = x, NOT of a false one, an OR with such an arm,
// an AND of only such arms.
#pragma once

#include <nlohmann/json.hpp>

namespace dbguard::sql {

bool always_true(const nlohmann::json& node);

}  // namespace dbguard::sql
