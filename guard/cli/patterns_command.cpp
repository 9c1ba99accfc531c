#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "match/matcher.h"
#include "packs/embedded.h"
#include "packs/pack_loader.h"

namespace dbguard::cli {

void add_patterns(CLI::App& app) {
  auto* cmd = app.add_subcommand("patterns", "List or validate pattern packs");
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand("list", "List the rules compiled into this binary");
  list->callback([] {
    for (const auto& r : packs::embedded_packs().rules)
      std::cout << r.id << "\t" << packs::to_string(r.severity) << "\t" << packs::to_string(r.kind)
                << (r.requires_production ? "\tproduction-only" : "\t") << "\t" << r.description << "\n";
  });
  auto dir = std::make_shared<std::vector<std::string>>();
  auto* validate = cmd->add_subcommand("validate", "Validate pack files (default: the embedded packs)");
  validate->add_option("paths", *dir, "pack files or directories");
  validate->callback([dir] {
    if (dir->empty()) {
      // The full check, CRC included, on copies: the hook does not recompute it.
      std::string error;
      if (!Matcher::image_intact(packs::embedded_database_image(), error) ||
          !Matcher::image_intact(packs::embedded_sql_keyword_image(), error)) {
        std::cerr << "embedded packs: " << error << "\n";
        std::exit(1);
      }
      std::cout << "embedded packs: " << packs::embedded_packs().rules.size() << " rules, database intact\n";
      return;
    }
    packs::PackSet set;
    std::vector<std::string> errors;
    for (const auto& p : *dir) {
      if (std::filesystem::is_directory(p)) packs::load_pack_dir(p, set, errors);
      else packs::load_pack_file(p, set, errors);
    }
    if (errors.empty()) packs::validate(set, errors);
    for (const auto& e : errors) std::cerr << e << "\n";
    if (!errors.empty()) std::exit(1);
    std::cout << set.rules.size() << " rules valid\n";
  });
}

}  // namespace dbguard::cli
