#include "support/text.h"

#include <gtest/gtest.h>

using namespace dbguard;

// Text that is only run-time expansions says nothing the guard can read.
TEST(OnlyPlaceholders, ExpansionsAndPunctuationOnly) {
  EXPECT_TRUE(only_placeholders(""));
  EXPECT_TRUE(only_placeholders("$X"));
  EXPECT_TRUE(only_placeholders("${SQL};\n"));
  EXPECT_TRUE(only_placeholders("$(…)"));
  EXPECT_TRUE(only_placeholders("<(…) $(…)\n"));
  EXPECT_TRUE(only_placeholders("$A_1 \"$B\" 42"));
  EXPECT_FALSE(only_placeholders("DROP TABLE $T;"));
  EXPECT_FALSE(only_placeholders("$(…) users"));
  EXPECT_FALSE(only_placeholders("$X y"));
}

// A marker stands for a whole substitution: it is stepped over as if it were not
// there, so a variable name goes on after it and the marker's own `$` names nothing.
TEST(OnlyPlaceholders, MarkersAreSteppedOverAsIfErased) {
  EXPECT_TRUE(only_placeholders("$A$(…)B"));    // as "$AB"
  EXPECT_FALSE(only_placeholders("x$(…)"));
  EXPECT_FALSE(only_placeholders("$(…)x"));     // the marker's `$` is no variable's
  EXPECT_FALSE(only_placeholders("$(…x)"));     // not a marker: `(` ends the name, x is text
  // A long text of markers is read once (not copied and erased marker by marker).
  std::string many;
  for (int i = 0; i < 200000; ++i) many += "$(…)<(…)$X ";
  EXPECT_TRUE(only_placeholders(many));
  EXPECT_FALSE(only_placeholders(many + "DROP"));
}

TEST(CutText, ShortTextIsWholeALongOneEndsAtACharacterWithAMark) {
  EXPECT_EQ(cut_text("prod-db", 7), "prod-db");
  EXPECT_EQ(cut_text("prod-db.internal", 7), "prod-db…");
  // "é" is two bytes: a cut inside it moves back to its start.
  EXPECT_EQ(cut_text("abcé-prod", 4), "abc…");
  EXPECT_EQ(cut_text("abcé-prod", 5), "abcé…");
  EXPECT_EQ(cut_text("", 0), "");
}
