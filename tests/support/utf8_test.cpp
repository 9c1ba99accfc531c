#include "support/utf8.h"

#include <gtest/gtest.h>

using dbguard::valid_utf8;

TEST(Utf8, ValidTextIsUnchanged) {
  EXPECT_EQ(valid_utf8("plain ascii"), "plain ascii");
  EXPECT_EQ(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  EXPECT_EQ(valid_utf8(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(Utf8, EachInvalidByteBecomesAReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(valid_utf8("\xff"), r);
  EXPECT_EQ(valid_utf8("a\xff\xfe" "b"), "a" + r + r + "b");
  EXPECT_EQ(valid_utf8("\xc3"), r);                        // truncated sequence
  EXPECT_EQ(valid_utf8("\xc0\xaf"), r + r);                // overlong '/'
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), r + r + r);        // surrogate
  EXPECT_EQ(valid_utf8("\xf4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
}

// The ASCII fast path reads eight bytes at a time: a bad byte at any offset of a
// word, and a valid sequence split across words, are still seen as they are.
TEST(Utf8, EveryOffsetPastTheAsciiFastPath) {
  for (std::size_t pad = 0; pad < 20; ++pad) {
    std::string ascii(pad, 'a');
    EXPECT_EQ(valid_utf8(ascii + "\xFF" + "tail"), ascii + "\xEF\xBF\xBD" + "tail") << pad;
    EXPECT_EQ(valid_utf8(ascii + "\xC3\xA9" + "tail"), ascii + "\xC3\xA9" + "tail") << pad;
    EXPECT_EQ(valid_utf8(ascii + "\xE2\x82"), ascii + "\xEF\xBF\xBD\xEF\xBF\xBD") << pad;
  }
}
