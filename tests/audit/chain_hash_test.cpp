#include "audit/chain_hash.h"

#include <gtest/gtest.h>

namespace dbguard::audit {
namespace {

// Known answers (FIPS 180-2 and values from an independent implementation), so
// that a change of hashing API cannot silently change what the chain records.
TEST(ChainHash, Sha256KnownAnswers) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ChainHash, UnkeyedIsSha256OfPrevNewlineRecord) {
  EXPECT_EQ(chain_hash("a", "b", ""), "7e18f737311b2dc3b2f269dd78396b0351f14fb66efa879f768cb23181883c78");
  EXPECT_EQ(chain_hash("a", "b", ""), sha256_hex("a\nb"));
}

TEST(ChainHash, KeyedIsHmacSha256) {
  EXPECT_EQ(chain_hash("what do ya want", "for nothing?", "Jefe"),
            "50ff9fd552ba6f7d7aea9a88e93f2ebee2870bf860cfd7a2b6cf2cbbed92a13e");
  EXPECT_NE(chain_hash("a", "b", "k"), chain_hash("a", "b", ""));
}

}  // namespace
}  // namespace dbguard::audit
