#include "audit/chain_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chain_oracle.h"

using namespace dbguard::audit;

TEST(ChainFields, ReadsWhatADomParseOfTheLineReads) {
  const std::vector<std::string> lines = {
      R"({"seq":7,"hash":"ab12","prev":"00"})",
      R"({"alg":"sha256","command":"ls","seq":18446744073709551615,"hash":"ff","mac":"m"})",
      R"({"seq":18446744073709551616,"hash":"x"})",   // past uint64: a double
      R"({"seq":-1,"hash":"x"})",
      R"({"seq":-0,"hash":"x"})",
      R"({"seq":1.0,"hash":"x"})",
      R"({"seq":1e2,"hash":"x"})",
      R"({"seq":"7","hash":"x"})",
      R"({"seq":7,"hash":7})",
      R"({"seq":7,"hash":null,"mac":true})",
      R"({"seq":7,"hash":["x"]})",
      R"({"seq":7,"hash":{"h":"x"}})",
      R"({"seq":7,"seq":8,"hash":"a","hash":"b"})",    // a key twice: its last value
      R"({"seq":7,"seq":"8","hash":"a"})",
      R"({"seq":"8","seq":7,"hash":"a"})",
      R"({"tool_input":{"seq":9,"hash":"inner"},"seq":3,"hash":"outer"})",
      R"({"tool_input":{"seq":9,"hash":"inner"}})",
      R"({"a":[{"seq":1},{"hash":"h"}],"seq":2,"hash":"h2"})",
      R"({"hash":"esc\"aped\\ \u00e9 \ud83d\ude00","seq":1})",
      R"({"se\u0071":5,"hash":"k"})",                  // an escaped key is the same key
      R"([{"seq":1,"hash":"x"}])",
      R"("seq")",
      R"(12)",
      R"({})",
      R"(  {"seq":1,"hash":"x"}  )",
      R"({"seq":1,"hash":"x"} x)",
      R"({"seq":1,"hash":"x"}{})",
      R"({"seq":1,"hash":"x",})",
      R"({"seq":1,"hash":"x"/*c*/})",
      R"({"seq":1,"hash":"x")",
      "{\"seq\":1,\"hash\":\"\xff\"}",
      "{\"seq\":1,\"hash\":\"a\x01\"}",
      "",
      "{\"seq\":1,\"hash\":\"torn",
      std::string("{\"seq\":1,\"hash\":\"x\"}\0{\"seq\":2}", 30),   // text after a NUL: not one document
  };
  for (const auto& line : lines) {
    SCOPED_TRACE(line);
    bool valid = false;
    ChainFields want = oracle::dom_chain_fields(line, valid);
    ChainFields got;
    EXPECT_EQ(read_chain_fields(line, got), valid);
    if (!valid) continue;
    EXPECT_EQ(got.is_object, want.is_object);
    EXPECT_EQ(got.seq, want.seq);
    EXPECT_EQ(got.hash, want.hash);
    EXPECT_EQ(got.mac, want.mac);
  }
}

TEST(ChainFields, FollowsDeepNestingWithoutALimit) {
  // A record holds the event's tool_input, which may nest up to the event's limit.
  std::string line = R"({"seq":4,"hash":"h","tool_input":)" + std::string(2000, '[') + std::string(2000, ']') + "}";
  ChainFields f;
  ASSERT_TRUE(read_chain_fields(line, f));
  EXPECT_EQ(f.seq, 4u);
  EXPECT_EQ(f.hash, "h");
}
