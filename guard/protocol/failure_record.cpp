#include "protocol/failure_record.h"

#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "decision/decision.h"
#include "policy/context.h"
#include "protocol/event.h"
#include "protocol/hook_runner.h"

namespace dbguard::protocol {

void record_failure(const audit::AuditConfig* config, const audit::EventFields& event, const std::string& rule,
                    const std::string& detail) {
  try {
    audit::AuditConfig cfg;
    if (config) cfg = *config;
    else cfg.path = audit::default_audit_path();
    Decision d;
    d.verdict = Verdict::Deny;
    d.findings.push_back({rule, false, "", detail, "hook", ""});
    d.reason = "dbguard blocked this command (rule " + rule + "): " + detail + ".";
    audit::append_record(cfg, audit::build_record(event, d), 1000);
  } catch (...) {
  }
}

namespace {

extern "C" void give_up(int) { ::_exit(2); }

}  // namespace

void record_handed_over_timeout(std::FILE* in) {
  // Started from the hook's signal handler, this image inherits its blocked
  // signals: unblock the one of its own bound, which ends in exit 2 too.
  struct sigaction sa {};
  sa.sa_handler = give_up;
  ::sigaction(SIGALRM, &sa, nullptr);
  ::signal(SIGPROF, SIG_IGN);
  sigset_t alarm;
  sigemptyset(&alarm);
  sigaddset(&alarm, SIGALRM);
  ::sigprocmask(SIG_UNBLOCK, &alarm, nullptr);
  itimerval cap{};
  cap.it_value.tv_sec = kWallCapMs / 1000;
  cap.it_value.tv_usec = (kWallCapMs % 1000) * 1000;
  ::setitimer(ITIMER_REAL, &cap, nullptr);

  std::string input;
  read_all_bounded(in, input, kMaxEventBytes + 1);
  audit::EventFields event;
  if (!input.empty()) {
    EventResult ev = parse_event(input.substr(1), input[0] != 'c');
    event = record_fields(ev);
  }
  audit::AuditConfig config = policy::audit_config_for(event.cwd);
  record_failure(&config, event, "guard.timeout", "analysis exceeded the time budget");
  ::_exit(2);
}

}  // namespace dbguard::protocol
