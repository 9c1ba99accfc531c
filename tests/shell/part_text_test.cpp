#include "shell/part_text.h"

#include <gtest/gtest.h>

#include <string>

using dbguard::shell::PartText;

namespace {

bool points_into(std::string_view inner, const std::string& outer) {
  return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
}

TEST(PartText, AViewIsTheSourceItselfAndGrowsOverWhatFollows) {
  const std::string src = "echo hello world";
  PartText t = PartText::view_of(std::string_view(src).substr(5, 5));
  EXPECT_EQ(t, "hello");
  EXPECT_EQ(t.view().data(), src.data() + 5);
  ASSERT_TRUE(t.continued_by(std::string_view(src).substr(10, 6)));
  EXPECT_FALSE(t.continued_by(std::string_view(src).substr(11, 5)));  // a gap: not the same run
  t.extend_view(std::string_view(src).substr(10, 6));
  EXPECT_EQ(t, "hello world");
  EXPECT_TRUE(points_into(t.view(), src));
  // Copies of a view are views of the same text; nothing is allocated.
  PartText c = t;
  EXPECT_EQ(c.view().data(), t.view().data());
}

TEST(PartText, AppendingWhatDoesNotFollowMakesTextOfItsOwn) {
  const std::string src = "a\\ b";
  PartText t = PartText::view_of(std::string_view(src).substr(0, 1));
  t.append(std::string_view(src).substr(2, 2));  // the escape's character and on: not a run of the source
  EXPECT_EQ(t, "a b");
  EXPECT_FALSE(points_into(t.view(), src));
  EXPECT_FALSE(t.continued_by(std::string_view(src).substr(4)));  // text of its own is never a view again
  // Its own text is copied deep and moved whole.
  PartText c = t;
  EXPECT_NE(c.view().data(), t.view().data());
  EXPECT_EQ(c, "a b");
  PartText m = std::move(c);
  EXPECT_EQ(m, "a b");
  EXPECT_TRUE(c.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty, by design
}

TEST(PartText, GrowsByDoublingAndDropsAPrefix) {
  PartText t;
  std::string expect;
  for (int i = 0; i < 1000; ++i) {
    t.append("ab");
    expect += "ab";
  }
  EXPECT_EQ(t, expect);
  t.remove_prefix(3);
  EXPECT_EQ(t, expect.substr(3));
  const std::string src = "NAME=value";
  PartText v = PartText::view_of(src);
  v.remove_prefix(5);
  EXPECT_EQ(v, "value");
  EXPECT_EQ(v.view().data(), src.data() + 5);
  v.remove_prefix(100);
  EXPECT_TRUE(v.empty());
}

}  // namespace
