#include "protocol/hook_runner.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "decision/engine.h"
#include "protocol/hook_output.h"

namespace dbguard::protocol {
namespace {

// Ends the process with a deny if the decision is not made within the budget.
// A watchdog thread (not a cooperative check) so that no stage, however stuck,
// can outlive the budget and let Claude Code time the hook out (which runs the command).
class Watchdog {
 public:
  explicit Watchdog(int budget_ms) : thread_([this, budget_ms] { watch(budget_ms); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(m_);
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

 private:
  void watch(int budget_ms) {
    std::unique_lock<std::mutex> lock(m_);
    if (cv_.wait_for(lock, std::chrono::milliseconds(budget_ms), [this] { return done_; })) return;
    static const char msg[] =
        "dbguard blocked this command (rule guard.timeout).\n"
        "Why: analysing the call took longer than the guard's time budget, so it could not be checked. "
        "The guard fails closed: what it cannot analyse, it blocks.\n"
        "Instead: split the command into smaller, simpler commands.\n";
    ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    ::_exit(2);
  }

  std::mutex m_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

int time_budget_ms() {
  // Sanitizer and valgrind runs are slower; the budget may be raised, never removed.
  if (const char* v = std::getenv("DBGUARD_TIME_BUDGET_MS")) {
    int n = std::atoi(v);
    if (n >= 10 && n <= 5000) return n;
  }
  return kTimeBudgetMs;
}

Decision decide_event_bytes(const std::string& bytes, bool truncated) {
  const Engine& engine = Engine::embedded();
  EventResult ev = parse_event(bytes, truncated);
  if (!ev.ok) return engine.fail_closed("guard.malformed-event", "", ev.error);
  return engine.decide_tool(ev.event.tool_name, ev.event.tool_input, ev.event.cwd);
}

int run_hook(std::FILE* in, std::FILE* out, std::FILE* err) {
  HookOutput result;
  try {
    Watchdog watchdog(time_budget_ms());
    std::string bytes;
    bool complete = read_all_bounded(in, bytes, kMaxEventBytes);
    result = render_hook(decide_event_bytes(bytes, !complete));
  } catch (const std::exception& e) {
    result = HookOutput{2, "", std::string("dbguard blocked this command (rule guard.internal-error).\nWhy: the guard "
                                           "failed while analysing it (") + e.what() +
                                   "); it fails closed.\n"};
  } catch (...) {
    result = HookOutput{2, "", "dbguard blocked this command (rule guard.internal-error).\n"};
  }
  if (!result.stdout_text.empty()) std::fputs(result.stdout_text.c_str(), out);
  if (!result.stderr_text.empty()) std::fputs(result.stderr_text.c_str(), err);
  std::fflush(out);
  std::fflush(err);
  return result.exit_code == 0 ? 0 : 2;
}

}  // namespace dbguard::protocol
