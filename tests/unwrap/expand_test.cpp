#include "unwrap/expand.h"

#include <gtest/gtest.h>

#include "unwrap/unwrap.h"

using namespace dbguard;

namespace {

// argv of the last command of `cmd` (substitutions run first), run-time words marked with a leading ~.
std::vector<std::string> words(const std::string& cmd) {
  auto r = unwrap_command(cmd, "/tmp");
  std::vector<std::string> out;
  if (r.invocations.empty()) return out;
  for (const auto& a : r.invocations.back().argv) out.push_back((a.dynamic ? "~" : "") + a.text);
  return out;
}

using V = std::vector<std::string>;

TEST(BraceExpansion, RunTimePartsStayRunTime) {
  EXPECT_EQ(words("docker volume {rm,ls} $V"), (V{"docker", "volume", "rm", "ls", "~$V"}));
  EXPECT_EQ(words("rm -rf /var/lib/postgresql/{$X,data}"),
            (V{"rm", "-rf", "~/var/lib/postgresql/$X", "/var/lib/postgresql/data"}));
  EXPECT_EQ(words("echo {a,b}\"$X\"c"), (V{"echo", "~a$Xc", "~b$Xc"}));
  EXPECT_EQ(words("echo x{$(date),y}"), (V{"echo", "~x$(…)", "xy"}));
  // quoted braces and a run-time word without a group are not expanded
  EXPECT_EQ(words("echo \"{a,b}\"$X"), (V{"echo", "~{a,b}$X"}));
  EXPECT_EQ(words("echo {$X}"), (V{"echo", "~{$X}"}));
  // a run-time part inside an alternative keeps it one word, even unquoted
  EXPECT_EQ(words("X=1; echo {$X,2}"), (V{"echo", "1", "2"}));
}

TEST(BraceExpansion, TheBoundHoldsWithRunTimeParts) {
  auto w = words("echo {a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}$X");
  ASSERT_EQ(w.size(), 2u);  // past the cap: one run-time word
  EXPECT_EQ(w[1][0], '~');
}

}  // namespace
