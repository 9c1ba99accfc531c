#include "protocol/hook_runner.h"

#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "audit/audit_log.h"
#include "audit/record.h"
#include "decision/engine.h"
#include "policy/context.h"
#include "protocol/hook_output.h"

namespace dbguard::protocol {
namespace {

// Ends the process with a deny if the decision is not made within the budget.
// A watchdog thread (not a cooperative check) so that no stage, however stuck,
// can outlive the budget and let Claude Code time the hook out (which runs the command).
// The analysis budget is CPU time: on a loaded machine wall time stretches
// while the work does not, and a harmless command must not be denied for the
// machine being busy. A wall-clock cap (kWallCapMs) still ends stalls (stdin
// that never closes) well inside Claude Code's hook timeout.
//
// The thread is detached and shares its state, so that ending the watch does not
// wait for the thread to wake and exit (a join on every call). It fires holding
// the lock until _exit: a destructor that got the lock first has disarmed it, and
// one that did not never returns, so `on_timeout` cannot outlive what it refers to.
class Watchdog {
 public:
  // `on_timeout` runs on the watchdog thread after the deny is written, just before exit.
  explicit Watchdog(int budget_ms, std::function<void()> on_timeout = {}) : s_(std::make_shared<State>()) {
    auto now = std::chrono::steady_clock::now();
    s_->cpu_budget_ms = budget_ms;
    s_->check_at = now + std::chrono::milliseconds(budget_ms);
    s_->wall_deadline = now + std::chrono::milliseconds(std::max(kWallCapMs, budget_ms));
    s_->on_timeout = std::move(on_timeout);
    std::thread([s = s_] { watch(*s); }).detach();
  }
  // Moves the deadline later (a custom-pack compile on first use).
  void extend(int ms) {
    std::lock_guard<std::mutex> lock(s_->m);
    s_->cpu_budget_ms += ms;
    s_->wall_deadline += std::chrono::milliseconds(ms);
  }
  // Not woken: it finds `done` at its next look and ends quietly. The hook
  // process exits before that, and waking it only to end would have it free
  // memory on its own thread (a new malloc arena: a 128 MiB mapping) while the
  // process is exiting.
  ~Watchdog() {
    std::lock_guard<std::mutex> lock(s_->m);
    s_->done = true;
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  struct State {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    double cpu_budget_ms = 0;
    std::chrono::steady_clock::time_point check_at;
    std::chrono::steady_clock::time_point wall_deadline;
    std::function<void()> on_timeout;
  };

  static double process_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }

  static void watch(State& s) {
    std::unique_lock<std::mutex> lock(s.m);
    for (;;) {
      // CPU time cannot run ahead of wall time, so look when the budget could first be spent.
      s.cv.wait_until(lock, std::min(s.check_at, s.wall_deadline), [&s] { return s.done; });
      if (s.done) return;
      auto now = std::chrono::steady_clock::now();
      if (now >= s.wall_deadline) break;
      double used = process_cpu_ms();
      if (used >= s.cpu_budget_ms) break;
      s.check_at = now + std::chrono::milliseconds(std::max(1, static_cast<int>(s.cpu_budget_ms - used)));
    }
    // Still holding the lock (see above).
    static const char msg[] =
        "dbguard blocked this command (rule guard.timeout).\n"
        "Why: analysing the call took longer than the guard's time budget, so it could not be checked. "
        "The guard fails closed: what it cannot analyse, it blocks.\n"
        "Instead: split the command into smaller, simpler commands.\n";
    ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    if (s.on_timeout) s.on_timeout();
    ::_exit(2);
  }

  std::shared_ptr<State> s_;
};

// What the audit record needs, filled in as the hook learns it, so that a
// deny by the watchdog is recorded too.
struct Pending {
  std::mutex m;
  audit::EventFields event;
  audit::AuditConfig config;
  bool have_config = false;

  void record_timeout() { record_failure("guard.timeout", "analysis exceeded the time budget"); }

  // Best effort: the deny stands whether or not it can be recorded.
  void record_failure(const std::string& rule, const std::string& detail) {
    try {
      std::lock_guard<std::mutex> lock(m);
      audit::AuditConfig cfg = config;
      if (!have_config) cfg.path = audit::default_audit_path();
      Decision d;
      d.verdict = Verdict::Deny;
      d.findings.push_back({rule, false, "", detail, "hook", ""});
      d.reason = "dbguard blocked this command (rule " + rule + "): " + detail + ".";
      audit::append_record(cfg, audit::build_record(event, d), 1000);
    } catch (...) {
    }
  }
};

// A custom pack compiled on first use may take this long on top of the budget.
constexpr int kCompileBudgetMs = 5000;

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
  EventResult ev = parse_event(bytes, truncated);
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
  Pending pending;
  std::shared_ptr<const policy::Context> ctx;
  Decision d;
  bool decided = false;
  try {
    {
      Watchdog watchdog(time_budget_ms(), [&pending] { pending.record_timeout(); });
      EventResult ev;
      {
        std::string bytes;
        bool complete = read_all_bounded(in, bytes, kMaxEventBytes);
        ev = parse_event(bytes, !complete);
      }  // the bytes are parsed: freed before the analysis (a long command's megabyte)
      {
        // Moved, not copied: from here on both threads only read it.
        std::lock_guard<std::mutex> lock(pending.m);
        pending.event = {ev.event.session_id, ev.event.tool_use_id, ev.event.cwd, ev.event.tool_name,
                         ev.ok ? std::move(ev.event.tool_input) : nlohmann::json()};
      }
      const nlohmann::json& tool_input = pending.event.tool_input;
      DecideHooks hooks;
      hooks.on_context = [&](const std::shared_ptr<const policy::Context>& c) {
        std::lock_guard<std::mutex> lock(pending.m);
        ctx = c;
        pending.config = c->audit;
        pending.have_config = true;
      };
      hooks.before_compile = [&watchdog] { watchdog.extend(kCompileBudgetMs); };
      d = decide_event(ev, tool_input, hooks);
      decided = true;
    }
    // Every decision is recorded (allows unless the policy turns them off), after
    // the analysis budget: one locked append.
    if (!ctx) ctx = policy::context_for("");
    std::string note;
    if (d.verdict != Verdict::Allow || ctx->audit.log_allows) {
      auto r = audit::append_record(ctx->audit, audit::build_record(pending.event, d));
      if (!r.ok && ctx->audit.required) d = policy::audit_unavailable(*ctx, r.error);
      else if (!r.ok) note = "dbguard: the decision stands, but the audit log was not written: " + r.error + "\n";
    }
    result = render_hook(d);
    result.stderr_text = note + result.stderr_text;
  } catch (const std::exception& e) {
    result = HookOutput{2, "", std::string("dbguard blocked this command (rule guard.internal-error).\nWhy: the guard "
                                           "failed while analysing it (") + e.what() +
                                   "); it fails closed.\n"};
    if (!decided) pending.record_failure("guard.internal-error", e.what());
  } catch (...) {
    result = HookOutput{2, "", "dbguard blocked this command (rule guard.internal-error).\n"};
    if (!decided) pending.record_failure("guard.internal-error", "unknown exception");
  }
  if (!result.stdout_text.empty()) std::fputs(result.stdout_text.c_str(), out);
  if (!result.stderr_text.empty()) std::fputs(result.stderr_text.c_str(), err);
  std::fflush(out);
  std::fflush(err);
  return result.exit_code == 0 ? 0 : 2;
}

}  // namespace dbguard::protocol
