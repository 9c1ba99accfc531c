#include "audit/record.h"

#include <chrono>
#include <cstdio>

#include "audit/redact.h"

#ifndef DBGUARD_VERSION
#define DBGUARD_VERSION "0.0.0"
#endif

namespace dbguard::audit {
namespace {

// `unread`: bytes after `s` that were never part of it (see redact_cut).
std::string cut(std::string s, std::size_t max, std::size_t unread = 0) {
  if (s.size() <= max && unread == 0) return s;
  std::size_t dropped = (s.size() > max ? s.size() - max : 0) + unread;
  if (s.size() > max) {
    s.resize(max);
    // do not end inside a UTF-8 sequence
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0x80)) s.pop_back();
  }
  return s + "…[" + std::to_string(dropped) + " more bytes]";
}

// Redacted and cut to `max`: only what the record keeps is scanned, with a margin
// so that a secret crossing the cut is still seen whole (a 1 MiB command: 80 KiB
// scanned, not all of it).
std::string redact_cut(std::string_view text, std::size_t max) {
  constexpr std::size_t kMargin = 64 * 1024;
  if (text.size() <= max + kMargin) return cut(redact(text), max);
  return cut(redact(text.substr(0, max + kMargin)), max, text.size() - (max + kMargin));
}

// Long string fields (file contents, edits) are shortened: the record says
// what the call was, not everything it carried.
nlohmann::json shorten(const nlohmann::json& v) {
  if (v.is_string()) return cut(v.get<std::string>(), 512);
  if (v.is_array() || v.is_object()) {
    nlohmann::json out = v.is_array() ? nlohmann::json::array() : nlohmann::json::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (v.is_array()) out.push_back(shorten(*it));
      else out[it.key()] = shorten(it.value());
    }
    return out;
  }
  return v;
}

}  // namespace

std::string now_rfc3339() {
  return rfc3339_utc(std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()));
}

std::string rfc3339_utc(std::chrono::sys_time<std::chrono::microseconds> t) {
  // Calendar arithmetic only: gmtime_r and strftime load the time zone
  // database (/etc/localtime) first, seven system calls on every hook call.
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<microseconds> hms{t - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lld.%06lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()), static_cast<long long>(hms.subseconds().count()));
  return buf;
}

nlohmann::json call_fields(const EventFields& event) {
  nlohmann::json r = nlohmann::json::object();
  r["session_id"] = event.session_id;
  r["tool_use_id"] = event.tool_use_id;
  r["cwd"] = event.cwd;
  r["tool"] = event.tool;
  const auto& in = event.tool_input;
  if (event.tool == "Bash" && in.is_object() && in.contains("command") && in["command"].is_string()) {
    r["command"] = redact_cut(in["command"].get_ref<const std::string&>(), kMaxCommandBytes);
  } else if (!in.is_null()) {
    if (event.tool.rfind("mcp__", 0) == 0 && in.is_object()) {
      for (const char* k : {"sql", "query", "statement", "statements", "sql_query"})
        if (in.contains(k) && in[k].is_string()) {
          r["sql"] = redact_cut(in[k].get_ref<const std::string&>(), kMaxCommandBytes);
          break;
        }
    }
    r["input"] = cut(shorten(redact_json(in)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                     kMaxCommandBytes);
  }
  return r;
}

bool is_call_field(std::string_view name) {
  for (std::string_view f : {"session_id", "tool_use_id", "cwd", "tool", "command", "sql", "input"})
    if (name == f) return true;
  return false;
}

nlohmann::json build_record(const EventFields& event, const Decision& decision) {
  return build_record(call_fields(event), decision);
}

nlohmann::json build_record(nlohmann::json call, const Decision& decision) {
  nlohmann::json r = std::move(call);
  r["time"] = now_rfc3339();
  r["decision"] = to_string(decision.verdict);
  r["hard"] = decision.hard;
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& f : decision.findings)
    if (std::find(rules.begin(), rules.end(), f.rule) == rules.end()) rules.push_back(f.rule);
  r["rules"] = rules;
  r["reason"] = cut(redact(decision.reason), kMaxReasonBytes);
  if (!decision.policy.empty()) r["policy"] = decision.policy;
  r["version"] = DBGUARD_VERSION;
  return r;
}

}  // namespace dbguard::audit
