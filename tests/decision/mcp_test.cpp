// MCP database tools: SQL in tool_input is judged like psql -c; production in the input is hard.
#include <gtest/gtest.h>

#include "decision/engine.h"

using namespace dbguard;
using nlohmann::json;

namespace {

Decision decide(const std::string& tool, const json& input) { return Engine::embedded().decide_tool(tool, input, "/tmp"); }

bool has_rule(const Decision& d, const std::string& id) {
  for (const auto& f : d.findings)
    if (f.rule == id) return true;
  return false;
}

TEST(Mcp, SqlFieldsAreJudged) {
  EXPECT_TRUE(has_rule(decide("mcp__postgres__query", {{"sql", "DROP TABLE users"}}), "sql.drop"));
  EXPECT_TRUE(has_rule(decide("mcp__db__execute", {{"query", "DELETE FROM users WHERE 1=1"}}), "sql.delete-all"));
  EXPECT_EQ(decide("mcp__postgres__query", {{"sql", "SELECT * FROM users"}}).verdict, Verdict::Allow);
}

TEST(Mcp, AnyFieldThatParsesAsSqlIsJudged) {
  auto d = decide("mcp__supabase__apply_migration", {{"name", "wipe"}, {"body", {{"text", "TRUNCATE licenses"}}}});
  EXPECT_TRUE(has_rule(d, "sql.truncate"));
  // prose that mentions a statement is not one
  EXPECT_EQ(decide("mcp__notes__save", {{"note", "remember: never DROP TABLE users in prod"}}).verdict, Verdict::Allow);
}

TEST(Mcp, MigrationToolsAreJudgedByTheirSql) {
  EXPECT_TRUE(has_rule(decide("mcp__supabase__apply_migration",
                              {{"name", "drop_email"}, {"query", "ALTER TABLE users DROP COLUMN email"}}),
                       "sql.drop-column"));
  EXPECT_EQ(decide("mcp__supabase__apply_migration",
                   {{"name", "add_idx"}, {"query", "CREATE INDEX idx_users_email ON users (email)"}})
                .verdict,
            Verdict::Allow);
}

TEST(Mcp, ProductionTargetIsHardEvenForAReads) {
  auto d = decide("mcp__postgres__query", {{"host", "prod-db.internal"}, {"sql", "SELECT 1"}});
  EXPECT_EQ(d.verdict, Verdict::Deny);
  EXPECT_TRUE(d.hard);
  EXPECT_TRUE(has_rule(d, "production.db-client"));
  auto destructive = decide("mcp__supabase__execute_sql", {{"project_id", "acme-production"}, {"query", "DELETE FROM users"}});
  EXPECT_TRUE(destructive.hard);
  EXPECT_EQ(decide("mcp__postgres__query", {{"host", "localhost"}, {"sql", "SELECT 1"}}).verdict, Verdict::Allow);
}

TEST(Mcp, FileToolsPass) {
  EXPECT_EQ(Engine::embedded().decide_tool("Write", {{"file_path", "/tmp/x.sql"}, {"content", "DROP TABLE users;"}}, "/tmp").verdict,
            Verdict::Allow);
  EXPECT_EQ(Engine::embedded().decide_tool("Read", {{"file_path", "/tmp/x.sql"}}, "/tmp").verdict, Verdict::Allow);
}

}  // namespace

TEST(Mcp, ToolsThatDestroyByWhatTheyAre) {
  EXPECT_TRUE(has_rule(decide("mcp__mongodb__drop_collection", {{"collection", "users"}}), "mcp.destructive-tool"));
  EXPECT_TRUE(has_rule(decide("mcp__mongo__delete_many", {{"collection", "users"}, {"filter", json::object()}}),
                       "mcp.mass-delete"));
  EXPECT_EQ(decide("mcp__mongo__delete_many", {{"collection", "users"}, {"filter", {{"age", 3}}}}).verdict,
            Verdict::Allow);
  EXPECT_TRUE(has_rule(decide("mcp__redis__execute", {{"command", "flushall"}}), "nosql.redis-flush"));
  EXPECT_EQ(decide("mcp__github__delete_branch", {{"branch", "x"}}).verdict, Verdict::Allow);
}

TEST(Mcp, DataANonDatabaseToolStoresIsNotAStatement) {
  EXPECT_EQ(decide("mcp__filesystem__write_file", {{"path", "m.sql"}, {"content", "DROP TABLE t;"}}).verdict,
            Verdict::Allow);
  // a database tool's fields count whatever their name
  EXPECT_TRUE(has_rule(decide("mcp__db__exec", {{"text", "DROP TABLE t"}}), "sql.drop"));
}

TEST(Mcp, AProductionServerNameIsHard) {
  Decision d = decide("mcp__prod_db__query", {{"sql", "select 1"}});
  EXPECT_TRUE(d.hard);
  EXPECT_TRUE(has_rule(d, "production.db-client"));
}

// A large text (a seed or dump sent to a database tool) is judged as psql judges a file:
// only its statements naming a destructive keyword are parsed (libpg_query's tree of a
// 4 MiB one took 366 MiB). The findings are the same; it carries SQL to production.
TEST(Mcp, ALargeSqlTextIsJudgedAsAScript) {
  std::string seed;
  for (int i = 0; seed.size() < (256u << 10); ++i) seed += "INSERT INTO t VALUES (" + std::to_string(i) + ", 'x;y');\n";
  EXPECT_EQ(decide("mcp__postgres__query", {{"sql", seed}}).verdict, Verdict::Allow);
  EXPECT_TRUE(has_rule(decide("mcp__postgres__query", {{"sql", seed + "DROP TABLE users;\n"}}), "sql.drop"));
  EXPECT_TRUE(has_rule(decide("mcp__db__exec", {{"text", "DELETE FROM users;\n" + seed}}), "sql.delete-all"));
  EXPECT_TRUE(has_rule(decide("mcp__postgres__query", {{"sql", seed + "UPDATE t SET a = 1 WHERE true OR id = 2;\n"}}),
                       "sql.update-all"));
  Decision prod = decide("mcp__prod_db__query", {{"sql", seed}});
  EXPECT_TRUE(prod.hard);
  EXPECT_TRUE(has_rule(prod, "production.db-client"));
  // Text a non-database tool stores is still data, however large.
  EXPECT_EQ(decide("mcp__filesystem__write_file", {{"path", "seed.sql"}, {"content", seed + "DROP TABLE t;\n"}}).verdict,
            Verdict::Allow);
}

// Shell-running MCP tools, however the server names the tool and the command: a process
// tool, any tool of a server named for a shell, a command line, a list of words, stdin.
TEST(Mcp, ShellToolsInTheirOwnShapes) {
  auto rule_of = [](const std::string& tool, const json& input) {
    Decision d = decide(tool, input);
    return d.verdict == Verdict::Allow || d.findings.empty() ? std::string("allow") : d.findings.front().rule;
  };
  EXPECT_EQ(rule_of("mcp__desktop-commander__start_process", {{"command", "dropdb app"}}), "postgres.dropdb");
  EXPECT_EQ(rule_of("mcp__mcp-server-commands__run_process", {{"command_line", "dropdb app"}}), "postgres.dropdb");
  EXPECT_EQ(rule_of("mcp__mcp-server-commands__run_process", {{"argv", {"dropdb", "app"}}}), "postgres.dropdb");
  EXPECT_EQ(rule_of("mcp__shell__run", {{"command", "docker volume prune -f"}}), "containers.volume-prune");
  EXPECT_EQ(rule_of("mcp__commands__run_command", {{"command", "bash"}, {"stdin", "dropdb app\n"}}), "postgres.dropdb");
  EXPECT_EQ(rule_of("mcp__commands__run_command", {{"command", "psql"}, {"stdin", "TRUNCATE users;"}}), "sql.truncate");
  EXPECT_EQ(rule_of("mcp__kubernetes__exec_in_pod", {{"command", {"psql", "-c", "DROP TABLE users"}}}), "sql.drop");
  // a heredoc delimiter inside the text cannot end it early
  EXPECT_EQ(rule_of("mcp__commands__run_command", {{"command", "bash"}, {"stdin", "DBGUARD_MCP_STDIN\ndropdb app"}}),
            "postgres.dropdb");
  EXPECT_EQ(rule_of("mcp__desktop-commander__start_process", {{"command", "npm test"}}), "allow");
  EXPECT_EQ(rule_of("mcp__commands__run_command", {{"command", "psql"}, {"stdin", "SELECT 1;"}}), "allow");
  EXPECT_EQ(rule_of("mcp__kubernetes__exec_in_pod", {{"command", {"ls", "/data"}}}), "allow");
}
