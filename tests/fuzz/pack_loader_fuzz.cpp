// libFuzzer target: arbitrary bytes as a pattern pack file (patterns/*.toml).
// The loader must reject what is not a valid pack with errors that say why,
// never crash or throw; a pack it accepts goes through validation (Hyperscan
// and RE2 compile each pattern) when it is small enough to keep runs fast.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "packs/pack_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dbguard::packs;
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/dbguard-pack-fuzz-" + std::to_string(getpid()) + ".toml";
  }();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);

  PackSet set;
  std::vector<std::string> errors;
  bool ok = load_pack_file(path, set, errors);
  if (!ok && errors.empty()) std::abort();
  std::size_t patterns = 0, longest = 0;
  for (const auto& r : set.rules) {
    if (r.id.empty()) std::abort();
    for (const auto& p : r.patterns) {
      ++patterns;
      longest = std::max(longest, p.size());
    }
  }
  if (ok && patterns <= 8 && longest <= 256) {
    validate(set, errors);
  }
  expand_macros(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
