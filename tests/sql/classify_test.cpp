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

// Verdicts of short texts are remembered (a bounded number): each text keeps its
// own, however many come between and however often it is asked again.
TEST(SqlClassify, RememberedVerdictsBelongToTheirText) {
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 150; ++i) {
      std::string table = "t" + std::to_string(i);
      std::string sql = i % 2 ? "DROP TABLE " + table : "SELECT * FROM " + table;
      auto v = classify(sql);
      ASSERT_EQ(v.statements, V{sql});
      if (i % 2) {
        ASSERT_EQ(v.findings.size(), 1u) << sql;
        EXPECT_NE(v.findings[0].detail.find(table), std::string::npos) << v.findings[0].detail;
      } else {
        EXPECT_TRUE(v.findings.empty()) << sql;
      }
    }
  // A long text is judged as well (not remembered).
  std::string big = "SELECT 1;\n";
  while (big.size() < 8192) big += "SELECT 1;\n";
  EXPECT_EQ(kinds(big + "DROP TABLE users;"), V{"drop"});
  EXPECT_TRUE(kinds(big).empty());
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

// psql (and the other clients) run a script statement by statement, so a statement
// PostgreSQL's parser rejects does not stop the ones after it. One such statement
// once sent the whole script to the token scanner, which sees neither procedural
// bodies nor always-true WHEREs: a DO block that drops a table was allowed.
TEST(SqlClassify, OneRejectedStatementLeavesTheOthersToTheParser) {
  EXPECT_EQ(kinds("DO $$ BEGIN DROP TABLE users; END $$;\nSELECT `x`;"), V{"drop"});
  EXPECT_EQ(kinds("DELETE FROM users WHERE 1=1;\nSELECT `x`;"), V{"delete-all"});
  EXPECT_EQ(kinds("SELECT `x`;\nWITH d AS (DELETE FROM users WHERE true RETURNING *) SELECT 1;"), V{"delete-all"});
  EXPECT_EQ(kinds("SELECT `x`;\nCREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'TRUNCATE users';"), V{"truncate"});
  EXPECT_EQ(kinds("DROP TABLE IF EXISTS `users`;\nTRUNCATE t;"), (V{"drop", "truncate"}));
  EXPECT_EQ(kinds("DELETE FROM users WHERE id = 7;\nSELECT `x`;"), V{});
  EXPECT_EQ(kinds("DROP TYPE mood;\nSELECT `x`;"), V{});  // as when the whole script parses
  EXPECT_EQ(kinds("INSERT INTO `t` VALUES (1);\nINSERT INTO `t` VALUES ('DROP TABLE t');"), V{});
  auto v = classify("SELECT `x`;\nDELETE FROM users WHERE 1=1;");
  EXPECT_FALSE(v.parsed);
  EXPECT_EQ(v.statements, (V{"SELECT `x`", "DELETE FROM users WHERE 1=1"}));
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_EQ(v.findings[0].statement, "DELETE FROM users WHERE 1=1");
}

// libpg_query's PL/pgSQL compiler rejects some bodies PostgreSQL runs: FOR r IN cursor
// LOOP is one. Such a body was judged by the token scanner, which looks at statement
// starts only; PL/pgSQL statements follow BEGIN, LOOP, THEN, ELSE, so a DROP inside
// the loop was allowed (and PostgreSQL 15 dropped the table).
TEST(SqlClassify, BodiesTheCompilerRejectsAreReadFromEveryStatement) {
  const std::string loop = "DO $$ DECLARE c CURSOR FOR SELECT 1; BEGIN FOR r IN c LOOP ";
  const std::string end = " END LOOP; END $$";
  EXPECT_EQ(kinds(loop + "DROP TABLE users;" + end), V{"drop"});
  EXPECT_EQ(kinds(loop + "TRUNCATE users;" + end), V{"truncate"});
  EXPECT_EQ(kinds(loop + "DELETE FROM users WHERE 1=1;" + end), V{"delete-all"});
  EXPECT_EQ(kinds(loop + "IF r IS NULL THEN NULL; ELSE UPDATE users SET a = 1; END IF;" + end), V{"update-all"});
  EXPECT_EQ(kinds(loop + "<<inner>> BEGIN ALTER TABLE users DROP COLUMN email; END;" + end), V{"drop-column"});
  EXPECT_EQ(kinds(loop + "EXECUTE 'DROP TABLE ' || 'users';" + end), V{"drop"});
  EXPECT_EQ(kinds("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ DECLARE c CURSOR FOR SELECT 1; "
                  "BEGIN FOR r IN c LOOP DROP TABLE users; END LOOP; END $$"),
            V{"drop"});
  EXPECT_EQ(kinds(loop + "DELETE FROM users WHERE id = r.id;" + end), V{});
  EXPECT_EQ(kinds(loop + "RAISE NOTICE 'DROP TABLE users';" + end), V{});
  EXPECT_EQ(kinds(loop + "UPDATE t SET a = CASE WHEN b THEN 1 ELSE 2 END WHERE id = 3;" + end), V{});
}

namespace {

TEST(SqlClassify, ConstantComparisonsOfEveryOperator) {
  for (const char* sql :
       {"DELETE FROM users WHERE 1 < 2", "DELETE FROM users WHERE 2 > 1", "DELETE FROM users WHERE 1 <= 1",
        "DELETE FROM users WHERE 3 >= 2", "DELETE FROM users WHERE 1 != 2", "DELETE FROM users WHERE 'a' <> 'b'",
        "DELETE FROM users WHERE 'b' > 'a'", "DELETE FROM users WHERE 1::bool", "DELETE FROM users WHERE 1::boolean",
        "DELETE FROM users WHERE NOT false", "DELETE FROM users WHERE NOT (1 = 2)", "DELETE FROM users WHERE 1",
        "DELETE FROM users WHERE 1.5 > 1", "DELETE FROM users WHERE '1' = 1",
        "DELETE FROM users WHERE true IS TRUE", "UPDATE users SET a = 1 WHERE 2 > 1",
        "DELETE FROM users WHERE id = 5 OR 2 > 1", "DELETE FROM users WHERE 1 < 2 AND 'x' = 'x'"})
    EXPECT_FALSE(classify(sql).findings.empty()) << sql;
  for (const char* sql :
       {"DELETE FROM users WHERE 2 < 1", "DELETE FROM users WHERE 1 > 2", "DELETE FROM users WHERE 1 <> 1",
        "DELETE FROM users WHERE 0::bool", "DELETE FROM users WHERE NOT true", "DELETE FROM users WHERE 0",
        "DELETE FROM users WHERE id < 2", "DELETE FROM users WHERE 1 < 2 AND id = 3",
        "DELETE FROM users WHERE NOT active", "DELETE FROM users WHERE 'a' = 'b'"})
    EXPECT_TRUE(classify(sql).findings.empty()) << sql;
}

TEST(SqlClassify, MergeDeletingEveryMatchedRow) {
  EXPECT_EQ(kinds("MERGE INTO users u USING staging s ON true WHEN MATCHED THEN DELETE"), V{"delete-all"});
  EXPECT_EQ(kinds("MERGE INTO users u USING staging s ON 1 = 1 WHEN MATCHED THEN DELETE"), V{"delete-all"});
  EXPECT_EQ(kinds("MERGE INTO users u USING staging s ON 1 = 1 WHEN MATCHED THEN UPDATE SET a = 1"),
            V{"update-all"});
  EXPECT_TRUE(kinds("MERGE INTO users u USING staging s ON u.id = s.id WHEN MATCHED THEN DELETE").empty());
  EXPECT_TRUE(kinds("MERGE INTO users u USING staging s ON true WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)")
                  .empty());
}

TEST(SqlClassify, ExecuteOfTextOnlyKnownAtRunTime) {
  EXPECT_EQ(kinds("DO $$ DECLARE q text := current_setting('app.q'); BEGIN EXECUTE q; END $$"),
            V{"dynamic-execute"});
  EXPECT_EQ(kinds("DO $$ DECLARE q text; BEGIN EXECUTE format('%s', q); END $$"), V{"dynamic-execute"});
  EXPECT_EQ(kinds("CREATE FUNCTION f(q text) RETURNS void AS $$ BEGIN EXECUTE q; END $$ LANGUAGE plpgsql"),
            V{"dynamic-execute"});
  // built from constants the guard can read: judged by them
  EXPECT_TRUE(kinds("DO $$ DECLARE t text := 'x'; BEGIN EXECUTE 'ANALYZE ' || quote_ident(t); END $$").empty());
}

TEST(SqlClassify, ExplainRunsOnlyWithAnalyze) {
  EXPECT_TRUE(kinds("EXPLAIN DELETE FROM users").empty());
  EXPECT_TRUE(kinds("EXPLAIN (ANALYZE false) DELETE FROM users").empty());
  EXPECT_EQ(kinds("EXPLAIN ANALYZE DELETE FROM users"), V{"delete-all"});
  EXPECT_EQ(kinds("EXPLAIN (ANALYZE, BUFFERS) DELETE FROM users"), V{"delete-all"});
  EXPECT_EQ(kinds("EXPLAIN (ANALYZE true) UPDATE users SET a = 1"), V{"update-all"});
}

}  // namespace

// A large script is parsed only where a statement names a keyword some finding needs.
// What classify() finds in such a script, classify_script() must find too, and the
// statements it lists are all of them.
TEST(SqlClassifyScript, LargeScriptsFindWhatTheWholeParseFinds) {
  std::string inserts;
  for (int i = 0; inserts.size() < dbguard::sql::kScriptPrefilterBytes; ++i)
    inserts += "INSERT INTO users (id, note) VALUES (" + std::to_string(i) + ", 'double updated_at dropdown');\n";
  const std::vector<std::string> tails = {
      "DROP TABLE legacy;",
      "drop owned by app;",
      "DELETE FROM users WHERE 1 = 1;",
      "update users set a = 1;",
      "ALTER TABLE users DROP COLUMN email;",
      "DO $$ BEGIN TRUNCATE users; END $$;",
      "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'TRUNCATE users';",
      "WITH d AS (DELETE FROM users RETURNING *) SELECT count(*) FROM d;",
      "SELECT `x`; DELETE FROM users;",  // one statement the parser rejects
      "MERGE INTO users u USING users s ON true WHEN MATCHED THEN DELETE;",
      "Truncate Table users;",
      "pRePaRe p AS DELETE FROM users; EXECUTE p;",
  };
  for (const auto& tail : tails) {
    std::string sql = inserts + tail + "\nINSERT INTO users VALUES (0, 'x');\n";
    auto whole = classify(sql);
    auto script = dbguard::sql::classify_script(sql);
    std::vector<std::string> a, b;
    for (const auto& f : whole.findings) a.push_back(f.kind + "|" + f.statement);
    for (const auto& f : script.findings) b.push_back(f.kind + "|" + f.statement);
    EXPECT_FALSE(b.empty()) << tail;
    EXPECT_EQ(a, b) << tail;
    EXPECT_EQ(script.statements.size(), whole.statements.size()) << tail;
    // Without the statement list (the hook): the same findings.
    std::vector<std::string> c;
    auto hook = dbguard::sql::classify_script(sql, false);
    for (const auto& f : hook.findings) c.push_back(f.kind + "|" + f.statement);
    EXPECT_EQ(a, c) << tail;
    EXPECT_TRUE(hook.statements.empty()) << tail;  // not listed: nobody reads them
  }
  // No keyword any finding needs anywhere (dropdown, updated_at are not words of
  // them): the hook does not split the script, and finds what the split finds, nothing.
  auto plain = dbguard::sql::classify_script(inserts, false);
  EXPECT_TRUE(plain.findings.empty());
  EXPECT_TRUE(plain.statements.empty());
  EXPECT_TRUE(dbguard::sql::classify_script(inserts).findings.empty());
  EXPECT_FALSE(dbguard::sql::classify_script(inserts).statements.empty());
  // Nothing destructive: nothing found, every statement listed.
  auto clean = dbguard::sql::classify_script(inserts + "DELETE FROM users WHERE id = 7;\n");
  EXPECT_TRUE(clean.findings.empty());
  EXPECT_TRUE(clean.parsed);
  EXPECT_EQ(clean.statements.back(), "DELETE FROM users WHERE id = 7");
  // The scanner cannot split an unterminated quote: judged whole, as classify() does.
  auto open = dbguard::sql::classify_script(inserts + "TRUNCATE users; SELECT 'never closed");
  EXPECT_FALSE(open.findings.empty());
}

// The hook's keyword check runs before NUL bytes and invalid UTF-8 are replaced
// for the parser: a keyword after a NUL byte, or after a statement holding
// invalid UTF-8 (a Latin-1 seed file), is still found, and still parsed.
TEST(SqlClassifyScript, KeywordsAroundNulAndInvalidUtf8AreFoundInALargeScript) {
  std::string inserts;
  for (int i = 0; inserts.size() < dbguard::sql::kScriptPrefilterBytes; ++i)
    inserts += "INSERT INTO users (id) VALUES (" + std::to_string(i) + ");\n";
  for (const std::string& before : {std::string(1, '\0'), std::string("SELECT 'caf\xe9';\n"),
                                    std::string("SELECT 'x\xff\xfe';\n")}) {
    auto v = dbguard::sql::classify_script(inserts + before + "DROP TABLE users;\n", false);
    ASSERT_EQ(v.findings.size(), 1u) << before;
    EXPECT_EQ(v.findings[0].kind, "drop");
  }
  // A byte of 0x80 or more is part of an identifier for PostgreSQL's lexer
  // (xDROP, \xffDROP are one word): no DROP statement there, as for the server.
  EXPECT_TRUE(dbguard::sql::classify_script(inserts + "SELECT 1; xDROP TABLE users;\n", false).findings.empty());
}

// Under the bound, the text is classified whole.
TEST(SqlClassifyScript, SmallTextIsClassifiedWhole) {
  EXPECT_EQ(dbguard::sql::classify_script("DROP TABLE users").findings.size(), 1u);
  EXPECT_TRUE(dbguard::sql::classify_script("SELECT 1").findings.empty());
}

TEST(SqlClassify, AnUnterminatedQuoteDoesNotHideWhatCameBefore) {
  EXPECT_EQ(kinds("TRUNCATE users; SELECT 'never closed"), V{"truncate"});
  EXPECT_EQ(kinds("SELECT 1;\nDROP TABLE users;\nSELECT $$ never closed"), V{"drop"});
  EXPECT_EQ(kinds("SELECT 'never closed; DROP TABLE users;"), V{});  // inside the string for psql too
}

// dblink_exec and dblink run their SQL argument on another connection.
TEST(SqlClassify, SqlSentThroughDblinkIsJudged) {
  EXPECT_EQ(kinds("SELECT dblink_exec('dbname=app', 'DROP TABLE users')"), V{"drop"});
  EXPECT_EQ(kinds("SELECT * FROM dblink('dbname=app', 'DELETE FROM users RETURNING id') AS t(id int)"), V{"delete-all"});
  EXPECT_EQ(kinds("SELECT * FROM dblink('dbname=app', 'SELECT id FROM users') AS t(id int)"), V{});
  EXPECT_EQ(kinds("SELECT format('DROP TABLE %I', 'users')"), V{});  // only text a call runs counts
}

// ClickHouse mutations are ALTER TABLE … DELETE/UPDATE; PostgreSQL's parser rejects them.
TEST(SqlClassify, ClickHouseMutationsOfEveryRow) {
  EXPECT_EQ(kinds("ALTER TABLE events DELETE WHERE 1"), V{"delete-all"});
  EXPECT_EQ(kinds("ALTER TABLE events UPDATE status = 0 WHERE true"), V{"update-all"});
  EXPECT_EQ(kinds("ALTER TABLE events DELETE WHERE id = 7"), V{});
}

// Bodies in other procedural languages send SQL as strings (plpy.execute, spi_exec_query).
TEST(SqlClassify, ForeignLanguageBodiesAreJudgedByTheirStrings) {
  EXPECT_EQ(kinds("DO LANGUAGE plpython3u $$ plpy.execute('DROP TABLE users') $$"), V{"drop"});
  EXPECT_EQ(kinds("CREATE FUNCTION f() RETURNS void LANGUAGE plperl AS $$ spi_exec_query(\"TRUNCATE users\"); $$"),
            V{"truncate"});
  EXPECT_EQ(kinds("DO LANGUAGE plpython3u $$ plpy.execute('SELECT 1') $$"), V{});
  EXPECT_EQ(kinds("DO LANGUAGE plpython3u $$ plpy.notice('dropping nothing') $$"), V{});
}

// COPY … PROGRAM runs a shell command on the database server: judged as destructive
// whether PostgreSQL's parser reads it or only its scanner does, and in large scripts.
TEST(SqlClassify, CopyProgramRunsAShellCommand) {
  EXPECT_EQ(kinds("COPY (SELECT 1) TO PROGRAM 'dropdb app'"), V{"copy-program"});
  EXPECT_EQ(kinds("copy t from program 'curl -s x'"), V{"copy-program"});
  EXPECT_EQ(kinds("COPY t TO STDOUT"), V{});
  EXPECT_EQ(kinds("COPY t FROM '/tmp/t.csv'"), V{});
  EXPECT_EQ(kinds("COPY t TO PROGRAM 'sh' WITH (FORMAT csv) garbage garbage"), V{"copy-program"});
  std::string inserts;
  while (inserts.size() < (80u << 10)) inserts += "INSERT INTO t VALUES (1);\n";
  auto v = dbguard::sql::classify_script(inserts + "COPY t TO PROGRAM 'dropdb app';\n");
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_EQ(v.findings[0].kind, "copy-program");
}

// WHEREs true by meaning with constants: IN lists, BETWEEN, a LIKE of only %, COALESCE,
// EXISTS of a select with no table, IS NULL OR IS NOT NULL of one expression, NOT (x <> x).
TEST(SqlClassify, MoreAlwaysTruePredicates) {
  EXPECT_EQ(kinds("DELETE FROM users WHERE 1 IN (1)"), V{"delete-all"});
  EXPECT_EQ(kinds("DELETE FROM users WHERE 3 NOT IN (1, 2)"), V{"delete-all"});
  EXPECT_EQ(kinds("DELETE FROM users WHERE 1 BETWEEN 0 AND 2"), V{"delete-all"});
  EXPECT_EQ(kinds("DELETE FROM users WHERE 5 NOT BETWEEN 0 AND 2"), V{"delete-all"});
  EXPECT_EQ(kinds("DELETE FROM users WHERE 'x' LIKE '%%'"), V{"delete-all"});
  EXPECT_EQ(kinds("UPDATE users SET a = 1 WHERE coalesce(NULL, true)"), V{"update-all"});
  EXPECT_EQ(kinds("DELETE FROM users WHERE EXISTS (SELECT 1)"), V{"delete-all"});
  EXPECT_EQ(kinds("DELETE FROM users WHERE id IS NOT NULL OR id IS NULL"), V{"delete-all"});
  EXPECT_EQ(kinds("UPDATE users SET a = 1 WHERE NOT (id <> id)"), V{"update-all"});
  // the row decides
  EXPECT_EQ(kinds("DELETE FROM users WHERE id IN (1, 2)"), V{});
  EXPECT_EQ(kinds("DELETE FROM users WHERE 3 IN (1, 2)"), V{});
  EXPECT_EQ(kinds("DELETE FROM users WHERE 1 BETWEEN 2 AND 3"), V{});
  EXPECT_EQ(kinds("DELETE FROM users WHERE email LIKE '%@spam.example'"), V{});
  EXPECT_EQ(kinds("DELETE FROM users WHERE coalesce(deleted, false)"), V{});
  EXPECT_EQ(kinds("DELETE FROM users WHERE EXISTS (SELECT 1 FROM bans b WHERE b.uid = users.id)"), V{});
  EXPECT_EQ(kinds("DELETE FROM users WHERE id IS NULL OR email IS NOT NULL"), V{});
}

// Past PostgreSQL's own bound on nesting (bison's stack: 10,000 levels) the parser
// stops, and the scanner sees a WHERE but not that it is always true: a statement
// that may delete data is denied as too deep, one that cannot is not.
TEST(SqlClassify, StatementsNestedPastTheParsersBound) {
  auto nested = [](const std::string& head, int levels, const std::string& inner) {
    return head + std::string(levels, '(') + inner + std::string(levels, ')');
  };
  EXPECT_EQ(kinds(nested("DELETE FROM t WHERE ", 5000, "true")), V{"delete-all"});  // read: its meaning judged
  EXPECT_EQ(kinds(nested("DELETE FROM t WHERE ", 20000, "true")), V{"too-deep"});
  EXPECT_EQ(kinds(nested("DELETE FROM t WHERE id = ", 20000, "1")), V{"too-deep"});
  EXPECT_EQ(kinds(nested("UPDATE t SET a = 1 WHERE ", 20000, "true")), V{"too-deep"});
  EXPECT_EQ(kinds(nested("SELECT ", 20000, "1")), V{});  // nothing it could delete
  // One statement of a script: the others are still read by the parser.
  auto v = dbguard::sql::classify("SELECT 1; " + nested("DELETE FROM t WHERE ", 20000, "true") + "; DROP TABLE u;");
  V found;
  for (const auto& f : v.findings) found.push_back(f.kind);
  EXPECT_EQ(found, (V{"too-deep", "drop"}));
  // A syntax error is not a bound: the scanner's reading stands (a WHERE is there).
  EXPECT_EQ(kinds("DELETE FROM t WHERE id = 1 garbage garbage"), V{});
}

// A client's -c argument is judged where it stands, without the newline a file's
// last line has: the findings are those of the text with it, short or long, however
// the text ends (a comment, an open quote or comment, a dollar quote, no semicolon).
TEST(SqlClassify, ATextIsJudgedTheSameWithOrWithoutAFinalNewline) {
  const std::vector<std::string> endings = {
      "DROP TABLE users",
      "DROP TABLE users;",
      "DROP TABLE users; -- gone",
      "DROP TABLE users -- gone",
      "select 1; -- DROP TABLE users",
      "DELETE FROM users /* all of them */",
      "DELETE FROM users /* unterminated",
      "select 'x'; DELETE FROM users WHERE note = 'open",
      "DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$",
      "DO $$ BEGIN EXECUTE 'DROP TABLE users'; END",
      "TRUNCATE users\r",
      "UPDATE users SET active = false;\n\n",
      "select 1",
      "",
      "-- only a comment",
      "DROP TABLE \"users\"\\",
      "COPY users FROM PROGRAM 'rm -rf /srv'",
  };
  std::string seed;  // past kScriptPrefilterBytes: the scanner splits it first
  for (int i = 0; seed.size() < dbguard::sql::kScriptPrefilterBytes; ++i)
    seed += "INSERT INTO t VALUES (" + std::to_string(i) + ", 'name');\n";
  auto shown = [](const dbguard::sql::SqlVerdict& v) {
    std::vector<std::string> s{v.parsed ? "parsed" : "not parsed"};
    for (const auto& f : v.findings) s.push_back(f.kind + " | " + f.detail + " | " + f.statement);
    return s;
  };
  for (const auto& end : endings)
    for (const std::string& text : {end, seed + end}) {
      EXPECT_EQ(shown(dbguard::sql::classify_script(text, false)), shown(dbguard::sql::classify_script(text + "\n", false)))
          << text.substr(text.size() > 200 ? text.size() - 200 : 0);
    }
}
