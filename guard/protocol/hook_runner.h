// `dbguard hook`: one event on stdin → one decision, under a time budget.
// Every failure path (bad input, exception, budget exceeded) ends in a deny
// with exit 2; the process never exits with any other code.
#pragma once

#include <cstdio>
#include <string>

#include "decision/decision.h"
#include "protocol/event.h"

namespace dbguard::protocol {

constexpr int kTimeBudgetMs = 50;  // analysis past this is denied

// kTimeBudgetMs, or DBGUARD_TIME_BUDGET_MS when set to 10..5000 (sanitizer runs).
int time_budget_ms();

// Decides for raw event bytes (shared by `hook` and `check --json < event`).
Decision decide_event_bytes(const std::string& bytes, bool truncated);

// Runs the whole hook: reads stdin, decides, writes, and returns the exit code.
int run_hook(std::FILE* in, std::FILE* out, std::FILE* err);

}  // namespace dbguard::protocol
