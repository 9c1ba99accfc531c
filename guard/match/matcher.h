// Runs every pattern of every pack over a haystack in one Hyperscan scan.
// The database is either the one embedded at build time (its in-memory image,
// used in place: no regular expression is compiled at start-up), one
// deserialized from the custom-pack cache, or compiled from packs at run time
// (`patterns validate`, custom packs).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "packs/rule.h"

struct hs_database;
struct hs_scratch;

namespace dbguard {

struct PatternHit {
  std::size_t rule;        // index into PackSet::rules
  unsigned long long end;  // offset just past the match
};

class Matcher {
 public:
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // For this machine's CPU, or with `portable` for any x86-64 CPU: the embedded
  // database ships inside the binary, which may run on another machine than the
  // one that built it (Hyperscan refuses a database built for features the CPU
  // lacks, and the guard would then deny every call).
  static std::unique_ptr<Matcher> compile(const packs::PackSet& packs, std::string& error, bool portable = false);
  static std::unique_ptr<Matcher> deserialize(const packs::PackSet& packs, const char* bytes, std::size_t size,
                                              std::string& error);
  // Uses a database already in Hyperscan's in-memory form (see image()) where
  // it lies, read-only and without a copy: the embedded database. `image` must
  // be 64-byte aligned and outlive the matcher. Hyperscan checks its magic,
  // version, platform and CRC when the scratch space is allocated; a damaged
  // image is an error, never a matcher.
  static std::unique_ptr<Matcher> adopt_image(const packs::PackSet& packs, const void* image, std::size_t size,
                                              std::string& error);
  // As adopt_image, for an image that is part of this executable (read-only data
  // the pack compiler wrote): its magic, version and size are checked, its CRC is
  // not recomputed on every call. That CRC was 40% of a trivial call's
  // instructions and faulted in every page of the database; what it guards, the
  // image's bytes as built, is checked by the tests (a copy of each embedded image
  // passes the full check) and by `dbguard patterns validate`.
  static std::unique_ptr<Matcher> adopt_embedded(const packs::PackSet& packs, std::string_view image,
                                                 std::string& error);
  // Whether IMAGE passes Hyperscan's full check (magic, version, platform, CRC),
  // read from a copy: an embedded image's own address is not checked in full.
  static bool image_intact(std::string_view image, std::string& error);
  // The compiled database in Hyperscan's serialized form (custom-pack cache).
  std::string serialize() const;
  // The compiled database as Hyperscan lays it out in memory at a 64-byte
  // aligned address (the pack compiler embeds it; adopt_image reads it).
  std::string image() const;

  // Every rule with a pattern that matches somewhere in `haystack` (one hit per rule).
  std::vector<PatternHit> scan(std::string_view haystack) const;

 private:
  Matcher() = default;
  bool init_scratch(std::string& error);
  hs_database* db_ = nullptr;
  std::size_t mapped_size_ = 0;  // non-zero: db_ lives in its own mapping (deserialize), not Hyperscan's allocator
  bool adopted_ = false;         // db_ is an image the matcher does not own (adopt_image)
  hs_scratch* scratch_ = nullptr;
  std::vector<std::size_t> pattern_rule_;  // Hyperscan id -> rule index
};

// Hyperscan id -> rule index, in the fixed order both sides use.
std::vector<std::size_t> pattern_rule_map(const packs::PackSet& packs);

}  // namespace dbguard
