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

// read_all_bounded of `input` written to a pipe, as Claude Code writes the event:
// in pieces, the reader never knowing the size. `out` may hold an earlier event.
bool read_through_pipe(const std::string& input, std::size_t max_bytes, std::string& out) {
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
  bool complete = read_all_bounded(in, out, max_bytes);
  std::fclose(in);  // a writer still blocked on a full pipe gets EPIPE
  writer.join();
  return complete;
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
    std::string input = pattern_of(size), bytes;
    EXPECT_TRUE(read_through_pipe(input, kMaxEventBytes, bytes)) << size;
    EXPECT_EQ(bytes.size(), size);
    EXPECT_TRUE(bytes == input) << size;
  }
}

TEST(ReadAllBounded, InputPastTheBoundIsNotComplete) {
  // The bound inside the first read, and past it.
  for (std::size_t bound : {100ul, 65536ul, 200000ul}) {
    std::string at, over;
    EXPECT_TRUE(read_through_pipe(pattern_of(bound), bound, at)) << bound;  // exactly the bound: whole
    EXPECT_FALSE(read_through_pipe(pattern_of(bound + 1), bound, over)) << bound;
    EXPECT_GT(over.size(), bound);
    EXPECT_EQ(over, pattern_of(bound + 1).substr(0, over.size()));
  }
}

TEST(ReadAllBounded, AReusedStringHoldsOnlyTheNewInput) {
  std::string bytes = pattern_of(200000);
  EXPECT_TRUE(read_through_pipe("{}", kMaxEventBytes, bytes));
  EXPECT_EQ(bytes, "{}");
  bytes = pattern_of(300000);  // a large event after a larger one
  std::string input(100000, 'z');
  EXPECT_TRUE(read_through_pipe(input, kMaxEventBytes, bytes));
  EXPECT_TRUE(bytes == input);
}
