#include "unwrap/interpreters.h"

#include <gtest/gtest.h>

using namespace dbguard;

namespace {

using V = std::vector<std::string>;

CodeFindings scan(const std::string& language, const std::string& code) {
  return scan_code(InlineCode{language, code, language + " -c"});
}

V shell_of(const CodeFindings& f) {
  V out;
  for (const auto& [origin, command] : f.shell) out.push_back(command);
  return out;
}

V sql_of(const CodeFindings& f) {
  V out;
  for (const auto& [origin, text] : f.sql) out.push_back(text);
  return out;
}

TEST(Interpreters, SqlThroughANameIsResolved) {
  EXPECT_EQ(sql_of(scan("python", "q = \"DROP TABLE users\"; cur.execute(q)")), V{"DROP TABLE users"});
  EXPECT_EQ(sql_of(scan("node", "const q = \"DELETE FROM users\"; client.query(q)")), V{"DELETE FROM users"});
  EXPECT_EQ(sql_of(scan("ruby", "q = 'TRUNCATE users'; ActiveRecord::Base.connection.execute(q)")), V{"TRUNCATE users"});
  EXPECT_EQ(sql_of(scan("perl", "my $q = 'DROP TABLE users'; $dbh->do($q)")), V{"DROP TABLE users"});
  EXPECT_EQ(sql_of(scan("python", "t = 'users'\nq = f'DELETE FROM {t}'\ncur.execute(q, ())")), V{"DELETE FROM users"});
  EXPECT_EQ(sql_of(scan("python", "cur.execute('DROP ' + 'TABLE x')")), V{"DROP TABLE x"});
  EXPECT_EQ(sql_of(scan("python", "conn.execute(text('TRUNCATE t'))")), V{"TRUNCATE t"});
}

TEST(Interpreters, SqlOnlyKnownAtRunTimeIsReported) {
  for (const char* code : {"q = input(); cur.execute(q)", "cur.execute(sys.argv[1])",
                           "cur.executescript(open('wipe.sql').read())", "cur.execute(q)"}) {
    auto f = scan("python", code);
    EXPECT_EQ(f.dynamic_sql.size(), 1u) << code;
    EXPECT_TRUE(f.sql.empty()) << code;
  }
  // methods that are not only SQL (a RegExp's exec) are judged on what the code says
  EXPECT_TRUE(scan("node", "const m = /x/.exec(line)").dynamic_sql.empty());
  EXPECT_TRUE(scan("python", "import json; print(json.dumps(x))").dynamic_sql.empty());
}

TEST(Interpreters, ShellOutsThroughANameAreResolved) {
  EXPECT_EQ(shell_of(scan("python", "import os; cmd = 'docker volume prune -f'; os.system(cmd)")),
            V{"docker volume prune -f"});
  EXPECT_EQ(shell_of(scan("python", "import subprocess; cmd = 'dropdb app'; subprocess.run(cmd, shell=True)")),
            V{"dropdb app"});
  EXPECT_EQ(shell_of(scan("python", "import subprocess; cmd = ['dropdb', 'app']; subprocess.run(cmd, check=True)")),
            V{"dropdb app"});
  EXPECT_EQ(shell_of(scan("node", "const c = 'docker volume rm pgdata'; require('child_process').execSync(c)")),
            V{"docker volume rm pgdata"});
  EXPECT_EQ(shell_of(scan("ruby", "cmd = 'dropdb app'; system(cmd)")), V{"dropdb app"});
  EXPECT_EQ(shell_of(scan("perl", "my $cmd = 'dropdb app'; system $cmd;")), V{"dropdb app"});
}

TEST(Interpreters, RunTimeShellOutsAreReported) {
  for (const char* code : {"import os; os.system(input())", "import os, sys; cmd = sys.argv[1]; os.system(cmd)",
                           "import subprocess; subprocess.run(cmd, shell=True)", "import os; os.system(f'dropdb {db}')"}) {
    EXPECT_EQ(scan("python", code).dynamic_shell.size(), 1u) << code;
  }
  EXPECT_EQ(scan("node", "require('child_process').execSync(process.argv[2])").dynamic_shell.size(), 1u);
  EXPECT_EQ(scan("perl", "system $ARGV[0];").dynamic_shell.size() + scan("perl", "my $c = <STDIN>; system($c)").dynamic_shell.size(), 2u);
  // not a shell-out: asyncio.run(main()), Python's exec of Python code, a RegExp's exec
  EXPECT_TRUE(scan("python", "import asyncio; asyncio.run(main())").dynamic_shell.empty());
  EXPECT_TRUE(scan("python", "exec(code)").dynamic_shell.empty());
  EXPECT_TRUE(scan("node", "const m = /x/.exec(s)").dynamic_shell.empty());
  EXPECT_TRUE(scan("perl", "print \"system is fine\\n\"").dynamic_shell.empty());
}

TEST(Interpreters, AnEmptyArgumentIsUnknownNotACrash) {
  // Found by the shell-parser fuzz target: `execSync(, …)` has an empty first
  // argument, and `spawn('x', , …)` an empty later one.
  auto f = scan("node", "require('child_process').execSync(, 'psql -c \"DROP TABLE users\"')");
  EXPECT_EQ(f.dynamic_shell.size(), 1u);
  EXPECT_TRUE(scan("node", "require('child_process').spawn('ls', , {args: []})").dynamic_shell.empty());
}

TEST(Interpreters, RunTimeArgumentsOfAKnownProgramStayArguments) {
  auto f = scan("python", "import subprocess, sys; subprocess.run(['git', 'log', sys.argv[1]])");
  EXPECT_TRUE(f.dynamic_shell.empty());
  EXPECT_EQ(shell_of(f), V{"git log \"$__code_value\""});
}

TEST(Interpreters, BunAndDenoShellOuts) {
  EXPECT_EQ(shell_of(scan("node", "import { $ } from 'bun'; await $`docker volume rm pgdata`")), V{"docker volume rm pgdata"});
  EXPECT_EQ(shell_of(scan("node", "const v = 'pgdata'; await $`docker volume rm ${v}`")), V{"docker volume rm pgdata"});
  EXPECT_EQ(shell_of(scan("node", "await $`dropdb ${name}`")), V{"dropdb \"$__code_name\""});
  EXPECT_EQ(shell_of(scan("node", "Bun.spawn(['dropdb', 'app'])")), V{"dropdb app"});
  EXPECT_EQ(shell_of(scan("node", "Bun.spawnSync({ cmd: ['dropdb', 'app'] })")), V{"dropdb app"});
  EXPECT_EQ(shell_of(scan("node", "new Deno.Command('dropdb', { args: ['app'] }).outputSync()")), V{"dropdb app"});
  EXPECT_EQ(shell_of(scan("node", "Deno.run({ cmd: ['docker', 'volume', 'prune', '-f'] })")), V{"docker volume prune -f"});
  EXPECT_EQ(scan("node", "new Deno.Command(prog, { args: ['app'] }).outputSync()").dynamic_shell.size(), 1u);
}

// One -c/-e is read where it stands (a 4 MiB `python3 -c` was copied); several
// make one program, a line each, in order.
TEST(Interpreters, InlineCodeIsItsArgumentOrTheProgramSeveralMake) {
  std::vector<Arg> py = {{"python3", false}, {"-c", false}, {"import os; os.system('ls')", false}, {"x", false}};
  auto one = inline_code(py, Input{});
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->code(), "import os; os.system('ls')");
  EXPECT_EQ(one->code().data(), py[2].text.data());
  std::vector<Arg> node = {{"node", false}, {"-e", false}, {"a()", false}, {"-e", false}, {"execSync('ls')", false}};
  auto two = inline_code(node, Input{});
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->code(), "a()\nexecSync('ls')\n");
  EXPECT_EQ(two->origin, "node -e");
  auto found = scan_code(*two);  // the second -e's shell-out is read as the first's is
  ASSERT_EQ(found.shell.size(), 1u);
  EXPECT_EQ(found.shell[0].second, "ls");
}

TEST(Interpreters, DenoEvalIsInlineCode) {
  std::vector<Arg> argv = {{"deno", false}, {"eval", false}, {"console.log(1)", false}};
  auto code = inline_code(argv, Input{});
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->code(), "console.log(1)");
  EXPECT_EQ(code->language, "node");
  // deno run x.ts runs a script file: not inline code (as node x.js)
  EXPECT_FALSE(inline_code({{"deno", false}, {"run", false}, {"x.ts", false}}, Input{}).has_value());
  EXPECT_FALSE(inline_code({{"bun", false}, {"x.ts", false}}, Input{}).has_value());
  EXPECT_TRUE(inline_code({{"bun", false}, {"-e", false}, {"1", false}}, Input{}).has_value());
}

}  // namespace

// Tagged templates: Bun.$`…` is the shell (as $`…`); $executeRaw`…` and sql`…` are SQL
// whose ${…} parts are bound parameters, judged as $1.
TEST(Interpreters, TaggedTemplates) {
  EXPECT_EQ(shell_of(scan("node", "await Bun.$`dropdb app`")), V{"dropdb app"});
  EXPECT_EQ(sql_of(scan("node", "await prisma.$executeRaw`TRUNCATE users`")), V{"TRUNCATE users"});
  EXPECT_EQ(sql_of(scan("node", "const id = 7; await sql`DELETE FROM users WHERE id = ${id}`")),
            V{"DELETE FROM users WHERE id = $1"});
  EXPECT_EQ(sql_of(scan("node", "console.log(`not sql ${x}`)")), V{});
  EXPECT_EQ(sql_of(scan("node", "const mysql = 1; f(mysql`x`)")), V{});  // a name ending in sql is not the tag
}
