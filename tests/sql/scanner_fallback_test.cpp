#include "sql/scanner_fallback.h"

#include <gtest/gtest.h>
#include <pg_query.h>

#include <random>
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

// The same, over texts made at random of the pieces that change how the scanner
// reads what follows (quotes of every kind, dollar quotes, comments, parentheses,
// escapes, keywords, `;` and newlines): a fixed seed, so a failure repeats. For a
// text the scanner reads to its end, the statements are the same. Where it stops
// inside a token (an invalid Unicode escape), the text split whole is one statement
// from there back to its last statement the scanner could split again; pieces keep
// the statements that ended before it. Either way the statements lie in order in
// the text, and no text after a statement's end is lost.
TEST(ScannerFallback, StatementsAreTheSameWhateverThePiecesForRandomTexts) {
  const std::vector<std::string> tokens = {"SELECT ", "DROP TABLE t", "x", " ", "1", ";", ";\n", "\n", "'", "''",
                                           "\"", "$$", "$a$", "--", "/*", "*/", "(", ")", "E'", "\\", "U&'",
                                           "CREATE RULE r AS ON INSERT TO t DO (", "BEGIN ATOMIC ", "END", "é"};
  std::mt19937 rng(20261202);
  std::uniform_int_distribution<std::size_t> pick(0, tokens.size() - 1), length(1, 120);
  auto spans = [](const std::string& sql, std::size_t piece) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for_each_statement(
        sql, [&](std::string_view s) { out.emplace_back(s.data() - sql.data(), s.data() - sql.data() + s.size()); },
        piece);
    return out;
  };
  int read_to_the_end = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string sql;
    for (std::size_t n = length(rng); n > 0; --n) sql += tokens[pick(rng)];
    PgQuerySplitResult split = pg_query_split_with_scanner(sql.c_str());
    const bool clean = split.error == nullptr;
    pg_query_free_split_result(split);
    read_to_the_end += clean;
    const auto whole = spans(sql, sql.size() + 1);
    for (std::size_t piece : {std::size_t{4}, std::size_t{9}, std::size_t{32}}) {
      const auto pieces = spans(sql, piece);
      if (clean) {
        ASSERT_EQ(pieces, whole) << "piece " << piece << " of:\n" << sql;
      }
      std::size_t at = 0;
      for (const auto& [b, e] : pieces) {
        ASSERT_LE(at, b) << sql;
        ASSERT_LE(b, e) << sql;
        at = e;
      }
      if (!whole.empty()) {
        ASSERT_EQ(at, whole.back().second) << "piece " << piece << " of:\n" << sql;
      }
    }
  }
  EXPECT_GT(read_to_the_end, 300);  // not only texts the scanner stops in
}
