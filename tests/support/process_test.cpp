#include "support/process.h"

#include <gtest/gtest.h>

using dbguard::run_process;

TEST(RunProcess, FeedsStdinAndCollectsOutputAndExitCode) {
  auto r = run_process({"/bin/sh", "-c", "cat; echo oops >&2; exit 3"}, "hello\n", 5000);
  EXPECT_TRUE(r.started);
  EXPECT_EQ(r.out, "hello\n");
  EXPECT_EQ(r.err, "oops\n");
  EXPECT_EQ(r.exit_code, 3);
}

TEST(RunProcess, ReplacesTheEnvironmentWhenGivenOne) {
  std::vector<std::string> env = {"ONLY=this"};
  auto r = run_process({"/bin/sh", "-c", "echo \"$ONLY:${HOME:-unset}\""}, "", 5000, &env);
  EXPECT_EQ(r.out, "this:unset\n");
}

TEST(RunProcess, KillsAtTheDeadlineAndReportsSignals) {
  auto slow = run_process({"/bin/sleep", "10"}, "", 200);
  EXPECT_TRUE(slow.timed_out);
  auto killed = run_process({"/bin/sh", "-c", "kill -SEGV $$"}, "", 5000);
  EXPECT_EQ(killed.exit_code, -1);
  EXPECT_EQ(killed.signal, 11);
  EXPECT_FALSE(run_process({"/nonexistent/program"}, "", 1000).started);
}
