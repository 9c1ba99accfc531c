#include "match/hs_dispatch.h"

#include <gtest/gtest.h>

#include <cpuid.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include <hs/hs.h>

#if defined(DBGUARD_HS_OWN_DISPATCH)

namespace {

// The level Hyperscan's own resolver picks, from cpuid as it asks it
// (src/util/cpuid_inline.h): the answer glibc's table must reproduce.
dbguard_hs_level level_by_cpuid() {
  unsigned a = 0, b = 0, c1 = 0, d = 0;
  __cpuid_count(1, 0, a, b, c1, d);
  const bool osxsave = c1 & (1u << 27), avx = c1 & (1u << 28);
  std::uint64_t xcr0 = 0;
  if (osxsave) {
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    xcr0 = (static_cast<std::uint64_t>(hi) << 32) | lo;
  }
  unsigned b7 = 0, c7 = 0;
  __cpuid_count(7, 0, a, b7, c7, d);
  const bool ymm = osxsave && avx && (xcr0 & 0x6) == 0x6;
  const bool zmm = osxsave && (xcr0 & 0xe6) == 0xe6;  // SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM
  const bool avx512 = zmm && (b7 & (1u << 16)) && (b7 & (1u << 30));  // AVX512F, AVX512BW
  if (avx512 && (c7 & (1u << 1))) return DBGUARD_HS_AVX512VBMI;
  if (avx512) return DBGUARD_HS_AVX512;
  if (ymm && (b7 & (1u << 5))) return DBGUARD_HS_AVX2;
  if ((c1 & (1u << 20)) && (c1 & (1u << 23))) return DBGUARD_HS_COREI7;  // SSE4.2, POPCNT
  if (c1 & (1u << 9)) return DBGUARD_HS_CORE2;                            // SSSE3
  return DBGUARD_HS_NONE;
}

}  // namespace

TEST(HsDispatch, PicksTheLevelHyperscansResolverWouldPick) {
  EXPECT_EQ(dbguard_hs_dispatch_level(), level_by_cpuid());
  EXPECT_NE(dbguard_hs_dispatch_level(), DBGUARD_HS_NONE);
}

// The point of the dispatch: the binary carries no Hyperscan IFUNC (nm type
// `i`), so none of their resolvers runs at start-up.
TEST(HsDispatch, TheGuardBinaryResolvesNoHyperscanIfunc) {
  std::FILE* p = ::popen("nm " DBGUARD_BINARY " 2>/dev/null", "r");
  ASSERT_NE(p, nullptr);
  char line[4096];
  int plain = 0;
  std::string ifuncs;
  while (std::fgets(line, sizeof line, p)) {
    std::string l(line);
    if (l.size() < 20) continue;
    std::string name = l.substr(l.rfind(' ') + 1);
    name.pop_back();  // newline
    const bool hs = name.rfind("hs_", 0) == 0 || name == "dbIsValid" || name == "Crc32c_ComputeBuf";
    if (!hs) continue;
    const char type = l[l.rfind(' ') - 1];
    if (type == 'i') ifuncs += name + " ";
    if (type == 'T' && (name == "hs_scan" || name == "dbIsValid")) ++plain;
  }
  ASSERT_EQ(::pclose(p), 0) << "nm failed";
  EXPECT_EQ(ifuncs, "");
  EXPECT_EQ(plain, 2);
}

#endif

// Every dispatched name, called: compile, serialize, size, place, describe,
// scan, and the checks hs_alloc_scratch makes (dbIsValid: the CRC).
TEST(HsDispatch, EveryDispatchedEntryPointWorks) {
  const char* expr = "drop\\s+table";
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  ASSERT_EQ(hs_compile(expr, HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH, HS_MODE_BLOCK, nullptr, &db, &err), HS_SUCCESS);
  char* bytes = nullptr;
  size_t length = 0;
  ASSERT_EQ(hs_serialize_database(db, &bytes, &length), HS_SUCCESS);
  size_t need = 0, size = 0;
  ASSERT_EQ(hs_serialized_database_size(bytes, length, &need), HS_SUCCESS);
  ASSERT_EQ(hs_database_size(db, &size), HS_SUCCESS);
  EXPECT_EQ(need, size);
  std::string placed(need + 64, '\0');
  auto* at = reinterpret_cast<hs_database_t*>(placed.data() + (64 - reinterpret_cast<std::uintptr_t>(placed.data()) % 64) % 64);
  ASSERT_EQ(hs_deserialize_database_at(bytes, length, at), HS_SUCCESS);
  std::free(bytes);
  char* info = nullptr;
  ASSERT_EQ(hs_database_info(at, &info), HS_SUCCESS);
  EXPECT_NE(std::string(info).find("Version"), std::string::npos);
  std::free(info);

  hs_scratch_t* scratch = nullptr;
  ASSERT_EQ(hs_alloc_scratch(at, &scratch), HS_SUCCESS);
  int hits = 0;
  auto on_match = [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
    ++*static_cast<int*>(ctx);
    return 0;
  };
  const std::string text = "psql -c 'DROP   TABLE users'";
  ASSERT_EQ(hs_scan(at, text.data(), static_cast<unsigned>(text.size()), 0, scratch, on_match, &hits), HS_SUCCESS);
  EXPECT_EQ(hits, 1);
  hits = 0;
  ASSERT_EQ(hs_scan(at, "select 1", 8, 0, scratch, on_match, &hits), HS_SUCCESS);
  EXPECT_EQ(hits, 0);
  hs_free_scratch(scratch);

  // A changed byte in the bytecode: the CRC check still refuses it.
  reinterpret_cast<char*>(at)[size / 2] ^= 0x01;
  scratch = nullptr;
  EXPECT_EQ(hs_alloc_scratch(at, &scratch), HS_INVALID);
  EXPECT_EQ(hs_free_database(db), HS_SUCCESS);
}
