// Whether a WHERE clause (libpg_query JSON node) is always true: `true`, 1=1,
// 'a'='a', x = x, an OR with such an arm, an AND of only such arms, NOT false.
#pragma once

#include <nlohmann/json.hpp>

namespace dbguard::sql {

bool always_true(const nlohmann::json& node);

}  // namespace dbguard::sql
