// Everything a decision needs besides the event: the merged policy, the
// engine (the embedded one, or one with the policy's custom packs), the
// protected files and the audit settings. Loading reads no TOML and compiles
// nothing when no policy file exists.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "decision/engine.h"
#include "policy/policy.h"
#include "policy/self_protection.h"

namespace dbguard::policy {

struct Context {
  Policy policy;
  ProtectedFiles protect;
  audit::AuditConfig audit;        // resolved: default path filled in
  const Engine* engine = nullptr;  // never null
  bool custom_from_cache = false;  // custom packs: deserialized rather than compiled
};

// Loads the policy for a call made in `cwd`. `before_compile` runs just before
// custom packs are compiled (not when they come from the cache), so a caller
// under a time budget can extend it. Problems go into policy.errors; only the
// engine's own failure throws.
std::shared_ptr<const Context> load_context(const std::string& cwd, const std::function<void()>& before_compile = {});

// The same, loaded once per cwd in this process (hook, check, check --batch).
std::shared_ptr<const Context> context_for(const std::string& cwd, const std::function<void()>& before_compile = {});

// The audit settings the policy layers for `cwd` give, as context_for's `audit`,
// without loading custom packs (the record of a watchdog's timeout).
audit::AuditConfig audit_config_for(const std::string& cwd);

// Decides one tool call under `ctx`: an invalid policy denies everything
// (guard.policy-invalid, naming file, line and key); with audit.required, a
// log that cannot be written denies everything (guard.audit-unavailable);
// otherwise the engine decides with the policy applied.
Decision decide(const Context& ctx, const std::string& tool, const nlohmann::json& input, const std::string& cwd);

// The deny for an audit log that must be written and cannot be.
Decision audit_unavailable(const Context& ctx, const std::string& error);

}  // namespace dbguard::policy
