#include "install/settings_edit.h"

#include "install/json_spans.h"
#include "support/text.h"

namespace dbguard::install {
namespace {

bool shell_safe(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_@%+=:,./-").find(c) != std::string_view::npos))
      return false;
  return true;
}

std::string quote(const std::string& s) {
  if (shell_safe(s)) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The first shell word of `s` from `p` (quotes removed); `p` moves past it.
std::string shell_word(const std::string& s, std::size_t& p) {
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
  std::string out;
  while (p < s.size() && s[p] != ' ' && s[p] != '\t') {
    char c = s[p];
    if (c == '\'') {
      std::size_t e = s.find('\'', p + 1);
      if (e == std::string::npos) e = s.size();
      out += s.substr(p + 1, e - p - 1);
      p = e + 1;
    } else if (c == '"') {
      ++p;
      while (p < s.size() && s[p] != '"') {
        if (s[p] == '\\' && p + 1 < s.size()) ++p;
        out += s[p++];
      }
      ++p;
    } else if (c == '\\' && p + 1 < s.size()) {
      out += s[p + 1];
      p += 2;
    } else {
      out += c;
      ++p;
    }
  }
  return out;
}

std::size_t child_start(const JsonSpan& c, std::size_t i) {
  return c.kind == JsonSpan::Kind::Object ? c.members[i].key_begin : c.elements[i].begin;
}
std::size_t child_end(const JsonSpan& c, std::size_t i) {
  return c.kind == JsonSpan::Kind::Object ? c.members[i].value.end : c.elements[i].end;
}
std::size_t child_count(const JsonSpan& c) {
  return c.kind == JsonSpan::Kind::Object ? c.members.size() : c.elements.size();
}

// Removes child `i` of a container and exactly one separator next to it.
void remove_child(std::string& text, const JsonSpan& c, std::size_t i) {
  std::size_t n = child_count(c);
  if (n == 1) {
    text.erase(c.begin + 1, c.end - 1 - (c.begin + 1));
  } else if (i > 0) {
    text.erase(child_end(c, i - 1), child_end(c, i) - child_end(c, i - 1));
  } else {
    text.erase(child_start(c, 0), child_start(c, 1) - child_start(c, 0));
  }
}

// The whitespace that starts the line holding position `p`.
std::string line_indent(const std::string& text, std::size_t p) {
  std::size_t line = text.rfind('\n', p == 0 ? 0 : p - 1);
  line = line == std::string::npos ? 0 : line + 1;
  std::size_t e = line;
  while (e < text.size() && (text[e] == ' ' || text[e] == '\t')) ++e;
  return text.substr(line, e - line);
}

// The indentation one level adds, as the file writes it ("" when it is on one line).
std::string indent_unit(const std::string& text, const JsonSpan& root) {
  if (root.members.empty()) return "  ";
  std::size_t k = root.members.front().key_begin;
  std::size_t nl = text.rfind('\n', k);
  if (nl == std::string::npos || nl < root.begin) return "";
  std::string unit = text.substr(nl + 1, k - nl - 1);
  return unit.empty() ? "  " : unit;
}

// `value` rendered for a place whose line starts with `base` indentation.
std::string render(const nlohmann::ordered_json& value, const std::string& base, const std::string& unit) {
  if (unit.empty()) return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string s = value.dump(static_cast<int>(unit.size()), unit[0], false, nlohmann::json::error_handler_t::replace);
  std::string out;
  for (char c : s) {
    out += c;
    if (c == '\n') out += base;
  }
  return out;
}

// Inserts `item(indent)` as the last child of container `c`.
template <typename Item>
void append_child(std::string& text, const JsonSpan& c, const std::string& unit, Item item) {
  std::size_t n = child_count(c);
  if (n == 0) {
    if (unit.empty()) {
      text.replace(c.begin + 1, c.end - 1 - (c.begin + 1), item(std::string()));
    } else {
      std::string outer = line_indent(text, c.begin);
      text.replace(c.begin + 1, c.end - 1 - (c.begin + 1), "\n" + outer + unit + item(outer + unit) + "\n" + outer);
    }
    return;
  }
  std::size_t start = child_start(c, n - 1);
  std::size_t p = start;
  while (p > 0 && (text[p - 1] == ' ' || text[p - 1] == '\t')) --p;
  bool own_line = p > 0 && text[p - 1] == '\n';
  std::string indent = text.substr(p, start - p);
  std::string ins = own_line ? ",\n" + indent + item(indent) : ", " + item(std::string());
  text.insert(child_end(c, n - 1), ins);
}

nlohmann::ordered_json entry(const HookSpec& spec) {
  nlohmann::ordered_json hook = {{"type", "command"}, {"command", hook_command(spec.binary)}, {"timeout", spec.timeout}};
  return {{"matcher", spec.matcher}, {"hooks", nlohmann::ordered_json::array({hook})}};
}

bool is_ours(const JsonSpan& hook) {
  if (hook.kind != JsonSpan::Kind::Object) return false;
  const JsonSpan* cmd = hook.get("command");
  return cmd && cmd->kind == JsonSpan::Kind::String && is_dbguard_hook(cmd->str);
}

// Removes the first dbguard hook found; false when there is none.
bool remove_one(std::string& text, std::string& error) {
  JsonSpan root;
  if (!parse_spans(text, root, error)) return false;
  const JsonSpan* hooks = root.kind == JsonSpan::Kind::Object ? root.get("hooks") : nullptr;
  if (!hooks || hooks->kind != JsonSpan::Kind::Object) return false;
  const JsonSpan* pre = hooks->get("PreToolUse");
  if (!pre || pre->kind != JsonSpan::Kind::Array) return false;
  for (std::size_t g = 0; g < pre->elements.size(); ++g) {
    const JsonSpan& group = pre->elements[g];
    const JsonSpan* list = group.kind == JsonSpan::Kind::Object ? group.get("hooks") : nullptr;
    if (!list || list->kind != JsonSpan::Kind::Array) continue;
    std::size_t ours = 0, first = std::string::npos;
    for (std::size_t h = 0; h < list->elements.size(); ++h)
      if (is_ours(list->elements[h])) {
        ++ours;
        if (first == std::string::npos) first = h;
      }
    if (!ours) continue;
    if (ours < list->elements.size()) {
      remove_child(text, *list, first);  // the group has other hooks: take ours only
      return true;
    }
    // The whole group is ours; if it was the last, the containers we created go too.
    if (pre->elements.size() > 1) {
      remove_child(text, *pre, g);
    } else if (hooks->members.size() > 1) {
      remove_child(text, *hooks, hooks->index_of("PreToolUse"));
    } else {
      remove_child(text, root, root.index_of("hooks"));
    }
    return true;
  }
  return false;
}

bool installed_exactly(const nlohmann::json& doc, const HookSpec& spec) {
  auto found = find_hooks(doc);
  if (found.size() != 1) return false;
  if (found[0].matcher != spec.matcher || found[0].command != hook_command(spec.binary) ||
      found[0].timeout != nlohmann::json(spec.timeout))
    return false;
  // …and alone in its group, as we write it
  for (const auto& g : doc["hooks"]["PreToolUse"])
    if (g.is_object() && g.value("matcher", "") == spec.matcher && g.contains("hooks") && g["hooks"].is_array())
      for (const auto& h : g["hooks"])
        if (h.is_object() && h.value("command", "") == found[0].command) return g["hooks"].size() == 1 && g.size() == 2;
  return false;
}

}  // namespace

std::string hook_command(const std::string& binary) { return quote(binary) + " hook || exit 2"; }

std::string hook_program(const std::string& command) {
  std::size_t p = 0;
  return shell_word(command, p);
}

bool is_dbguard_hook(const std::string& command) {
  std::size_t p = 0;
  std::string prog = shell_word(command, p);
  std::string sub = shell_word(command, p);
  return basename_of(prog) == "dbguard" && sub == "hook";
}

bool is_fail_closed(const std::string& command) {
  std::size_t p = 0;
  shell_word(command, p);
  std::string rest = command.substr(std::min(p, command.size()));
  std::string squeezed;
  for (char c : rest)
    if (c != ' ' && c != '\t') squeezed += c;
  return squeezed == "hook||exit2";
}

std::vector<FoundHook> find_hooks(const nlohmann::json& settings) {
  std::vector<FoundHook> out;
  if (!settings.is_object() || !settings.contains("hooks") || !settings["hooks"].is_object()) return out;
  const auto& hooks = settings["hooks"];
  if (!hooks.contains("PreToolUse") || !hooks["PreToolUse"].is_array()) return out;
  for (const auto& g : hooks["PreToolUse"]) {
    if (!g.is_object() || !g.contains("hooks") || !g["hooks"].is_array()) continue;
    std::string matcher = g.contains("matcher") && g["matcher"].is_string() ? g["matcher"].get<std::string>() : "";
    for (const auto& h : g["hooks"])
      if (h.is_object() && h.contains("command") && h["command"].is_string() &&
          is_dbguard_hook(h["command"].get<std::string>()))
        out.push_back({matcher, h["command"].get<std::string>(), h.contains("timeout") ? h["timeout"] : nlohmann::json()});
  }
  return out;
}

EditResult uninstall_from(const std::string& original) {
  EditResult r;
  r.text = original;
  if (original.find_first_not_of(" \t\r\n") == std::string::npos) {
    r.ok = true;
    return r;
  }
  JsonSpan root;
  if (!parse_spans(original, root, r.error)) {
    r.error = "the settings file is not valid JSON (" + r.error + ")";
    return r;
  }
  for (int guard = 0; guard < 1000; ++guard) {
    std::string error;
    if (!remove_one(r.text, error)) break;
    r.changed = true;
  }
  r.ok = true;
  return r;
}

EditResult install_into(const std::string& original, const HookSpec& spec) {
  EditResult r;
  nlohmann::ordered_json ours = entry(spec);
  if (original.find_first_not_of(" \t\r\n") == std::string::npos) {
    nlohmann::ordered_json doc = {{"hooks", {{"PreToolUse", nlohmann::ordered_json::array({ours})}}}};
    r.text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    r.ok = r.changed = true;
    return r;
  }
  nlohmann::json doc = nlohmann::json::parse(original, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    r.error = "the settings file is not a JSON object; fix it first (nothing was changed)";
    return r;
  }
  if (doc.contains("hooks") && !doc["hooks"].is_object()) {
    r.error = "`hooks` in the settings file is not an object; fix it first (nothing was changed)";
    return r;
  }
  if (doc.contains("hooks") && doc["hooks"].contains("PreToolUse") && !doc["hooks"]["PreToolUse"].is_array()) {
    r.error = "`hooks.PreToolUse` in the settings file is not an array; fix it first (nothing was changed)";
    return r;
  }
  if (installed_exactly(doc, spec)) {
    r.ok = true;
    r.text = original;
    return r;
  }
  // Take out any older dbguard entry (another path, matcher or timeout), then add ours.
  EditResult cleared = uninstall_from(original);
  if (!cleared.ok) return cleared;
  std::string text = cleared.text;
  JsonSpan root;
  if (!parse_spans(text, root, r.error)) return r;
  std::string unit = indent_unit(text, root);
  const JsonSpan* hooks = root.get("hooks");
  const JsonSpan* pre = hooks ? hooks->get("PreToolUse") : nullptr;
  if (!hooks) {
    nlohmann::ordered_json value = {{"PreToolUse", nlohmann::ordered_json::array({ours})}};
    append_child(text, root, unit, [&](const std::string& indent) {
      return std::string("\"hooks\":") + (unit.empty() ? "" : " ") + render(value, indent, unit);
    });
  } else if (!pre) {
    nlohmann::ordered_json value = nlohmann::ordered_json::array({ours});
    append_child(text, *hooks, unit, [&](const std::string& indent) {
      return std::string("\"PreToolUse\":") + (unit.empty() ? "" : " ") + render(value, indent, unit);
    });
  } else {
    append_child(text, *pre, unit, [&](const std::string& indent) { return render(ours, indent, unit); });
  }
  r.ok = r.changed = true;
  r.text = std::move(text);
  return r;
}

}  // namespace dbguard::install
