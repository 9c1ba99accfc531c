#include "sql/scanner_fallback.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace dbguard::sql;

namespace {

std::vector<std::string> span_texts(const std::string& body) {
  std::vector<std::string> out;
  for (const auto& s : procedural_statement_spans(body)) out.push_back(body.substr(s.begin, s.end - s.begin));
  return out;
}

}  // namespace

TEST(ScannerFallback, SplitsAtSemicolonsOutsideQuotes) {
  EXPECT_EQ(split_statements("SELECT ';'; SELECT $$;$$; -- ;\n"), (std::vector<std::string>{"SELECT ';'", " SELECT $$;$$"}));
  EXPECT_EQ(split_statements("SELECT 'unterminated"), (std::vector<std::string>{"SELECT 'unterminated"}));
  EXPECT_TRUE(split_statements("  -- nothing\n").empty());
}

TEST(ScannerFallback, MayBeDestructiveLooksAtKeywordsOnly) {
  for (const char* s : {"DROP TABLE t", "truncate t", "DELETE FROM t WHERE id = 1", "UPDATE t SET a = 1",
                        "DO $$ $$", "CREATE FUNCTION f() RETURNS int AS 'SELECT 1'", "CREATE PROCEDURE p() AS ''"})
    EXPECT_TRUE(may_be_destructive(s)) << s;
  for (const char* s : {"SELECT 'DROP TABLE t'", "INSERT INTO t VALUES (1)", "-- DELETE FROM t\nSELECT 1",
                        "SELECT \"drop\" FROM t", "CREATE TABLE t (id int)"})
    EXPECT_FALSE(may_be_destructive(s)) << s;
}

TEST(ScannerFallback, ProceduralStatementsStartAfterBlockKeywords) {
  EXPECT_EQ(span_texts("BEGIN FOR r IN c LOOP DROP TABLE t; END LOOP"),
            (std::vector<std::string>{"BEGIN FOR r IN c LOOP DROP TABLE t", "FOR r IN c LOOP DROP TABLE t",
                                      "DROP TABLE t", " END LOOP"}));
  EXPECT_EQ(span_texts("IF a THEN x := 1; ELSE TRUNCATE t; END IF"),
            (std::vector<std::string>{"IF a THEN x := 1", "x := 1", " ELSE TRUNCATE t", "TRUNCATE t", " END IF"}));
  EXPECT_EQ(span_texts("<<l>> BEGIN NULL; END"), (std::vector<std::string>{"<<l>> BEGIN NULL", "BEGIN NULL", "NULL", " END"}));
}

// psql runs each statement when its `;` arrives: an unterminated quote later in a file
// does not stop what came before it (TRUNCATE users; SELECT 'never closed).
TEST(ScannerFallback, StatementsBeforeAnUnterminatedQuoteAreSplit) {
  EXPECT_EQ(split_statements("TRUNCATE users; SELECT 'never closed"),
            (std::vector<std::string>{"TRUNCATE users", "SELECT 'never closed"}));
  EXPECT_EQ(split_statements("SELECT 'é'; DELETE FROM t; /* open"),
            (std::vector<std::string>{"SELECT 'é'", " DELETE FROM t", "/* open"}));
  EXPECT_EQ(split_statements("SELECT 1; SELECT 'a;b"), (std::vector<std::string>{"SELECT 1", "SELECT 'a;b"}));
}

// A long text is split a piece at a time (the scanner's memory grows with what it
// reads in one call). The statements are the same whatever the pieces: pieces that
// cut quotes, dollar-quoted bodies, comments and parentheses holding `;` and newlines,
// a text with an unterminated quote in its middle and one at its end.
TEST(ScannerFallback, StatementsAreTheSameWhateverThePieces) {
  const std::string unit =
      "INSERT INTO t VALUES (1, 'a;\nb');\n"
      "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\n SELECT 2; $$ LANGUAGE sql;\n"
      "/* a comment;\n over lines */ DELETE FROM t WHERE id = 2;\n"
      "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1;\n SELECT 2);\n"
      ";\n;  \n"
      "SELECT \"quoted;\nname\" FROM t -- trailing;\n;\n"
      "UPDATE t SET a = E'x\\';\n' WHERE b;\n";
  std::string script;
  for (int i = 0; i < 40; ++i) script += unit;
  auto texts = [](const std::string& sql, std::size_t piece) {
    std::vector<std::string> out;
    const std::size_t n = for_each_statement(sql, [&](std::string_view s) { out.emplace_back(s); }, piece);
    EXPECT_EQ(n, out.size());
    return out;
  };
  for (const std::string& sql : {script, script + "SELECT 'never closed;\nDROP TABLE t;\n",
                                 script + "SELECT 'open;\n" + script}) {
    const auto whole = texts(sql, sql.size() + 1);
    ASSERT_GE(whole.size(), 2u);
    for (std::size_t piece : {std::size_t{16}, std::size_t{37}, std::size_t{100}, std::size_t{1000}, sql.size() / 3})
      EXPECT_EQ(texts(sql, piece), whole) << "piece " << piece;
  }
  EXPECT_EQ(texts(script, 64).size(), 40u * 6);  // 6 statements a unit
}
