#include "audit/chain_fields.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace dbguard::audit;

namespace {

// What the chain took from a line when it parsed the whole line with
// nlohmann_json (the library that writes it): the reference for the reader.
ChainFields by_dom(const std::string& line, bool& valid) {
  ChainFields f;
  // nlohmann_json stops at a NUL byte as at the end of the text; strict JSON does not.
  if (line.find('\0') != std::string::npos) {
    valid = false;
    return f;
  }
  auto j = nlohmann::json::parse(line, nullptr, false);
  valid = !j.is_discarded();
  if (!valid) return f;
  f.is_object = j.is_object();
  if (!f.is_object) return f;
  if (j.contains("seq") && j["seq"].is_number_unsigned()) f.seq = j["seq"].get<std::uint64_t>();
  if (j.contains("hash") && j["hash"].is_string()) f.hash = j["hash"].get<std::string>();
  if (j.contains("mac") && j["mac"].is_string()) f.mac = j["mac"].get<std::string>();
  return f;
}

}  // namespace

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
    ChainFields want = by_dom(line, valid);
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
