#include "clients/terraform_config.h"

#include <re2/re2.h>

#include <filesystem>

#include "support/files.h"

namespace dbguard::clients {

std::string terraform_dir(const Invocation& inv) {
  for (const auto& a : inv.argv)
    if (a.text.rfind("-chdir=", 0) == 0) return resolve_path(inv.cwd, a.text.substr(7));
  return inv.cwd;
}

std::string selected_workspace(const std::string& dir) {
  std::string text, error;
  if (!read_file_bounded(dir + "/.terraform/environment", 4096, text, error)) return "";
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string declared_database(const std::string& dir, std::span<const std::string_view> resource_types,
                              std::span<const std::string_view> module_words) {
  // Compiled only when a destroy is being judged, never at start-up.
  static const RE2 resource(R"re((?m)^\s*resource\s+"([a-z0-9_]+)"\s+"([A-Za-z0-9_-]+)")re");
  static const RE2 module(R"re((?m)^\s*module\s+"([A-Za-z0-9_-]+)")re");
  std::error_code ec;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".tf" || ++files > 200) continue;
    std::string text, error;
    if (!read_file_bounded(entry.path().string(), 1u << 20, text, error)) continue;
    re2::StringPiece input(text);
    std::string type, name;
    while (RE2::FindAndConsume(&input, resource, &type, &name))
      for (const auto& t : resource_types)
        if (type == t) return type + "." + name;
    input = re2::StringPiece(text);
    while (RE2::FindAndConsume(&input, module, &name))
      for (const auto& w : module_words)
        if (name.find(w) != std::string::npos) return "module." + name;
  }
  return "";
}

}  // namespace dbguard::clients
