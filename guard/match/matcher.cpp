#include "match/matcher.h"

#include <algorithm>

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include <hs/hs.h>

#if defined(DBGUARD_HS_OWN_DISPATCH)
#include "match/hs_dispatch.h"
#endif

namespace dbguard {

std::vector<std::size_t> pattern_rule_map(const packs::PackSet& packs) {
  std::vector<std::size_t> map;
  for (std::size_t i = 0; i < packs.rules.size(); ++i)
    for (std::size_t k = 0; k < packs.rules[i].patterns.size(); ++k) map.push_back(i);
  return map;
}

Matcher::~Matcher() {
  if (scratch_) hs_free_scratch(scratch_);
  if (adopted_) return;
  if (db_ && mapped_size_) ::munmap(db_, mapped_size_);
  else if (db_) hs_free_database(db_);
}

bool Matcher::init_scratch(std::string& error) {
  hs_error_t rc = hs_alloc_scratch(db_, &scratch_);
  if (rc == HS_NOMEM) {
    error = "cannot allocate Hyperscan scratch space";
    return false;
  }
  if (rc != HS_SUCCESS) {
    // Hyperscan checks the database here (magic, version, platform, CRC).
    error = "the pattern database fails Hyperscan's checks (error " + std::to_string(rc) + ")";
    return false;
  }
  return true;
}

std::unique_ptr<Matcher> Matcher::compile(const packs::PackSet& packs, std::string& error, bool portable) {
  std::vector<std::string> owned;  // hs_compile_multi takes NUL-terminated strings
  for (const auto& r : packs.rules) owned.insert(owned.end(), r.patterns.begin(), r.patterns.end());
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (const auto& r : packs.rules)
    for (std::size_t k = 0; k < r.patterns.size(); ++k) {
      exprs.push_back(owned[exprs.size()].c_str());
      flags.push_back(HS_FLAG_SINGLEMATCH | HS_FLAG_MULTILINE | (r.caseless ? HS_FLAG_CASELESS : 0));
      ids.push_back(static_cast<unsigned>(ids.size()));
    }
  std::unique_ptr<Matcher> m(new Matcher());
  m->pattern_rule_ = pattern_rule_map(packs);
  if (exprs.empty()) {
    error = "no patterns to compile";
    return nullptr;
  }
  hs_compile_error_t* err = nullptr;
  hs_platform_info_t any_x86_64{HS_TUNE_FAMILY_GENERIC, 0, 0, 0};
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       portable ? &any_x86_64 : nullptr, &m->db_, &err) != HS_SUCCESS) {
    error = std::string("Hyperscan compile failed: ") + (err ? err->message : "?");
    if (err && err->expression >= 0 && static_cast<std::size_t>(err->expression) < m->pattern_rule_.size())
      error += " (rule " + std::string(packs.rules[m->pattern_rule_[static_cast<std::size_t>(err->expression)]].id) + ")";
    hs_free_compile_error(err);
    return nullptr;
  }
  if (!m->init_scratch(error)) return nullptr;
  return m;
}

std::unique_ptr<Matcher> Matcher::deserialize(const packs::PackSet& packs, const char* bytes, std::size_t size,
                                              std::string& error) {
  std::unique_ptr<Matcher> m(new Matcher());
  m->pattern_rule_ = pattern_rule_map(packs);
  // A cached custom-pack database is deserialized once per process, and writing
  // its fresh memory one page fault at a time cost more than the copy itself:
  // map it pre-faulted (MAP_POPULATE) and deserialize into it.
  std::size_t need = 0;
  if (hs_serialized_database_size(bytes, size, &need) != HS_SUCCESS || need == 0) {
    error = "embedded pattern database is unreadable";
    return nullptr;
  }
  void* at = ::mmap(nullptr, need, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (at == MAP_FAILED) {
    error = "cannot map memory for the pattern database";
    return nullptr;
  }
  m->db_ = static_cast<hs_database*>(at);
  m->mapped_size_ = need;
  if (hs_deserialize_database_at(bytes, size, m->db_) != HS_SUCCESS) {
    error = "embedded pattern database is unreadable";
    return nullptr;
  }
  if (!m->init_scratch(error)) return nullptr;
  return m;
}

std::unique_ptr<Matcher> Matcher::adopt_image(const packs::PackSet& packs, const void* image, std::size_t size,
                                              std::string& error) {
  // Hyperscan places the bytecode by the database's address modulo 64, so an
  // image is only valid at an address aligned as the one it was taken from.
  std::size_t expected = 0;
  if (!image || reinterpret_cast<std::uintptr_t>(image) % 64 != 0 ||
      hs_database_size(static_cast<const hs_database*>(image), &expected) != HS_SUCCESS || expected != size) {
    error = "embedded pattern database is unreadable";
    return nullptr;
  }
  std::unique_ptr<Matcher> m(new Matcher());
  m->pattern_rule_ = pattern_rule_map(packs);
  // Hyperscan never writes to a database; the const_cast only fits its
  // scratch API, which takes the same pointer hs_scan reads.
  m->db_ = static_cast<hs_database*>(const_cast<void*>(image));
  m->adopted_ = true;
  if (!m->init_scratch(error)) {
    error = "embedded pattern database is unreadable: " + error;
    return nullptr;
  }
  return m;
}

std::unique_ptr<Matcher> Matcher::adopt_embedded(const packs::PackSet& packs, std::string_view image,
                                                 std::string& error) {
#if defined(DBGUARD_HS_OWN_DISPATCH)
  // Only where the guard answers Hyperscan's dbIsValid itself (match/hs_dispatch.c);
  // elsewhere the image gets the full check, as any other.
  if (!image.empty()) dbguard_hs_trust_database(image.data());
#endif
  return adopt_image(packs, image.data(), image.size(), error);
}

bool Matcher::image_intact(std::string_view image, std::string& error) {
  // At the same address modulo 64 as the original (64-byte aligned): Hyperscan
  // places the bytecode by it.
  std::unique_ptr<void, decltype(&std::free)> copy(
      std::aligned_alloc(64, std::max<std::size_t>(64, (image.size() + 63) / 64 * 64)), &std::free);
  if (!copy) {
    error = "cannot allocate memory to check the pattern database";
    return false;
  }
  if (!image.empty()) std::memcpy(copy.get(), image.data(), image.size());
  // adopt_image's checks, at an address nothing trusts: Hyperscan's, CRC included.
  return adopt_image(packs::PackSet{}, copy.get(), image.size(), error) != nullptr;
}

std::string Matcher::image() const {
  std::string bytes = serialize();
  std::size_t need = 0;
  if (bytes.empty() || hs_serialized_database_size(bytes.data(), bytes.size(), &need) != HS_SUCCESS) return {};
  // Deserialized at a 64-byte aligned address, as adopt_image will find it.
  void* at = std::aligned_alloc(64, (need + 63) / 64 * 64);
  if (!at) return {};
  std::string out;
  if (hs_deserialize_database_at(bytes.data(), bytes.size(), static_cast<hs_database*>(at)) == HS_SUCCESS)
    out.assign(static_cast<const char*>(at), need);
  std::free(at);
  return out;
}

std::string Matcher::serialize() const {
  char* bytes = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db_, &bytes, &len) != HS_SUCCESS) return {};
  std::string out(bytes, len);
  std::free(bytes);
  return out;
}

namespace {
struct ScanCtx {
  const std::vector<std::size_t>* map;
  std::vector<PatternHit>* hits;
};

int on_match(unsigned int id, unsigned long long, unsigned long long to, unsigned int, void* ctx) {
  auto* c = static_cast<ScanCtx*>(ctx);
  if (id < c->map->size()) c->hits->push_back({(*c->map)[id], to});
  return 0;
}
}  // namespace

std::vector<PatternHit> Matcher::scan(std::string_view haystack) const {
  std::vector<PatternHit> hits;
  ScanCtx ctx{&pattern_rule_, &hits};
  // A scan that fails (a scratch in use, a database refused) has not read the text:
  // no hit from it could mean "nothing matched". Fail closed (the caller denies).
  hs_error_t rc = hs_scan(db_, haystack.data(), static_cast<unsigned>(haystack.size()), 0, scratch_, on_match, &ctx);
  if (rc != HS_SUCCESS) throw std::runtime_error("Hyperscan scan failed (error " + std::to_string(rc) + ")");
  // Hyperscan reports matches ending at one offset in an order its layout decides,
  // which moves when any pattern changes: rule order decides instead, so the rule a
  // reason names stays the same.
  std::sort(hits.begin(), hits.end(),
            [](const PatternHit& a, const PatternHit& b) { return a.end != b.end ? a.end < b.end : a.rule < b.rule; });
  return hits;
}

}  // namespace dbguard
