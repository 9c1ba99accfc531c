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

namespace {

// Appends a deny for `rule` about the call `call` (audit::call_fields) describes.
void append_failure(const audit::AuditConfig* config, nlohmann::json call, const std::string& rule,
                    const std::string& detail) {
  try {
    audit::AuditConfig cfg;
    if (config) cfg = *config;
    else cfg.path = audit::default_audit_path();
    Decision d;
    d.verdict = Verdict::Deny;
    d.findings.push_back({rule, false, "", detail, "hook", ""});
    d.reason = "dbguard blocked this command (rule " + rule + "): " + detail + ".";
    audit::append_record(cfg, audit::build_record(std::move(call), d), 1000);
  } catch (...) {
  }
}

// The call's fields as the hook handed them over: only the record's own members,
// strings each; anything else (a decision, rules) is dropped, not recorded. Read
// one level deep: nothing nested is kept, so nothing nested is built.
nlohmann::json handed_call_fields(std::string_view text) {
  nlohmann::json::parser_callback_t top_level_only = [](int depth, nlohmann::json::parse_event_t,
                                                        nlohmann::json&) { return depth <= 1; };
  nlohmann::json handed = nlohmann::json::parse(text, top_level_only, false);
  nlohmann::json call = audit::call_fields({});
  if (!handed.is_object()) return call;
  for (auto& [key, value] : handed.items())
    if (audit::is_call_field(key) && value.is_string()) call[key] = std::move(value);
  return call;
}

}  // namespace

void record_failure(const audit::AuditConfig* config, const audit::EventFields& event, const std::string& rule,
                    const std::string& detail) {
  try {
    append_failure(config, audit::call_fields(event), rule, detail);
  } catch (...) {  // best effort, as append_failure is
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
  nlohmann::json call;
  try {
    if (!input.empty() && input[0] == 'f') {
      call = handed_call_fields(std::string_view(input).substr(1));
    } else {
      audit::EventFields event;
      if (!input.empty()) {
        EventResult ev = parse_event(input.substr(1), input[0] != 'c');
        event = record_fields(ev);
      }
      call = audit::call_fields(event);
    }
  } catch (...) {
    call = audit::call_fields({});
  }
  audit::AuditConfig config = policy::audit_config_for(call["cwd"].get<std::string>());
  append_failure(&config, std::move(call), "guard.timeout", "analysis exceeded the time budget");
  ::_exit(2);
}

}  // namespace dbguard::protocol
