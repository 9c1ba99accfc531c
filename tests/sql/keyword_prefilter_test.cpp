#include "sql/keyword_prefilter.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "keyword_oracle.h"

using dbguard::sql::kDestructiveKeywords;
using dbguard::sql::names_destructive_keyword;

TEST(KeywordPrefilter, TheExpressionNamesTheKeywordList) {
  std::string alternation;
  for (auto w : kDestructiveKeywords) alternation += (alternation.empty() ? "" : "|") + std::string(w);
  EXPECT_EQ(dbguard::sql::kDestructiveKeywordExpression, "\\b(?:" + alternation + ")\\b");
}

TEST(KeywordPrefilter, WholeWordsInAnyCase) {
  EXPECT_TRUE(names_destructive_keyword("drop table users;"));
  EXPECT_TRUE(names_destructive_keyword("INSERT INTO t VALUES (1);\nDelete from t"));
  EXPECT_TRUE(names_destructive_keyword("x;Truncate"));
  EXPECT_TRUE(names_destructive_keyword("select 'a'||update"));  // inside a string counts: it only costs a parse
  EXPECT_TRUE(names_destructive_keyword("-- DO\n"));
  EXPECT_TRUE(names_destructive_keyword(std::string("x\0drop", 6)));
  EXPECT_TRUE(names_destructive_keyword("caf\xc3\xa9" "DROP"));  // a non-ASCII byte bounds a word
  EXPECT_FALSE(names_destructive_keyword(""));
  EXPECT_FALSE(names_destructive_keyword("INSERT INTO users (updated_at) VALUES (now());"));
  EXPECT_FALSE(names_destructive_keyword("SELECT double, dropped, _drop, drop_x, drop2, 2drop FROM t"));
  EXPECT_FALSE(names_destructive_keyword("SELECT undo, redo, dot FROM t"));
}

TEST(KeywordPrefilter, AgreesWithThePlainReading) {
  // Every keyword in three cases, between every kind of neighbour.
  const std::string neighbours[] = {"", " ", "x", "9", "_", "(", ";", "\n", "\xc3\xa9", std::string(1, '\0'), "'"};
  std::size_t checked = 0;
  for (auto w : kDestructiveKeywords)
    for (int casing = 0; casing < 3; ++casing) {
      std::string word(w);
      for (std::size_t i = 0; i < word.size(); ++i)
        if (casing == 1 || (casing == 2 && i % 2)) word[i] = static_cast<char>(std::tolower(word[i]));
      for (const auto& before : neighbours)
        for (const auto& after : neighbours) {
          std::string text = "SELECT 1" + before + word + after + "FROM t";
          ASSERT_EQ(names_destructive_keyword(text), dbguard::sql::oracle::names_destructive_keyword(text)) << text;
          ++checked;
        }
    }
  // Random texts over an alphabet dense in the keywords' letters.
  const std::string alphabet = "DROPTUNCAEFILGMdroptuncaefilgm_09 ;\n'\x80\xff";
  std::mt19937 rng(7);
  for (int n = 0; n < 20000; ++n) {
    std::string text(rng() % 40, ' ');
    for (auto& c : text) c = alphabet[rng() % alphabet.size()];
    ASSERT_EQ(names_destructive_keyword(text), dbguard::sql::oracle::names_destructive_keyword(text)) << text;
    ++checked;
  }
  EXPECT_GT(checked, 20000u);
}

TEST(KeywordPrefilter, ReadsALargeScriptToItsEnd) {
  std::string script;
  while (script.size() < (1u << 20)) script += "INSERT INTO users (id, email) VALUES (1, 'a@example.com');\n";
  EXPECT_FALSE(names_destructive_keyword(script));
  EXPECT_TRUE(names_destructive_keyword(script + "drop table users;"));
}
