#include "protocol/event.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

using namespace dbguard::protocol;

namespace {

// What read_all_bounded makes of `input` written to a pipe, as Claude Code
// writes the event: in pieces, the reader never knowing the size.
struct Read {
  bool complete;
  std::string bytes;
};
Read read_through_pipe(const std::string& input, std::size_t max_bytes) {
  ::signal(SIGPIPE, SIG_IGN);  // a reader that stops early leaves the writer an EPIPE, not a signal
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  std::thread writer([&] {
    for (std::size_t at = 0; at < input.size();) {
      ssize_t n = ::write(fds[1], input.data() + at, std::min<std::size_t>(input.size() - at, 10007));
      if (n <= 0) break;  // the reader stopped early (over the bound)
      at += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
  });
  std::FILE* in = ::fdopen(fds[0], "r");
  Read r;
  r.complete = read_all_bounded(in, r.bytes, max_bytes);
  std::fclose(in);  // a writer still blocked on a full pipe gets EPIPE
  writer.join();
  return r;
}

std::string pattern_of(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  return s;
}

}  // namespace

TEST(ReadAllBounded, ReadsEveryByteAtEverySizeAroundItsBuffer) {
  // Below, at and past the 64 KiB read buffer, and well past it.
  for (std::size_t size : {0ul, 1ul, 300ul, 65535ul, 65536ul, 65537ul, 131072ul, 3ul * 65536 + 17, 1ul << 20}) {
    std::string input = pattern_of(size);
    Read r = read_through_pipe(input, kMaxEventBytes);
    EXPECT_TRUE(r.complete) << size;
    EXPECT_EQ(r.bytes.size(), size);
    EXPECT_TRUE(r.bytes == input) << size;
  }
}

TEST(ReadAllBounded, InputPastTheBoundIsNotComplete) {
  // The bound inside the first read, and past it.
  for (std::size_t bound : {100ul, 65536ul, 200000ul}) {
    Read at = read_through_pipe(pattern_of(bound), bound);
    EXPECT_TRUE(at.complete) << bound;  // exactly the bound: whole
    Read over = read_through_pipe(pattern_of(bound + 1), bound);
    EXPECT_FALSE(over.complete) << bound;
    EXPECT_GT(over.bytes.size(), bound);
    EXPECT_EQ(over.bytes, pattern_of(bound + 1).substr(0, over.bytes.size()));
  }
}

TEST(ReadAllBounded, AReusedStringHoldsOnlyTheNewInput) {
  std::string bytes = pattern_of(200000);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "{}", 2), 2);
  ::close(fds[1]);
  std::FILE* in = ::fdopen(fds[0], "r");
  EXPECT_TRUE(read_all_bounded(in, bytes, kMaxEventBytes));
  std::fclose(in);
  EXPECT_EQ(bytes, "{}");
}
