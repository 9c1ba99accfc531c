#include "policy/show.h"

#include <nlohmann/json.hpp>

namespace dbguard::policy {
namespace {

std::string q(const std::string& s) { return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string files_block(const Context& ctx) {
  std::string out;
  for (const auto& f : ctx.policy.files) {
    std::string label = pad(to_string(f.layer), 8);
    if (f.layer == Layer::Project && f.path.empty()) out += "  " + label + " (no .dbguard.toml from here up)\n";
    else out += "  " + label + " " + f.path + (f.present ? "" : "  (not present)") + "\n";
  }
  return out;
}

}  // namespace

std::string render_show(const Context& ctx) {
  const Policy& p = ctx.policy;
  std::string out = "# dbguard policy in effect (built-in < managed < user < project)\n# files:\n";
  std::string files = files_block(ctx);
  for (std::size_t pos = 0; pos < files.size();) {
    std::size_t nl = files.find('\n', pos);
    out += "#" + files.substr(pos, nl - pos) + "\n";
    pos = nl + 1;
  }
  out += "\n[production]\n";
  auto list = [&](const char* name, const std::vector<Sourced<std::string>>& v) {
    if (v.empty()) {
      out += std::string(name) + " = []  # built-in markers only\n";
      return;
    }
    out += std::string(name) + " = [\n";
    for (const auto& s : v) out += "  " + pad(q(s.value) + ",", 40) + "  # " + s.origin.describe() + "\n";
    out += "]\n";
  };
  list("hosts", p.production.hosts);
  list("markers", p.production.markers);
  list("scripts", p.production.scripts);
  list("databases", p.production.databases);

  out += "\n[rules]  # every other rule: deny (hard rules: hard, always)\n";
  for (const auto& [id, a] : p.rules) out += pad(q(id) + " = " + q(to_string(a.value)), 50) + "  # " + a.origin.describe() + "\n";

  for (const auto& a : p.allow) {
    out += "\n[[allow]]  # " + a.origin.describe() + "\n";
    if (!a.command.empty()) out += "command = " + q(a.command) + "\n";
    else out += "pattern = " + q(a.pattern) + "\n";
    out += "reason = " + q(a.reason) + "\n";
  }

  out += "\n[packs]\n";
  if (p.extra_packs.empty()) out += "extra = []  # the embedded packs only\n";
  else {
    out += "extra = [\n";
    for (const auto& e : p.extra_packs) out += "  " + pad(q(e.value) + ",", 40) + "  # " + e.origin.describe() + "\n";
    out += "]\n";
  }

  out += "\n[audit]\n";
  out += pad("path = " + q(ctx.audit.path), 50) + "  # " +
         (p.audit.path.value.empty() ? "default ($XDG_STATE_HOME or ~/.local/state)" : p.audit.path.origin.describe()) + "\n";
  out += pad("key_file = " + q(ctx.audit.key_file), 50) + "  # " +
         (p.audit.key_file.value.empty() ? "built-in (none: plain SHA-256 chain)" : p.audit.key_file.origin.describe()) + "\n";
  out += pad(std::string("required = ") + (ctx.audit.required ? "true" : "false"), 50) + "  # " + p.audit.required.origin.describe() + "\n";
  out += pad(std::string("log_allows = ") + (ctx.audit.log_allows ? "true" : "false"), 50) + "  # " + p.audit.log_allows.origin.describe() + "\n";
  out += pad("rotate_bytes = " + std::to_string(ctx.audit.rotate_bytes), 50) + "  # " + p.audit.rotate_bytes.origin.describe() + "\n";

  if (!p.rejected.empty()) {
    out += "\n# ignored (they would remove protection):\n";
    for (const auto& r : p.rejected) out += "#   " + r.text() + "\n";
  }
  if (!p.errors.empty()) {
    out += "\n# ERRORS (every call is denied until fixed):\n";
    for (const auto& e : p.errors) out += "#   " + e.text() + "\n";
  }
  return out;
}

std::string render_validate(const Context& ctx, bool& ok) {
  const Policy& p = ctx.policy;
  std::string out = "policy files:\n" + files_block(ctx);
  for (const auto& e : p.errors) out += "error: " + e.text() + "\n";
  for (const auto& r : p.rejected) out += "rejected: " + r.text() + "\n";
  ok = p.errors.empty() && p.rejected.empty();
  if (!p.errors.empty())
    out += "invalid: the hook denies every call until this is fixed\n";
  else if (!p.rejected.empty())
    out += "valid, but " + std::to_string(p.rejected.size()) + " entr" + (p.rejected.size() == 1 ? "y is" : "ies are") +
           " ignored (only the managed policy may remove protection; hard rules stay hard)\n";
  else
    out += "valid\n";
  return out;
}

}  // namespace dbguard::policy
