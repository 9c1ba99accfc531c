#include "unwrap/scope.h"

#include <gtest/gtest.h>

using namespace dbguard;

TEST(Scope, ACopysChangesAreItsOwn) {
  Scope outer;
  outer.set("A", Arg{"1", false});
  outer.export_name("A");
  Scope inner = outer;  // a subshell
  inner.set("A", Arg{"2", false});
  inner.set("B", Arg{"$X", true});
  inner.erase("C");
  EXPECT_EQ(*outer.value("A"), "1");
  EXPECT_EQ(*inner.value("A"), "2");
  EXPECT_EQ(outer.value("B"), nullptr);
  EXPECT_EQ(inner.value("B"), nullptr);  // known only at run time
  Scope other = outer;
  other.erase("A");
  EXPECT_EQ(other.value("A"), nullptr);
  EXPECT_EQ(*outer.value("A"), "1");
  ASSERT_EQ(outer.exported_env()->size(), 1u);
  EXPECT_EQ(outer.exported_env()->front().second.text, "1");
  EXPECT_TRUE(other.exported_env()->empty());
}

// The exported list is one object until an exported name changes.
TEST(Scope, TheExportedListIsSharedUntilAnExportedNameChanges) {
  Scope s;
  s.set("PGHOST", Arg{"db", false});
  s.export_name("PGHOST");
  const SharedEnv first = s.exported_env();
  s.set("LOCAL", Arg{"x", false});  // not exported
  s.erase("UNSET");
  s.export_name("PGHOST");  // already
  EXPECT_EQ(s.exported_env(), first);
  Scope copy = s;
  EXPECT_EQ(copy.exported_env(), first);
  s.set("PGHOST", Arg{"$PROD_HOST", true});
  ASSERT_NE(s.exported_env(), first);
  EXPECT_TRUE(s.exported_env()->front().second.dynamic);
  EXPECT_EQ(copy.exported_env(), first);  // the copy's variables did not change
  s.export_name("LOCAL");
  EXPECT_EQ(s.exported_env()->size(), 2u);
  s.erase("LOCAL");
  EXPECT_EQ(s.exported_env()->size(), 1u);
}
