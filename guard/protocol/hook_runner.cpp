#include "protocol/hook_runner.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <cstdlib>

#include "audit/audit_log.h"
#include "audit/record.h"
#include "decision/engine.h"
#include "policy/context.h"
#include "protocol/failure_record.h"
#include "protocol/hook_output.h"
#include "protocol/watchdog.h"

namespace dbguard::protocol {
namespace {

// A custom pack compiled on first use may take this long on top of the budget.
constexpr int kCompileBudgetMs = 5000;

// Events larger than this hand the call's fields, not their bytes, to a timeout's record.
constexpr std::size_t kHandCallFieldsOverBytes = 64 * 1024;

}  // namespace

int time_budget_ms() {
  // Sanitizer and valgrind runs are slower; the budget may be raised, never removed.
  if (const char* v = std::getenv("DBGUARD_TIME_BUDGET_MS")) {
    int n = std::atoi(v);
    if (n >= 10 && n <= 5000) return n;
  }
  return kTimeBudgetMs;
}

Decision decide_event_bytes(const std::string& bytes, bool truncated) { return decide_event_bytes(bytes, truncated, {}); }

Decision decide_event_bytes(const std::string& bytes, bool truncated, const DecideHooks& hooks) {
  // No audit record here: the ids are read only for a caller that takes the event.
  EventResult ev = parse_event(bytes, truncated, static_cast<bool>(hooks.on_event));
  if (hooks.on_event) hooks.on_event(ev);
  return decide_event(ev, ev.event.tool_input, hooks);
}

Decision decide_event(const EventResult& ev, const nlohmann::json& tool_input, const DecideHooks& hooks) {
  if (!ev.ok) return Engine::embedded().fail_closed("guard.malformed-event", "", ev.error);
  // The policy for the event's cwd (layers, custom packs, protected files, audit).
  auto ctx = policy::context_for(ev.event.cwd, hooks.before_compile);
  if (hooks.on_context) hooks.on_context(ctx);
  return policy::decide(*ctx, ev.event.tool_name, tool_input, ev.event.cwd);
}

int run_hook(std::FILE* in, std::FILE* out, std::FILE* err) {
  HookOutput result;
  audit::EventFields event;  // what the audit record says of the call
  std::shared_ptr<const policy::Context> ctx;
  Decision d;
  bool decided = false;
  const int budget = time_budget_ms();
  // Both outlive the watchdog, which hands one of them to the timeout's record.
  std::string bytes;
  std::string handed;
  nlohmann::json call;  // what the record says of the call, made early for a large event
  try {
    {
      Watchdog watchdog(budget, std::max(kWallCapMs, budget));
      bool complete = read_all_bounded(in, bytes, kMaxEventBytes);
      watchdog.publish_event(bytes, complete);
      EventResult ev = parse_event(bytes, !complete);
      // Moved, not copied: the decision reads it, and so does the audit record.
      event = record_fields(ev);
      // A large event's bytes are not kept through the analysis (4 MiB of a 4 MiB
      // `psql -c`): the record of a timeout is handed what the record says of the
      // call instead, at most a few tens of KiB, which the record made after the
      // decision reuses. Below the bound the bytes cost less than making it early.
      if (bytes.size() > kHandCallFieldsOverBytes) {
        call = audit::call_fields(event);
        handed = call.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        watchdog.publish_call(handed);
        std::string().swap(bytes);
      }
      DecideHooks hooks;
      hooks.on_context = [&](const std::shared_ptr<const policy::Context>& c) { ctx = c; };
      hooks.before_compile = [&watchdog] { watchdog.extend(kCompileBudgetMs); };
      d = decide_event(ev, event.tool_input, hooks);
      decided = true;
    }
    // Every decision is recorded (allows unless the policy turns them off), after
    // the analysis budget: one locked append.
    if (!ctx) ctx = policy::context_for("");
    std::string note;
    if (d.verdict != Verdict::Allow || ctx->audit.log_allows) {
      auto r = audit::append_record(ctx->audit, call.is_null() ? audit::build_record(event, d)
                                                               : audit::build_record(std::move(call), d));
      if (!r.ok && ctx->audit.required) d = policy::audit_unavailable(*ctx, r.error);
      else if (!r.ok) note = "dbguard: the decision stands, but the audit log was not written: " + r.error + "\n";
    }
    result = render_hook(d);
    result.stderr_text = note + result.stderr_text;
  } catch (const std::exception& e) {
    result = HookOutput{2, "", std::string("dbguard blocked this command (rule guard.internal-error).\nWhy: the guard "
                                           "failed while analysing it (") + e.what() +
                                   "); it fails closed.\n"};
    if (!decided) record_failure(ctx ? &ctx->audit : nullptr, event, "guard.internal-error", e.what());
  } catch (...) {
    result = HookOutput{2, "", "dbguard blocked this command (rule guard.internal-error).\n"};
    if (!decided) record_failure(ctx ? &ctx->audit : nullptr, event, "guard.internal-error", "unknown exception");
  }
  if (!result.stdout_text.empty()) std::fputs(result.stdout_text.c_str(), out);
  if (!result.stderr_text.empty()) std::fputs(result.stderr_text.c_str(), err);
  std::fflush(out);
  std::fflush(err);
  return result.exit_code == 0 ? 0 : 2;
}

}  // namespace dbguard::protocol
