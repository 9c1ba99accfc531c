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
