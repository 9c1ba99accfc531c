#include "unwrap/file_writes.h"

#include <gtest/gtest.h>

#include "unwrap/unwrap.h"

using namespace dbguard;

namespace {

TEST(DynamicWrites, PatternsCoverWhatTheTargetCouldBe) {
  WrittenFiles w;
  w.note_dynamic("$OUT/x.sql", dynamic_target_pattern("$OUT/x.sql", "/p"));
  EXPECT_TRUE(could_be_written(w, "/anything/x.sql", 1));
  EXPECT_FALSE(could_be_written(w, "/p/y.sql", 1));
  EXPECT_FALSE(could_be_written(w, "/anything/x.sql", 0));  // not yet written at that point
  WrittenFiles rel;
  rel.note_dynamic("out-$N.sql", dynamic_target_pattern("./out-$N.sql", "/p"));
  EXPECT_TRUE(could_be_written(rel, "/p/out-3.sql", 1));
  EXPECT_FALSE(could_be_written(rel, "/q/out-3.sql", 1));
  WrittenFiles any;
  any.note_dynamic("$F", dynamic_target_pattern("$F", "/p"));
  std::string why;
  EXPECT_TRUE(could_be_written(any, "/etc/x.sql", 1, &why));
  EXPECT_NE(why.find("$F"), std::string::npos);
  EXPECT_EQ(dynamic_target_pattern("${D:-/tmp}/../x", "/p"), ".*");
  WrittenFiles sub;
  sub.note_dynamic("$(…)/a", dynamic_target_pattern("$(…)/a", "/p"));
  EXPECT_TRUE(could_be_written(sub, "/tmp/x/a", 1));
  EXPECT_TRUE(could_be_written(sub, "/tmp/x/a/b.sql", 1));  // a directory target covers what is under it
  EXPECT_FALSE(could_be_written(sub, "/tmp/x/b", 1));
}

TEST(DynamicWrites, LaterClientAndShellReadsAreOpaque) {
  auto r = unwrap_command("echo 'DROP TABLE users' > \"$F\"; psql -f x.sql; wc -l < notes.txt", "/p");
  ASSERT_EQ(r.invocations.size(), 3u);
  EXPECT_TRUE(written_earlier(r.invocations[1], "x.sql"));
  EXPECT_EQ(r.invocations[2].stdin_source.kind, Input::Kind::Opaque);  // a read, opaque: judged by the reader
  auto tee = unwrap_command("echo x | tee \"$OUT/a.sql\"; psql -f b.sql", "/p");
  ASSERT_EQ(tee.invocations.size(), 3u);
  EXPECT_FALSE(written_earlier(tee.invocations[2], "b.sql"));
  EXPECT_TRUE(written_earlier(tee.invocations[2], "/x/a.sql"));
  auto before = unwrap_command("psql -f x.sql; echo x > \"$F\"", "/p");
  EXPECT_FALSE(written_earlier(before.invocations[0], "x.sql"));
}

}  // namespace
