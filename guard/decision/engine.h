// The guard's decision procedure: command text (or a hook event) in, Decision
// out. Stages, each in its own folder: shell (parse) → unwrap (invocations) →
// match (pattern packs) + sql (statements) + production markers → decision.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "decision/data_dirs.h"
#include "decision/decision.h"
#include "match/matcher.h"
#include "packs/rule.h"
#include "unwrap/unwrap.h"

namespace dbguard {

namespace policy {
struct Policy;
struct ProtectedFiles;
}  // namespace policy

struct EngineOptions {
  bool trace = false;  // keep per-invocation detail for `explain`
  // The merged policy (guard/policy): per-rule actions, [[allow]], extra
  // production markers. Null: the built-in defaults (every finding denies).
  const policy::Policy* policy = nullptr;
  // Files the agent may not change (self-protection). Null: the set built
  // from the environment once per process.
  const policy::ProtectedFiles* protect = nullptr;
};

class Engine {
 public:
  Engine(const packs::PackSet& packs, std::unique_ptr<Matcher> matcher);

  // The engine built from the packs embedded at build time. Throws on a broken
  // embedded database (callers turn that into a deny).
  static const Engine& embedded();

  Decision decide_command(std::string_view command, const std::string& cwd, const EngineOptions& opt = {}) const;
  Decision decide_tool(const std::string& tool_name, const nlohmann::json& tool_input, const std::string& cwd,
                       const EngineOptions& opt = {}) const;

  // A decision for one of the engine's own fail-closed rules (guard.*).
  Decision fail_closed(const std::string& rule, const std::string& segment, const std::string& detail) const;

  const packs::PackSet& packs() const { return packs_; }

 private:
  friend class InvocationJudge;
  void judge_command(std::string_view command, const std::string& cwd, int depth, Decision& d,
                     const EngineOptions& opt) const;
  void finish(Decision& d) const;
  void judge_mcp(const std::string& tool_name, const nlohmann::json& input, Decision& d, const EngineOptions& opt) const;
  void judge_mcp_shell(const std::string& tool_name, const nlohmann::json& input, const std::string& cwd,
                       Decision& d, const EngineOptions& opt) const;
  // What an MCP tool does by its name (drop_collection, flush…) and what a Redis tool passes on.
  void judge_mcp_operation(const std::string& tool_name, const nlohmann::json& input, Decision& d,
                           const EngineOptions& opt) const;
  bool could_reach(std::string_view text) const;

  // The packs' lists that every invocation reads, looked up once: a lookup by
  // name costs a few string comparisons, several times per invocation.
  struct Lists {
    explicit Lists(const packs::PackSet& p);
    std::span<const std::string_view> sql_clients, dynamic_program_candidates, reach_programs, reach_words,
        dynamic_arg_candidates, whole_config_destroy_rules, database_resources, database_module_words,
        mongo_shells, line_command_clients;
  };

  const packs::PackSet& packs_;
  const Lists lists_;
  std::unique_ptr<Matcher> matcher_;
  UnwrapLimits unwrap_limits_;
  datadirs::Settings data_dirs_;  // from the packs' settings, once: judged for every invocation
};

}  // namespace dbguard
