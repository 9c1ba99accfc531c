#include "protocol/failure_record.h"

#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "decision/decision.h"
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

std::string encode_audit_settings(const audit::AuditConfig& config) {
  return nlohmann::json{{"path", config.path},
                        {"key_file", config.key_file},
                        {"required", config.required},
                        {"log_allows", config.log_allows},
                        {"rotate_bytes", config.rotate_bytes}}
      .dump();
}

namespace {

bool decode_audit_settings(const std::string& line, audit::AuditConfig& config) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object()) return false;
  try {
    config.path = j.at("path").get<std::string>();
    config.key_file = j.at("key_file").get<std::string>();
    config.required = j.at("required").get<bool>();
    config.log_allows = j.at("log_allows").get<bool>();
    config.rotate_bytes = j.at("rotate_bytes").get<std::uint64_t>();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  return !config.path.empty();
}

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
  read_all_bounded(in, input, kMaxEventBytes + (64u << 10));
  std::size_t eol = input.find('\n');
  audit::AuditConfig config;
  bool have_config = eol != std::string::npos && decode_audit_settings(input.substr(0, eol), config);
  audit::EventFields event;
  if (eol != std::string::npos && eol + 1 < input.size()) {
    bool complete = input[eol + 1] == 'c';
    EventResult ev = parse_event(input.substr(eol + 2), !complete);
    event = {ev.event.session_id, ev.event.tool_use_id, ev.event.cwd, ev.event.tool_name,
             ev.ok ? std::move(ev.event.tool_input) : nlohmann::json()};
  }
  record_failure(have_config ? &config : nullptr, event, "guard.timeout", "analysis exceeded the time budget");
  ::_exit(2);
}

}  // namespace dbguard::protocol
