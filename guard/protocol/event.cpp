#include "protocol/event.h"

#include <vector>

#include "protocol/event_json.h"

namespace dbguard::protocol {

bool read_all_bounded(std::FILE* in, std::string& out, std::size_t max_bytes) {
  out.clear();
  char buf[65536];
  std::size_t n = std::fread(buf, 1, sizeof buf, in);  // short only at the end of input
  if (n < sizeof buf) {
    out.assign(buf, n);  // most events: one allocation, their size
    return n <= max_bytes;
  }
  // A large event: room for the most that is read at once. Grown by doubling, a
  // 1 MiB event was copied eight times, each copy into fresh pages (most of its
  // page faults), and once more to give back the slack; room not written to is
  // never touched, so it costs no memory.
  out.reserve(max_bytes + sizeof buf);
  do {
    out.append(buf, n);
    if (out.size() > max_bytes) return false;
  } while ((n = std::fread(buf, 1, sizeof buf, in)) > 0);
  return true;
}

bool has_nul_string(const nlohmann::json& j) {
  // Kept between calls: a batch asks for every event (two allocations each otherwise).
  thread_local std::vector<const nlohmann::json*> todo;
  todo.assign(1, &j);
  while (!todo.empty()) {
    const nlohmann::json* n = todo.back();
    todo.pop_back();
    if (n->is_string()) {
      if (n->get_ref<const std::string&>().find('\0') != std::string::npos) return true;
    } else if (n->is_object()) {
      for (auto it = n->begin(); it != n->end(); ++it) {
        if (it.key().find('\0') != std::string::npos) return true;
        todo.push_back(&it.value());
      }
    } else if (n->is_array()) {
      for (const auto& e : *n) todo.push_back(&e);
    }
  }
  return false;
}

EventResult parse_event(const std::string& bytes, bool truncated, bool read_ids, EventReader reader) {
  EventResult r;
  if (truncated) {
    r.error = "the event is larger than " + std::to_string(kMaxEventBytes) + " bytes";
    return r;
  }
  if (bytes.find_first_not_of(" \t\r\n") == std::string::npos) {
    r.error = "stdin is empty (no PreToolUse event)";
    return r;
  }
  EventJson j;
  j.read_ids = read_ids;
  r.error = read_event_json(bytes, j, reader);
  if (!r.error.empty()) return r;
  if (!j.root_is_object) {
    r.error = "the event is not a JSON object";
    return r;
  }
  if (!j.tool_name) {
    r.error = "the event has no string `tool_name`";
    return r;
  }
  r.event.tool_name = std::move(*j.tool_name);
  r.event.tool_input = j.tool_input ? std::move(*j.tool_input) : nlohmann::json::object();
  r.event.cwd = std::move(j.cwd);
  r.event.session_id = std::move(j.session_id);
  r.event.tool_use_id = std::move(j.tool_use_id);
  r.event.hook_event_name = std::move(j.hook_event_name);
  // A NUL byte (\u0000) cannot reach a shell or a database intact: execve and
  // libpq stop at it, bash drops it from a script, libpg_query reads up to it.
  // What would run is then not what the guard reads, so the event is refused.
  bool judged = r.event.tool_name == "Bash" || r.event.tool_name.rfind("mcp__", 0) == 0;
  if (judged && has_nul_string(r.event.tool_input)) {
    r.error = "the tool input contains a NUL byte (\\u0000): what would run cannot be known";
    return r;
  }
  r.ok = true;
  return r;
}

audit::EventFields record_fields(EventResult& ev) {
  return {ev.event.session_id, ev.event.tool_use_id, ev.event.cwd, ev.event.tool_name,
          ev.ok ? std::move(ev.event.tool_input) : nlohmann::json()};
}

}  // namespace dbguard::protocol
