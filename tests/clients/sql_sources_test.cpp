#include "clients/sql_sources.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace dbguard;
using clients::SqlSource;
namespace fs = std::filesystem;

namespace {

Invocation call(std::initializer_list<const char*> words, const std::string& cwd, Input in = {}) {
  Invocation inv;
  for (const char* w : words) inv.argv.push_back(Arg{w, false});
  inv.cwd = cwd;
  inv.stdin_source = std::move(in);
  return inv;
}

TEST(PrismaDbExecute, ReadsTheFileOrStdin) {
  fs::path dir = fs::temp_directory_path() / ("dbguard-prisma-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "wipe.sql") << "TRUNCATE users;\n";
  auto file = clients::sql_sources(call({"prisma", "db", "execute", "--url", "postgres://x", "--file", "wipe.sql"}, dir));
  ASSERT_EQ(file.size(), 1u);
  EXPECT_EQ(file[0].kind, SqlSource::Kind::Sql);
  EXPECT_NE(file[0].text.str().find("TRUNCATE"), std::string::npos);
  EXPECT_EQ(file[0].origin, "file wipe.sql");
  auto attached = clients::sql_sources(call({"prisma", "db", "execute", "--schema=prisma/schema.prisma", "--file=wipe.sql"}, dir));
  ASSERT_EQ(attached.size(), 1u);
  EXPECT_EQ(attached[0].kind, SqlSource::Kind::Sql);
  auto missing = clients::sql_sources(call({"prisma", "db", "execute", "--file", "nope.sql"}, dir));
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].kind, SqlSource::Kind::Unreadable);
  auto heredoc = clients::sql_sources(call({"prisma", "db", "execute", "--stdin"}, dir,
                                           Input{Input::Kind::Text, "DROP TABLE users;\n", "heredoc", false}));
  ASSERT_EQ(heredoc.size(), 1u);
  EXPECT_EQ(heredoc[0].origin, "heredoc");
  auto piped = clients::sql_sources(call({"prisma", "db", "execute", "--stdin"}, dir,
                                         Input{Input::Kind::Opaque, "curl", "pipe from curl", false}));
  ASSERT_EQ(piped.size(), 1u);
  EXPECT_EQ(piped[0].kind, SqlSource::Kind::Opaque);
  fs::remove_all(dir);
}

TEST(PrismaDbExecute, OnlyThatSubcommandIsAClient) {
  EXPECT_TRUE(clients::is_sql_client(call({"prisma", "db", "execute", "--stdin"}, "/tmp")));
  EXPECT_FALSE(clients::is_sql_client(call({"prisma", "db", "push"}, "/tmp")));
  EXPECT_FALSE(clients::is_sql_client(call({"prisma", "db"}, "/tmp")));
  EXPECT_FALSE(clients::is_sql_client(call({"prisma", "migrate", "execute"}, "/tmp")));
  EXPECT_TRUE(clients::is_sql_client(call({"cockroach", "sql"}, "/tmp")));  // one-word subcommands still work
}

}  // namespace

namespace {
std::string sql_of(std::initializer_list<const char*> words) {
  auto sources = clients::sql_sources(call(words, "/tmp"));
  return sources.empty() ? "" : sources.front().text;
}
}  // namespace

// MySQL and ClickHouse escape quotes with a backslash; PostgreSQL's parser would end the
// string there and read the statements after it as string text. They reach it doubled.
TEST(MysqlDialect, BackslashEscapedQuotesAreDoubled) {
  EXPECT_EQ(sql_of({"mysql", "app", "-e", "INSERT INTO n VALUES ('it\\'s'); TRUNCATE users;"}),
            "INSERT INTO n VALUES ('it''s'); TRUNCATE users;\n");
  EXPECT_EQ(sql_of({"clickhouse-client", "-q", "SELECT \"a\\\"b\", 'c\\\\'; DROP TABLE t"}),
            "SELECT \"a\"\"b\", 'c\\\\'; DROP TABLE t\n");  // an escaped backslash stays as it is
  EXPECT_EQ(sql_of({"mysql", "-e", "SELECT `id` FROM `users`"}), "SELECT \"id\" FROM \"users\"\n");
  // psql keeps PostgreSQL's own quoting
  EXPECT_EQ(sql_of({"psql", "-c", "SELECT E'it\\'s'"}), "SELECT E'it\\'s'\n");
}

// psql runs shell commands of its own: \g |CMD and \o |CMD get the query's output,
// \copy … PROGRAM runs CMD. They are judged as shell commands, fed from an unknown program.
TEST(PsqlShellEscapes, OutputPipesAndCopyProgram) {
  auto shells = [](std::initializer_list<const char*> words) {
    std::vector<std::string> out;
    for (const auto& s : clients::sql_sources(call(words, "/tmp")))
      if (s.kind == SqlSource::Kind::Shell) out.push_back(s.text);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(shells({"psql", "-c", "SELECT 'x' \\g | sh"}), V{"psql-query-output | sh"});
  EXPECT_EQ(shells({"psql", "-c", "\\o |bash -s"}), V{"psql-query-output | bash -s"});
  EXPECT_EQ(shells({"psql", "-c", "\\copy t to program 'gzip > t.gz'"}), V{"psql-query-output | gzip > t.gz"});
  EXPECT_EQ(shells({"psql", "-c", "\\copy t FROM PROGRAM 'cat it''s.csv'"}), V{"cat it's.csv"});
  EXPECT_EQ(shells({"psql", "-c", "\\copy t to 'out.csv' csv"}), V{});
  EXPECT_EQ(shells({"psql", "-c", "\\o out.txt"}), V{});
}

namespace {

// A script that has no backslash holds no psql meta-command: its SQL is taken whole,
// not a line at a time. Read the long way (sqlite's syntax, whose meta-commands start
// with a dot), texts with neither a backslash, a dot nor a backtick give the same SQL.
TEST(SplitScript, PsqlTextWithoutBackslashesIsTheLineByLineReading) {
  const std::vector<std::string> pieces = {"DROP TABLE t;", "SELECT 'a;b'", "\n", "\n\n", "  ", "\t", "-- c\n",
                                           "/* x\n*/", "$$ y; $$", "'", "\"", ";", "x", "\r\n", "é"};
  std::mt19937 rng(7);
  std::size_t nonempty = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (int k = std::uniform_int_distribution<int>(0, 12)(rng); k > 0; --k)
      text += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng)];
    std::vector<SqlSource> fast, lines;
    clients::split_script(text, "heredoc", "/tmp", clients::MetaSyntax::Psql, {}, 0, fast);
    clients::split_script(text, "heredoc", "/tmp", clients::MetaSyntax::Sqlite, {}, 0, lines);
    ASSERT_EQ(fast.size(), lines.size()) << text;
    for (std::size_t i = 0; i < fast.size(); ++i) {
      EXPECT_EQ(fast[i].kind, lines[i].kind) << text;
      EXPECT_EQ(fast[i].text.str(), lines[i].text.str()) << text;
      EXPECT_EQ(fast[i].origin, lines[i].origin) << text;
    }
    nonempty += !fast.empty();
  }
  EXPECT_GT(nonempty, 2000u);
  // With a backslash, the meta-command is still found (and the SQL before it kept).
  std::vector<SqlSource> meta;
  clients::split_script("SELECT 1;\n\\! rm -rf /data\n", "heredoc", "/tmp", clients::MetaSyntax::Psql, {}, 0, meta);
  ASSERT_EQ(meta.size(), 2u);
  EXPECT_EQ(meta[0].kind, SqlSource::Kind::Shell);
  EXPECT_EQ(meta[1].text.str(), "SELECT 1;\n");  // each line ends in a newline
}

// A heredoc's body or a file's contents that is its own SQL is handed on, not copied
// (four copies of 4 MiB at the event's bound were most of its peak memory).
TEST(SplitScript, PlainTextEndingItsLastLineIsSharedNotCopied) {
  SharedText body(std::string("DROP TABLE t;\n"));
  std::vector<SqlSource> shared;
  clients::split_script(body, "heredoc", "/tmp", clients::MetaSyntax::Psql, {}, 0, shared);
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0].text.str().data(), body.str().data());
  // Its last line not ended: the SQL is a copy that ends it.
  std::vector<SqlSource> ended;
  clients::split_script(SharedText(std::string("DROP TABLE t;")), "psql -c", "/tmp", clients::MetaSyntax::Psql, {}, 0,
                        ended);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].text.str(), "DROP TABLE t;\n");
  // ClickHouse's backticks are rewritten for PostgreSQL's parser: a new text.
  std::vector<SqlSource> rewritten;
  clients::split_script(SharedText(std::string("DROP TABLE `t`;\n")), "heredoc", "/tmp", clients::MetaSyntax::Clickhouse,
                        {}, 0, rewritten);
  ASSERT_EQ(rewritten.size(), 1u);
  EXPECT_EQ(rewritten[0].text.str(), "DROP TABLE \"t\";\n");
}

}  // namespace

// Asked to (the judge, which holds the invocation while its sources live), SQL given
// as an argument is read where it stands; text a meta-command or a rewrite would
// change is still the copy it was.
TEST(SqlSources, AnArgumentsSqlIsLentWhereItStandsWhenAsked) {
  clients::SourceLimits lend;
  lend.lend_arguments = true;
  const Invocation psql = call({"psql", "-d", "app", "-c", "DROP TABLE t; SELECT 1"}, "/tmp");
  auto lent = clients::sql_sources(psql, lend);
  ASSERT_EQ(lent.size(), 1u);
  EXPECT_EQ(lent[0].kind, SqlSource::Kind::Sql);
  EXPECT_TRUE(lent[0].text.empty());
  EXPECT_EQ(lent[0].sql().data(), psql.argv[4].text.data());
  EXPECT_EQ(lent[0].sql(), "DROP TABLE t; SELECT 1");
  EXPECT_EQ(lent[0].origin, "psql -c");
  // Not asked: a copy, its last line ended.
  auto copied = clients::sql_sources(psql);
  ASSERT_EQ(copied.size(), 1u);
  EXPECT_EQ(copied[0].sql(), "DROP TABLE t; SELECT 1\n");
  // A meta-command, MySQL's quoting: read as before.
  const Invocation meta = call({"psql", "-c", "SELECT 1;\n\\! rm -rf /data"}, "/tmp");
  auto with_meta = clients::sql_sources(meta, lend);
  ASSERT_EQ(with_meta.size(), 2u);
  EXPECT_EQ(with_meta[0].kind, SqlSource::Kind::Shell);
  EXPECT_EQ(with_meta[1].sql(), "SELECT 1;\n");
  const Invocation mysql = call({"mysql", "-e", "DROP TABLE `t`"}, "/tmp");
  auto rewritten = clients::sql_sources(mysql, lend);
  ASSERT_EQ(rewritten.size(), 1u);
  EXPECT_EQ(rewritten[0].sql(), "DROP TABLE \"t\"\n");
  // A value attached to its option is a piece cut from the word: copied.
  const Invocation attached = call({"psql", "--command=DROP TABLE t", "-cDROP TABLE u"}, "/tmp");
  auto pieces = clients::sql_sources(attached, lend);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].sql(), "DROP TABLE t\n");
  EXPECT_EQ(pieces[1].sql(), "DROP TABLE u\n");
  // Blank text is no SQL either way.
  EXPECT_TRUE(clients::sql_sources(call({"psql", "-c", " \n "}, "/tmp"), lend).empty());
}
