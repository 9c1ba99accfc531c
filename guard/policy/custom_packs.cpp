#include "policy/custom_packs.h"

#include <hs/hs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "audit/chain_hash.h"
#include "packs/embedded.h"
#include "packs/pack_loader.h"
#include "policy/paths.h"
#include "support/files.h"

namespace dbguard::policy {
namespace {

namespace fs = std::filesystem;

// Custom packs are hand-written TOML; their compiled databases stay small.
constexpr std::size_t kMaxPackBytes = 1u << 20;
constexpr std::size_t kMaxCachedDatabaseBytes = 64u << 20;

}  // namespace

void load_extra_packs(const std::vector<Sourced<std::string>>& files, packs::PackSet& packs,
                      std::vector<Problem>& errors, std::string& content_key) {
  static const std::set<std::string, std::less<>> growable = {"reach_programs", "sql_clients", "dynamic_arg_candidates"};
  std::string material = std::string(packs::embedded_packs_digest()) + "\n" + hs_version() + "\n";
  for (const auto& f : files) {
    auto problem = [&](const std::string& msg) {
      errors.push_back({f.origin.file, f.origin.line, "packs.extra", f.value + ": " + msg});
    };
    std::string body, error;
    if (!read_file_bounded(f.value, kMaxPackBytes, body, error)) {
      problem("cannot be read (" + error + ")");
      continue;
    }
    material += f.value + "\n" + std::to_string(body.size()) + "\n" + body;
    packs::PackSet extra;
    std::vector<std::string> errs;
    packs::load_pack_file(f.value, extra, errs);
    for (const auto& e : errs) problem(e);
    if (!errs.empty()) continue;
    bool ok = true;
    for (const auto& [key, values] : extra.settings)
      if (!growable.count(key)) {
        problem("[settings] `" + std::string(key) + "` cannot be changed by a custom pack (only reach_programs, sql_clients, dynamic_arg_candidates grow)");
        ok = false;
      }
    for (const auto& r : extra.rules) {
      if (r.kind == packs::RuleKind::Builtin) {
        problem("rule `" + std::string(r.id) + "`: custom packs cannot define builtin rules");
        ok = false;
      } else if (packs.find(r.id)) {
        problem("rule `" + std::string(r.id) + "` is already defined");
        ok = false;
      }
    }
    if (!ok) continue;
    for (auto& r : extra.rules) packs.rules.push_back(std::move(r));
    packs.keep_texts_of(extra);
    for (const auto& [key, values] : extra.settings) packs.add_setting(key, values);
  }
  content_key = audit::sha256_hex(material);
}

std::unique_ptr<Matcher> cached_matcher(const packs::PackSet& packs, const std::string& content_key,
                                        std::string& error, bool* from_cache) {
  if (from_cache) *from_cache = false;
  std::string dir = cache_dir();
  std::string file = dir + "/" + content_key + ".hsdb";
  std::string bytes, unread;
  if (read_file_bounded(file, kMaxCachedDatabaseBytes, bytes, unread) && !bytes.empty()) {
    std::string ignored;
    if (auto m = Matcher::deserialize(packs, bytes.data(), bytes.size(), ignored)) {
      if (from_cache) *from_cache = true;
      return m;
    }
  }
  auto m = Matcher::compile(packs, error);
  if (!m) return nullptr;
  // Best effort: a cache that cannot be written only costs the next start a compile.
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string data = m->serialize();
  if (!ec && !data.empty()) {
    std::string tmp = file + ".tmp." + std::to_string(::getpid());
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(data.data(), static_cast<std::streamsize>(data.size()));
    }
    fs::rename(tmp, file, ec);
    if (ec) fs::remove(tmp, ec);
  }
  return m;
}

}  // namespace dbguard::policy
