#include "support/mapped_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace dbguard;

// The event reader copies into it and relies on the bytes after the copy being
// zeros (RapidJSON's in-place stream stops at a NUL).
TEST(MappedBuffer, ZeroFilledAndWritableToItsSize) {
  const std::size_t size = (1u << 20) + 17;
  MappedBuffer b(size);
  ASSERT_NE(b.data(), nullptr);
  for (std::size_t i = 0; i < size; i += 4093) EXPECT_EQ(b.data()[i], '\0') << i;
  EXPECT_EQ(b.data()[size - 1], '\0');
  const std::string text = "{\"tool_name\": \"Bash\"}";
  std::memcpy(b.data(), text.data(), text.size());
  EXPECT_STREQ(b.data(), text.c_str());
  b.data()[size - 1] = 'x';
  EXPECT_EQ(b.data()[size - 1], 'x');
}

TEST(MappedBuffer, EmptyIsStillABuffer) {
  MappedBuffer b(0);
  ASSERT_NE(b.data(), nullptr);
  EXPECT_EQ(b.data()[0], '\0');
}

// What cannot be mapped is refused with bad_alloc (the hook then fails closed).
TEST(MappedBuffer, UnmappableSizeThrows) { EXPECT_THROW(MappedBuffer(std::size_t(1) << 62), std::bad_alloc); }
