// Audit records of denies made without a decision: the time budget ran out, or
// the guard failed. Best effort: the deny stands whether or not it is recorded.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "audit/audit_log.h"
#include "audit/record.h"

namespace dbguard::protocol {

// Appends a deny for `rule` to the log `config` names (the default log when null).
void record_failure(const audit::AuditConfig* config, const audit::EventFields& event, const std::string& rule,
                    const std::string& detail);

// `dbguard hook-timeout-record`: reads what the watchdog hands over on `in`
// ('c' or 't': the event was read complete, or cut at the bound, then the event's
// bytes as read; or 'f' and the call's fields as the record keeps them, a JSON
// object (audit::call_fields), once a large event has been read; nothing if time
// ran out while reading), records the timeout deny
// in the audit log the policy for the event's cwd names, and exits 2. The log is
// never taken from the input: anyone can run this command. Bounded in time of its
// own: a record that cannot be made quickly is given up, never the deny.
[[noreturn]] void record_handed_over_timeout(std::FILE* in);

}  // namespace dbguard::protocol
