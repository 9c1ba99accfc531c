#include "policy/context.h"

#include <sys/stat.h>

#include <map>
#include <mutex>

#include "decision/reason.h"
#include "packs/embedded.h"
#include "policy/custom_packs.h"
#include "policy/merge.h"
#include "policy/paths.h"
#include "policy/policy_file.h"

namespace dbguard::policy {
namespace {

bool is_file(const std::string& path) {
  struct stat st {};
  return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

// Engines with custom packs live for the whole process (an Engine refers to its packs).
struct CustomEngine {
  packs::PackSet packs;
  std::unique_ptr<Engine> engine;
};

std::mutex engines_mutex;
std::map<std::string, std::unique_ptr<CustomEngine>>& engines() {
  static std::map<std::string, std::unique_ptr<CustomEngine>> m;
  return m;
}

Decision deny_with(const Engine& engine, const std::string& rule, const std::string& segment,
                   const std::string& detail, const std::string& source) {
  Decision d;
  d.verdict = Verdict::Deny;
  d.findings.push_back({rule, false, segment, detail, source, ""});
  d.reason = render_reason(d, engine.packs());
  return d;
}

// The policy layers for `paths`, managed → project, and the parsed ones present.
std::vector<Policy::File> layer_files(const PolicyPaths& paths) {
  return {{Layer::Managed, paths.managed, is_file(paths.managed)},
          {Layer::User, paths.user, is_file(paths.user)},
          {Layer::Project, paths.project, !paths.project.empty()}};
}
std::vector<LayerData> parse_layers(const std::vector<Policy::File>& files) {
  std::vector<LayerData> layers;
  for (const auto& f : files)
    if (f.present) layers.push_back(parse_policy_file(f.path, f.layer));
  return layers;
}

// Audit settings, the default path filled in.
audit::AuditConfig audit_settings(const Policy& policy) {
  const auto& a = policy.audit;
  audit::AuditConfig c;
  c.path = a.path.value.empty() ? audit::default_audit_path() : a.path.value;
  c.key_file = a.key_file.value;
  c.required = a.required.value;
  c.log_allows = a.log_allows.value;
  c.rotate_bytes = a.rotate_bytes.value;
  return c;
}

}  // namespace

std::shared_ptr<const Context> load_context(const std::string& cwd, const std::function<void()>& before_compile) {
  auto ctx = std::make_shared<Context>();
  ctx->engine = &Engine::embedded();
  PolicyPaths paths = policy_paths(cwd);
  ctx->policy.files = layer_files(paths);
  std::vector<LayerData> layers = parse_layers(ctx->policy.files);

  std::vector<Sourced<std::string>> extra;
  for (const auto& l : layers) extra.insert(extra.end(), l.extra_packs.begin(), l.extra_packs.end());
  if (extra.empty()) {
    auto files = std::move(ctx->policy.files);
    ctx->policy = merge_layers(layers, packs::embedded_packs());
    ctx->policy.files = std::move(files);
  } else {
    auto custom = std::make_unique<CustomEngine>();
    custom->packs = packs::embedded_packs();
    std::vector<Problem> pack_errors;
    std::string key;
    load_extra_packs(extra, custom->packs, pack_errors, key);
    auto files = std::move(ctx->policy.files);
    ctx->policy = merge_layers(layers, custom->packs);
    ctx->policy.files = std::move(files);
    ctx->policy.errors.insert(ctx->policy.errors.end(), pack_errors.begin(), pack_errors.end());
    if (ctx->policy.valid()) {
      std::lock_guard<std::mutex> lock(engines_mutex);
      auto it = engines().find(key);
      if (it == engines().end()) {
        std::string error;
        std::string cached = cache_dir() + "/" + key + ".hsdb";
        if (before_compile && !is_file(cached)) before_compile();
        auto matcher = cached_matcher(custom->packs, key, error, &ctx->custom_from_cache);
        if (!matcher) {
          ctx->policy.errors.push_back({extra.front().origin.file, extra.front().origin.line, "packs.extra", error});
        } else {
          custom->engine = std::make_unique<Engine>(custom->packs, std::move(matcher));
          it = engines().emplace(key, std::move(custom)).first;
        }
      }
      if (it != engines().end()) ctx->engine = it->second->engine.get();
    }
  }

  ctx->audit = audit_settings(ctx->policy);

  // What the agent may not touch.
  ctx->protect = ProtectedFiles::from_environment();
  if (!paths.project.empty()) ctx->protect.add(paths.project, "the project dbguard policy file");
  for (const auto& e : extra) ctx->protect.add(e.value, "a custom pattern pack named by the policy");
  if (!extra.empty()) ctx->protect.add(cache_dir(), "the dbguard pack cache", false, false, true);
  ctx->protect.add(ctx->audit.path, "the dbguard audit log", false, false, true);
  if (!ctx->audit.key_file.empty()) ctx->protect.add(ctx->audit.key_file, "the dbguard audit key", false, true);
  return ctx;
}

std::shared_ptr<const Context> context_for(const std::string& cwd, const std::function<void()>& before_compile) {
  static std::mutex m;
  static std::map<std::string, std::shared_ptr<const Context>> cache;
  std::lock_guard<std::mutex> lock(m);
  auto& slot = cache[cwd];
  if (!slot) slot = load_context(cwd, before_compile);
  return slot;
}

audit::AuditConfig audit_config_for(const std::string& cwd) {
  return audit_settings(merge_layers(parse_layers(layer_files(policy_paths(cwd))), packs::embedded_packs()));
}

Decision decide(const Context& ctx, const std::string& tool, const nlohmann::json& input, const std::string& cwd) {
  const Engine& engine = *ctx.engine;
  if (!ctx.policy.valid()) {
    std::string detail;
    for (std::size_t i = 0; i < ctx.policy.errors.size() && i < 5; ++i)
      detail += (i ? "; " : "") + ctx.policy.errors[i].text();
    if (ctx.policy.errors.size() > 5) detail += "; and " + std::to_string(ctx.policy.errors.size() - 5) + " more";
    return deny_with(engine, "guard.policy-invalid", ctx.policy.errors.front().file, detail, "policy");
  }
  if (ctx.audit.required) {
    std::string error;
    if (!audit::probe_writable(ctx.audit.path, error)) return audit_unavailable(ctx, error);
  }
  EngineOptions opt;
  opt.policy = &ctx.policy;
  opt.protect = &ctx.protect;
  begin_decision();
  return engine.decide_tool(tool, input, cwd, opt);
}

Decision audit_unavailable(const Context& ctx, const std::string& error) {
  return deny_with(*ctx.engine, "guard.audit-unavailable", ctx.audit.path,
                   error + " (audit.required = true, " + ctx.policy.audit.required.origin.describe() + ")",
                   "audit log");
}

}  // namespace dbguard::policy
