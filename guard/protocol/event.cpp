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
  // Pointer input: the same parser, about a fifth faster than std::string iterators.
  nlohmann::json j = nlohmann::json::parse(bytes.data(), bytes.data() + bytes.size(), nullptr, false);
  if (j.is_discarded()) {
    r.error = "stdin is not valid JSON";
    return r;
  }
  if (!j.is_object()) {
    r.error = "the event is not a JSON object";
    return r;
  }
  auto name = j.find("tool_name");
  if (name == j.end() || !name->is_string()) {
    r.error = "the event has no string `tool_name`";
    return r;
  }
  r.event.tool_name = std::move(name->get_ref<std::string&>());
  auto input = j.find("tool_input");
  r.event.tool_input = input != j.end() ? std::move(*input) : nlohmann::json::object();
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? std::move(it->get_ref<std::string&>()) : std::string();
  };
  r.event.cwd = str("cwd");
  r.event.session_id = str("session_id");
  r.event.tool_use_id = str("tool_use_id");
  r.event.hook_event_name = str("hook_event_name");
  r.ok = true;
  return r;
}

}  // namespace dbguard::protocol
