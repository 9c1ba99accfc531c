// Reading the audit log for people: the last records, and counts.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dbguard::audit {

// Every parseable record of the log and its rotated files, oldest first.
std::vector<nlohmann::json> read_records(const std::string& path);

// The last `n` records (only denied ones with `denied_only`), one line each:
// time, decision, rules, command.
void print_tail(const std::string& path, std::size_t n, bool denied_only, bool json, std::ostream& out);

// Counts by decision, by rule and by day (UTC).
void print_stats(const std::string& path, std::ostream& out);

}  // namespace dbguard::audit
