#include "protocol/event.h"

namespace dbguard::protocol {

bool read_all_bounded(std::FILE* in, std::string& out, std::size_t max_bytes) {
  out.clear();
  char buf[65536];
  while (true) {
    std::size_t n = std::fread(buf, 1, sizeof buf, in);
    if (n == 0) break;
    out.append(buf, n);
    if (out.size() > max_bytes) return false;
  }
  return true;
}

EventResult parse_event(const std::string& bytes, bool truncated) {
  EventResult r;
  if (truncated) {
    r.error = "the event is larger than " + std::to_string(kMaxEventBytes) + " bytes";
    return r;
  }
  if (bytes.find_first_not_of(" \t\r\n") == std::string::npos) {
    r.error = "stdin is empty (no PreToolUse event)";
    return r;
  }
  nlohmann::json j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded()) {
    r.error = "stdin is not valid JSON";
    return r;
  }
  if (!j.is_object()) {
    r.error = "the event is not a JSON object";
    return r;
  }
  if (!j.contains("tool_name") || !j["tool_name"].is_string()) {
    r.error = "the event has no string `tool_name`";
    return r;
  }
  r.event.tool_name = j["tool_name"].get<std::string>();
  r.event.tool_input = j.contains("tool_input") ? j["tool_input"] : nlohmann::json::object();
  auto str = [&](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  r.event.cwd = str("cwd");
  r.event.session_id = str("session_id");
  r.event.tool_use_id = str("tool_use_id");
  r.event.hook_event_name = str("hook_event_name");
  r.ok = true;
  return r;
}

}  // namespace dbguard::protocol
