#include "policy/merge.h"

#include <cstdlib>

namespace dbguard::policy {
namespace {

Action parse_action(const std::string& s) {
  if (s == "allow") return Action::Allow;
  if (s == "ask") return Action::Ask;
  return Action::Deny;
}

void reject(Policy& p, const Origin& o, const std::string& key, const std::string& message) {
  p.rejected.push_back({o.file, o.line, key, message});
}

}  // namespace

bool is_floor_rule(const packs::Rule& rule) {
  return rule.severity == packs::Severity::Hard || rule.id.rfind("guard.", 0) == 0 ||
         rule.id.rfind("production.", 0) == 0;
}

Policy merge_layers(const std::vector<LayerData>& layers, const packs::PackSet& packs) {
  Policy p;
  // Audit path: managed > DBGUARD_AUDIT_LOG > user > default.
  if (const char* env = std::getenv("DBGUARD_AUDIT_LOG"); env && *env)
    p.audit.path = {env, {Layer::Env, "DBGUARD_AUDIT_LOG", 0}};

  for (const auto& L : layers) {
    bool managed = L.layer == Layer::Managed;
    p.errors.insert(p.errors.end(), L.errors.begin(), L.errors.end());

    // [production]: more markers only ever add protection.
    auto add = [](auto& dst, const auto& src) { dst.insert(dst.end(), src.begin(), src.end()); };
    add(p.production.hosts, L.production.hosts);
    add(p.production.markers, L.production.markers);
    add(p.production.scripts, L.production.scripts);
    add(p.production.databases, L.production.databases);
    add(p.extra_packs, L.extra_packs);

    // [rules]
    for (const auto& [id, written] : L.rules) {
      const packs::Rule* rule = packs.find(id);
      std::string key = "rules." + id;
      if (!rule) {
        p.errors.push_back({written.origin.file, written.origin.line, key, "no rule `" + id + "` exists (see `dbguard patterns list`)"});
        continue;
      }
      Action want = parse_action(written.value);
      if (is_floor_rule(*rule) && want != Action::Deny) {
        reject(p, written.origin, key,
               "`" + id + "` is a hard rule (or one of the guard's own): no policy can soften it; it stays " +
                   (rule->severity == packs::Severity::Hard ? "hard" : "deny"));
        continue;
      }
      Action current = p.action_for(id);
      if (!managed && want < current) {
        reject(p, written.origin, key,
               "only the managed policy may soften a rule; " + std::string(to_string(L.layer)) +
                   " files can only make it stricter (it stays " + to_string(current) + ")");
        continue;
      }
      p.rules[id] = {want, written.origin};
    }

    // [[allow]]: removes protection, so managed only.
    for (const auto& a : L.allow) {
      if (!managed) {
        reject(p, a.origin, "allow", "only the managed policy may allow commands; this entry is ignored");
        continue;
      }
      p.allow.push_back(a);
    }

    // [audit]
    if (L.audit_path) {
      if (L.layer == Layer::Project)
        reject(p, L.audit_path->origin, "audit.path", "a project file cannot move the audit log");
      else if (managed || p.audit.path.origin.layer == Layer::Builtin)
        p.audit.path = *L.audit_path;
    }
    if (L.key_file) {
      if (L.layer == Layer::Project)
        reject(p, L.key_file->origin, "audit.key_file", "a project file cannot choose the audit key");
      else if (managed || p.audit.key_file.origin.layer == Layer::Builtin)
        p.audit.key_file = *L.key_file;
    }
    if (L.rotate_bytes) {
      if (L.layer == Layer::Project)
        reject(p, L.rotate_bytes->origin, "audit.rotate_bytes", "a project file cannot change audit rotation");
      else if (managed || p.audit.rotate_bytes.origin.layer == Layer::Builtin)
        p.audit.rotate_bytes = *L.rotate_bytes;
    }
    if (L.required) {
      // Requiring the log adds protection; `false` from any layer leaves it as it was.
      if (L.required->value) p.audit.required = *L.required;
    }
    if (L.log_allows) {
      if (L.log_allows->value) {
        p.audit.log_allows = *L.log_allows;
      } else if (managed) {
        p.audit.log_allows = *L.log_allows;
      } else {
        reject(p, L.log_allows->origin, "audit.log_allows",
               "only the managed policy may stop recording allowed calls");
      }
    }
  }
  return p;
}

}  // namespace dbguard::policy
