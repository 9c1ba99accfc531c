#include "support/lent_text.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

using namespace dbguard;

TEST(LentText, LentIsAViewOfTheLendersText) {
  const std::string source = "psql -c 'DELETE FROM t'";
  LentText t;
  t.lend(source);
  EXPECT_EQ(t.view(), source);
  EXPECT_EQ(t.view().data(), source.data());  // not copied
}

// What keeps the holder past the lender's call (explain's traces) keeps a copy.
TEST(LentText, ACopyOwnsItsText) {
  std::string source = "docker volume rm pg";
  LentText lent;
  lent.lend(source);
  LentText copy = lent;
  LentText assigned;
  assigned = lent;
  source.assign(source.size(), 'x');
  EXPECT_EQ(copy.view(), "docker volume rm pg");
  EXPECT_EQ(assigned.view(), "docker volume rm pg");
  EXPECT_NE(copy.view().data(), source.data());
}

// A short string moves by copying its bytes: the moved-to holder must view its
// own storage, not the storage it was moved from.
TEST(LentText, AMovedOwnedTextViewsItsNewStorage) {
  for (const std::string& text : {std::string("ls"), std::string(100, 'a')}) {
    LentText from;
    from.keep(text);
    LentText to(std::move(from));
    from.keep("something else entirely, longer than a short string");
    EXPECT_EQ(to.view(), text);
    LentText assigned;
    assigned = std::move(to);
    to.keep("zz");
    EXPECT_EQ(assigned.view(), text);
  }
}

TEST(LentText, AMovedLentTextStillViewsTheLender) {
  const std::string source = "rm -rf /srv/data";
  LentText from;
  from.lend(source);
  LentText to(std::move(from));
  EXPECT_EQ(to.view().data(), source.data());
  EXPECT_TRUE(from.empty());
}

TEST(LentText, KeepingAfterLendingOwnsAgain) {
  LentText t;
  {
    std::string gone = "first";
    t.lend(gone);
  }
  std::string later = "second";
  t.keep(later);
  later.assign("xxxxxx");
  EXPECT_EQ(t.view(), "second");
  EXPECT_EQ(std::string(t), "second");
}
