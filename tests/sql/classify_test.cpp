#include "sql/classify.h"

#include <gtest/gtest.h>

using dbguard::sql::classify;

namespace {

std::vector<std::string> kinds(const std::string& sql) {
  std::vector<std::string> k;
  for (const auto& f : classify(sql).findings) k.push_back(f.kind);
  return k;
}

using V = std::vector<std::string>;

TEST(SqlClassify, DestructiveStatements) {
  EXPECT_EQ(kinds("DROP TABLE users"), V{"drop"});
  EXPECT_EQ(kinds("drop schema app cascade"), V{"drop"});
  EXPECT_EQ(kinds("DROP DATABASE app"), V{"drop"});
  EXPECT_EQ(kinds("DROP MATERIALIZED VIEW mv"), V{"drop"});
  EXPECT_EQ(kinds("TRUNCATE users, providers CASCADE"), V{"truncate"});
  EXPECT_EQ(kinds("DELETE FROM users"), V{"delete-all"});
  EXPECT_EQ(kinds("UPDATE users SET active = false"), V{"update-all"});
  EXPECT_EQ(kinds("ALTER TABLE users DROP COLUMN email"), V{"drop-column"});
  EXPECT_EQ(kinds("DROP OWNED BY app"), V{"drop-owned"});
}

TEST(SqlClassify, AlwaysTrueWhereIsNoWhere) {
  for (const char* sql : {"DELETE FROM t WHERE 1=1", "DELETE FROM t WHERE true", "DELETE FROM t WHERE 'a'='a'",
                          "DELETE FROM t WHERE x = x", "DELETE FROM t WHERE id = 5 OR 1 = 1",
                          "DELETE FROM t WHERE 't'::bool", "UPDATE t SET a = 1 WHERE 1 <> 2"})
    EXPECT_FALSE(classify(sql).findings.empty()) << sql;
  for (const char* sql : {"DELETE FROM t WHERE id = 5", "UPDATE t SET a = 1 WHERE id IN (1, 2)",
                          "DELETE FROM t WHERE id = 5 AND 1 = 1", "DELETE FROM t WHERE x = y"})
    EXPECT_TRUE(classify(sql).findings.empty()) << sql;
}

TEST(SqlClassify, NestedStatementsCount) {
  EXPECT_EQ(kinds("WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d"), V{"delete-all"});
  EXPECT_EQ(kinds("BEGIN; TRUNCATE t; COMMIT;"), V{"truncate"});
  EXPECT_EQ(kinds("DO $$ BEGIN DELETE FROM users; END $$"), V{"delete-all"});
  EXPECT_EQ(kinds("DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'users'; END $$"), V{"drop"});
  EXPECT_EQ(kinds("CREATE FUNCTION wipe() RETURNS void LANGUAGE sql AS 'TRUNCATE users'"), V{"truncate"});
}

TEST(SqlClassify, HarmlessStatementsPass) {
  for (const char* sql : {"SELECT 'DROP TABLE x'", "-- DROP TABLE x\nSELECT 1", "/* TRUNCATE t */ SELECT 1",
                          "DROP INDEX idx_users_email", "DROP VIEW v", "DROP ROLE bob",
                          "ALTER TABLE t DROP CONSTRAINT fk", "INSERT INTO t VALUES (1)",
                          "CREATE TABLE x (id int)", "SELECT * FROM users WHERE email = 'drop table'"})
    EXPECT_TRUE(classify(sql).findings.empty()) << sql;
}

TEST(SqlClassify, UnparseableTextFallsBackToTokens) {
  auto v = classify("DROP TABLE IF EXISTS `users`");  // MySQL quoting: not PostgreSQL
  EXPECT_FALSE(v.parsed);
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_EQ(v.findings[0].kind, "drop");
  EXPECT_TRUE(classify("SELECT `drop` FROM t").findings.empty());
  EXPECT_FALSE(classify("DELETE FROM `t`").findings.empty());
  EXPECT_TRUE(classify("DELETE FROM `t` WHERE id = 1").findings.empty());
}

TEST(SqlClassify, ReportsStatements) {
  auto v = classify("SELECT 1; SELECT 2;");
  EXPECT_TRUE(v.parsed);
  EXPECT_EQ(v.statements, (V{"SELECT 1", "SELECT 2"}));
}

}  // namespace

// libpg_query emits its tree as JSON; invalid UTF-8 in an identifier once made
// that tree unreadable and the statement read as nothing at all.
TEST(SqlClassify, InvalidUtf8IsStillJudged) {
  EXPECT_EQ(kinds("DROP TABLE \xff"), V{"drop"});
  EXPECT_EQ(kinds("DELETE FROM t\xc3 "), V{"delete-all"});
  EXPECT_EQ(kinds("SELECT '\xfe\xff'"), V{});
  EXPECT_EQ(kinds("DO $$ BEGIN TRUNCATE t\xff; END $$"), V{"truncate"});
}
