// `dbguard hook`: one event on stdin → one decision, under a time budget.
// Every failure path (bad input, exception, budget exceeded) ends in a deny
// with exit 2; the process never exits with any other code.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "decision/decision.h"
#include "protocol/event.h"

namespace dbguard::policy {
struct Context;
}

namespace dbguard::protocol {

constexpr int kTimeBudgetMs = 50;   // CPU time: analysis past this is denied
constexpr int kWallCapMs = 2000;    // wall clock: a stalled hook (stdin never closed) is denied

// kTimeBudgetMs, or DBGUARD_TIME_BUDGET_MS when set to 10..5000 (sanitizer runs).
int time_budget_ms();

// Decides for raw event bytes (shared by `hook` and `check --json < event`):
// the event is parsed, the policy for its cwd loaded (guard/policy), and the
// engine decides under it.
Decision decide_event_bytes(const std::string& bytes, bool truncated);

// The same, telling the caller what it learns on the way (the hook records
// every decision in the audit log, even one the watchdog makes).
struct DecideHooks {
  std::function<void(const EventResult&)> on_event;
  std::function<void(const std::shared_ptr<const policy::Context>&)> on_context;
  std::function<void()> before_compile;  // custom packs are about to be compiled
};
Decision decide_event_bytes(const std::string& bytes, bool truncated, const DecideHooks& hooks);
// The decision for a parsed event whose tool input is passed apart (run_hook keeps
// one copy of it, read by the decision and by the watchdog's audit record).
// `hooks.on_event` is not called: the caller has the event.
Decision decide_event(const EventResult& ev, const nlohmann::json& tool_input, const DecideHooks& hooks);

// Runs the whole hook: reads stdin, decides, writes, and returns the exit code.
int run_hook(std::FILE* in, std::FILE* out, std::FILE* err);

}  // namespace dbguard::protocol
