// `dbguard policy validate|show`: the layered policy (guard/policy).
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "policy/context.h"
#include "policy/show.h"

namespace dbguard::cli {

void add_policy(CLI::App& app) {
  auto cwd = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("policy", "The policy in layers: built-in < managed < user < project");
  cmd->require_subcommand(1);
  auto dir = [cwd] { return cwd->empty() ? std::filesystem::current_path().string() : *cwd; };

  auto* v = cmd->add_subcommand("validate", "Check every policy file that applies here; exit 1 on any problem");
  v->add_option("--cwd", *cwd, "the directory calls are made in (default: current)");
  v->callback([dir] {
    auto ctx = policy::load_context(dir());
    bool ok = true;
    std::string text = policy::render_validate(*ctx, ok);
    (ok ? std::cout : std::cerr) << text;
    std::exit(ok ? 0 : 1);
  });

  auto* s = cmd->add_subcommand("show", "The merged policy, with where each value comes from");
  s->add_option("--cwd", *cwd, "the directory calls are made in (default: current)");
  s->callback([dir] {
    auto ctx = policy::load_context(dir());
    std::cout << policy::render_show(*ctx);
  });
}

}  // namespace dbguard::cli
