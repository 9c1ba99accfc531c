#include "packs/pack_loader.h"

#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <toml++/toml.h>

namespace dbguard::packs {
namespace {

std::string where(const std::string& path, const toml::node& n) {
  return path + ":" + std::to_string(n.source().begin.line);
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

bool string_list(const toml::table& t, const char* key, std::vector<std::string>& out, const std::string& ctx,
                 std::vector<std::string>& errors) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  const toml::array* arr = n->as_array();
  if (!arr) {
    errors.push_back(ctx + ": `" + key + "` must be an array of strings");
    return false;
  }
  for (const auto& e : *arr) {
    auto s = e.value<std::string>();
    if (!s) {
      errors.push_back(ctx + ": `" + key + "` must hold only strings");
      return false;
    }
    out.push_back(*s);
  }
  return true;
}

}  // namespace

std::string expand_macros(const std::string& pattern) {
  std::string s = pattern;
  replace_all(s, "{args}", "(?: [^ ]*)*");
  replace_all(s, "{end}", "(?: |$)");
  replace_all(s, "{opts}", "(?: -[^ ]*)*");
  replace_all(s, "{dyn}", "\\x1e[^ ]*");
  return s;
}

const std::vector<std::string>& required_builtin_ids() {
  static const std::vector<std::string> ids = {
      "guard.malformed-event", "guard.no-command",      "guard.internal-error",   "guard.timeout",
      "guard.opaque-input",    "guard.dynamic-program", "guard.unresolvable-eval", "guard.sql-file-unreadable",
      "guard.depth-exceeded",  "guard.unparseable",     "guard.dynamic-argument",     "guard.too-complex",      "guard.unreadable-script",
      "production.target",     "guard.self-protection", "guard.policy-invalid",   "guard.audit-unavailable"};
  return ids;
}

bool load_pack_file(const std::string& path, PackSet& out, std::vector<std::string>& errors) {
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    errors.push_back(path + ":" + std::to_string(e.source().begin.line) + ": invalid TOML: " +
                     std::string(e.description()));
    return false;
  }
  std::size_t before = errors.size();
  const toml::table* pack = doc["pack"].as_table();
  if (!pack || !(*pack)["id"].value<std::string>()) {
    errors.push_back(path + ": missing [pack] table with an `id`");
    return false;
  }
  std::string pack_id = *(*pack)["id"].value<std::string>();
  if (const toml::table* settings = doc["settings"].as_table()) {
    for (const auto& [key, value] : *settings) {
      std::vector<std::string> list;
      toml::table one;
      one.insert(key, value);
      if (string_list(one, std::string(key.str()).c_str(), list, where(path, value), errors)) {
        std::vector<std::string_view> views;
        for (auto& item : list) views.push_back(out.keep(std::move(item)));
        out.add_setting(key.str(), views);
      }
    }
  }
  const toml::array* rules = doc["rule"].as_array();
  if (!rules) {
    errors.push_back(path + ": pack `" + pack_id + "` has no [[rule]] entries");
    return false;
  }
  for (const auto& node : *rules) {
    const toml::table* t = node.as_table();
    if (!t) {
      errors.push_back(where(path, node) + ": [[rule]] must be a table");
      continue;
    }
    Rule r;
    r.pack = out.keep(pack_id);
    r.file = out.keep(path);
    r.id = out.keep((*t)["id"].value_or(std::string()));
    std::string ctx = where(path, node) + ": rule `" + std::string(r.id) + "`";
    if (r.id.empty()) {
      errors.push_back(where(path, node) + ": rule without an `id`");
      continue;
    }
    if (!r.id.starts_with(pack_id + ".")) errors.push_back(ctx + ": id must start with `" + pack_id + ".`");
    static const std::set<std::string> known = {"id", "kind", "severity", "description", "why", "alternative",
                                                "patterns", "unless", "requires", "sql_kind", "caseless",
                                                "when_stdin", "when_dynamic"};
    for (const auto& [key, value] : *t)
      if (!known.count(std::string(key.str())))
        errors.push_back(where(path, value) + ": rule `" + std::string(r.id) + "`: unknown key `" +
                         std::string(key.str()) + "`");
    r.description = out.keep((*t)["description"].value_or(std::string()));
    r.why = out.keep((*t)["why"].value_or(std::string()));
    r.alternative = out.keep((*t)["alternative"].value_or(std::string()));
    r.caseless = (*t)["caseless"].value_or(false);
    r.sql_kind = out.keep((*t)["sql_kind"].value_or(std::string()));
    std::string kind = (*t)["kind"].value_or(std::string("command"));
    if (kind == "command") r.kind = RuleKind::Command;
    else if (kind == "marker") r.kind = RuleKind::Marker;
    else if (kind == "sql") r.kind = RuleKind::Sql;
    else if (kind == "builtin") r.kind = RuleKind::Builtin;
    else errors.push_back(ctx + ": kind must be command, marker, sql or builtin, not `" + kind + "`");
    std::string severity = (*t)["severity"].value_or(std::string("deny"));
    if (severity == "deny") r.severity = Severity::Deny;
    else if (severity == "hard") r.severity = Severity::Hard;
    else errors.push_back(ctx + ": severity must be deny or hard, not `" + severity + "`");
    std::string when_stdin = (*t)["when_stdin"].value_or(std::string());
    if (when_stdin == "fed") r.needs_fed_stdin = true;
    else if (!when_stdin.empty()) errors.push_back(ctx + ": when_stdin must be \"fed\"");
    std::string when_dynamic = (*t)["when_dynamic"].value_or(std::string());
    if (when_dynamic == "many") r.needs_many_dynamic = true;
    else if (!when_dynamic.empty()) errors.push_back(ctx + ": when_dynamic must be \"many\"");
    std::string requires_ = (*t)["requires"].value_or(std::string());
    if (requires_ == "production") r.requires_production = true;
    else if (!requires_.empty()) errors.push_back(ctx + ": requires must be \"production\"");
    if (r.description.empty()) errors.push_back(ctx + ": missing `description`");
    if (r.kind != RuleKind::Marker && r.why.empty()) errors.push_back(ctx + ": missing `why`");
    if (r.kind != RuleKind::Marker && r.alternative.empty()) errors.push_back(ctx + ": missing `alternative`");
    auto expanded_list = [&](const char* key) {
      std::vector<std::string> raw;
      string_list(*t, key, raw, ctx, errors);
      std::vector<std::string_view> views;
      for (auto& p : raw) views.push_back(out.keep(expand_macros(p)));
      return out.keep_list(std::move(views));
    };
    r.patterns = expanded_list("patterns");
    r.unless = expanded_list("unless");
    bool needs_patterns = r.kind == RuleKind::Command || r.kind == RuleKind::Marker;
    if (needs_patterns && r.patterns.empty()) errors.push_back(ctx + ": needs at least one pattern");
    if (!needs_patterns && !r.patterns.empty()) errors.push_back(ctx + ": a " + kind + " rule takes no patterns");
    if (r.kind == RuleKind::Sql && r.sql_kind.empty()) errors.push_back(ctx + ": sql rules need `sql_kind`");
    out.rules.push_back(std::move(r));
  }
  return errors.size() == before;
}

bool load_pack_dir(const std::string& dir, PackSet& out, std::vector<std::string>& errors) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") files.push_back(e.path().string());
  if (ec) {
    errors.push_back(dir + ": " + ec.message());
    return false;
  }
  std::sort(files.begin(), files.end());
  bool ok = true;
  for (const auto& f : files) ok = load_pack_file(f, out, errors) && ok;
  return ok;
}

bool validate(const PackSet& packs, std::vector<std::string>& errors) {
  std::size_t before = errors.size();
  std::set<std::string> ids;
  for (const auto& r : packs.rules) {
    const std::string id(r.id), file(r.file);
    if (!ids.insert(id).second) errors.push_back("rule `" + id + "` is defined twice");
    for (const auto& view : r.patterns) {
      const std::string p(view);  // hs_compile takes a NUL-terminated string
      hs_database_t* db = nullptr;
      hs_compile_error_t* err = nullptr;
      unsigned flags = HS_FLAG_SINGLEMATCH | HS_FLAG_MULTILINE | (r.caseless ? HS_FLAG_CASELESS : 0);
      if (hs_compile(p.c_str(), flags, HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
        errors.push_back(file + ": rule `" + id + "`: pattern does not compile (" +
                         std::string(err ? err->message : "?") + "): " + p);
        hs_free_compile_error(err);
      }
      hs_free_database(db);
    }
    for (const auto& u : r.unless) {
      RE2 re(u, RE2::Quiet);
      if (!re.ok()) errors.push_back(file + ": rule `" + id + "`: `unless` does not compile: " + re.error());
    }
  }
  for (const auto& id : required_builtin_ids())
    if (!ids.count(id)) errors.push_back("required rule `" + id + "` is not defined by any pack");
  for (const char* k : {"drop", "truncate", "delete-all", "update-all", "drop-column", "drop-owned"})
    if (!packs.find_sql(k)) errors.push_back(std::string("no sql rule handles sql_kind `") + k + "`");
  return errors.size() == before;
}

}  // namespace dbguard::packs
