#include "unwrap/unwrap.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace dbguard;

namespace {

std::vector<std::string> argv_of(const Invocation& inv) {
  std::vector<std::string> v;
  for (const auto& a : inv.argv) v.push_back(a.text);
  return v;
}

// The invocation whose program is `prog` (the last one, if several).
const Invocation* find(const UnwrapResult& r, const std::string& prog) {
  const Invocation* found = nullptr;
  for (const auto& inv : r.invocations)
    if (!inv.argv.empty() && inv.argv[0].text == prog) found = &inv;
  return found;
}

using V = std::vector<std::string>;

TEST(Unwrap, ProgramNamesAreNormalized) {
  for (const char* cmd : {"/usr/bin/docker volume ls", "\\docker volume ls", "'docker' volume ls", "d\"\"ocker volume ls"}) {
    auto r = unwrap_command(cmd, "/tmp");
    ASSERT_EQ(r.invocations.size(), 1u) << cmd;
    EXPECT_EQ(argv_of(r.invocations[0]), (V{"docker", "volume", "ls"})) << cmd;
  }
}

// printf's output piped on: its format repeats while it takes arguments. One that
// takes none (`%%`, a trailing `%`) is printed once, not forever (found by the
// shell-parser fuzz smoke: the walker never ended).
TEST(Unwrap, PrintfFormatWithoutConversionsIsPrintedOnce) {
  for (const char* cmd : {"printf 'DROP TABLE t;%%' a b c | psql", "printf 'DROP TABLE t;%' a b | psql"}) {
    auto r = unwrap_command(cmd, "/tmp");
    const Invocation* psql = find(r, "psql");
    ASSERT_NE(psql, nullptr) << cmd;
    EXPECT_EQ(psql->stdin_source.kind, Input::Kind::Text) << cmd;
    EXPECT_LT(psql->stdin_source.content.size(), 20u) << cmd;
    EXPECT_NE(psql->stdin_source.content.str().find("DROP TABLE t;"), std::string::npos) << cmd;
  }
  auto twice = unwrap_command("printf 'DELETE FROM %s;' a b | psql", "/tmp");
  ASSERT_NE(find(twice, "psql"), nullptr);
  EXPECT_EQ(find(twice, "psql")->stdin_source.content, "DELETE FROM a;DELETE FROM b;");
}

TEST(Unwrap, DockerComposeHyphenIsSplit) {
  auto r = unwrap_command("docker-compose down -v", "/tmp");
  EXPECT_EQ(argv_of(r.invocations.at(0)), (V{"docker", "compose", "down", "-v"}));
}

TEST(Unwrap, WrappersArePeeled) {
  struct C { const char* cmd; V argv; };
  for (const auto& c : std::vector<C>{
           {"sudo -u postgres -E dropdb app", {"dropdb", "app"}},
           {"env -i PGHOST=x psql -l", {"psql", "-l"}},
           {"nohup nice -n 5 ionice -c 3 stdbuf -oL timeout -s KILL 10 docker ps", {"docker", "ps"}},
           {"command docker ps", {"docker", "ps"}},
           {"exec -a name docker ps", {"docker", "ps"}},
           {"bash -c 'docker volume prune -f'", {"docker", "volume", "prune", "-f"}},
           {"sh -lc \"dropdb x\"", {"dropdb", "x"}},
           {"eval 'docker ps'", {"docker", "ps"}},
           {"watch -n 5 docker ps", {"docker", "ps"}},
           {"poetry run alembic downgrade base", {"alembic", "downgrade", "base"}},
       }) {
    auto r = unwrap_command(c.cmd, "/tmp");
    ASSERT_FALSE(r.invocations.empty()) << c.cmd;
    EXPECT_EQ(argv_of(r.invocations.back()), c.argv) << c.cmd;
    EXPECT_FALSE(r.invocations.back().via.empty()) << c.cmd;
  }
}

TEST(Unwrap, TimeKeywordTimesThePipeline) {
  auto r = unwrap_command("time -p docker ps | cat", "/tmp");
  ASSERT_EQ(r.invocations.size(), 2u);
  EXPECT_EQ(argv_of(r.invocations[0]), (V{"docker", "ps"}));
}

TEST(Unwrap, SudoEnvAssignmentsReachTheInnerCommand) {
  auto r = unwrap_command("sudo PGHOST=prod-db psql -l", "/tmp");
  const auto* psql = find(r, "psql");
  ASSERT_TRUE(psql);
  ASSERT_EQ(psql->env.size(), 1u);
  EXPECT_EQ(psql->env[0].first, "PGHOST");
  EXPECT_EQ(psql->env[0].second.text, "prod-db");
}

TEST(Unwrap, XargsAppendsUnknownItems) {
  auto r = unwrap_command("docker volume ls -q | xargs -r docker volume rm", "/tmp");
  const auto& last = r.invocations.back();
  ASSERT_GE(last.argv.size(), 4u);
  EXPECT_EQ(last.argv[2].text, "rm");
  EXPECT_TRUE(last.argv.back().dynamic);
}

TEST(Unwrap, ContainerExecKeepsOuterAndInner) {
  auto r = unwrap_command("docker compose exec -T db psql -U app -c 'select 1'", "/tmp");
  ASSERT_EQ(r.invocations.size(), 2u);
  EXPECT_EQ(r.invocations[0].argv[0].text, "docker");
  EXPECT_EQ(argv_of(r.invocations[1]), (V{"psql", "-U", "app", "-c", "select 1"}));
  auto k = unwrap_command("kubectl --context prod exec -it pg-0 -- psql -c 'select 1'", "/tmp");
  const auto* psql = find(k, "psql");
  ASSERT_TRUE(psql);
  ASSERT_EQ(psql->context.size(), 1u);  // the kubectl line carries the production context
}

TEST(Unwrap, StdinSources) {
  auto heredoc = unwrap_command("psql <<EOF\nDELETE FROM t;\nEOF", "/tmp");
  EXPECT_EQ(heredoc.invocations[0].stdin_source.kind, Input::Kind::Text);
  EXPECT_EQ(heredoc.invocations[0].stdin_source.content, "DELETE FROM t;\n");
  auto herestring = unwrap_command("psql <<< 'DELETE FROM t'", "/tmp");
  EXPECT_EQ(herestring.invocations[0].stdin_source.origin, "here-string");
  auto file = unwrap_command("psql < dump.sql", "/work");
  EXPECT_EQ(file.invocations[0].stdin_source.kind, Input::Kind::File);
  EXPECT_EQ(file.invocations[0].stdin_source.content, "/work/dump.sql");
  auto echo = unwrap_command("echo 'DROP TABLE x' | psql", "/tmp");
  EXPECT_EQ(echo.invocations[1].stdin_source.kind, Input::Kind::Text);
  EXPECT_EQ(echo.invocations[1].stdin_source.content, "DROP TABLE x\n");
  auto opaque = unwrap_command("curl -s x | psql", "/tmp");
  EXPECT_EQ(opaque.invocations[1].stdin_source.kind, Input::Kind::Opaque);
}

// What psql reads from an unquoted heredoc: the body as bash expands it, the body
// itself when there is nothing to expand.
TEST(Unwrap, UnquotedHeredocBodiesExpandAsBashDoes) {
  auto stdin_of = [](const std::string& cmd) { return unwrap_command(cmd, "/tmp").invocations.back().stdin_source; };
  EXPECT_EQ(stdin_of("psql <<EOF\nDROP TABLE users;\nEOF").content, "DROP TABLE users;\n");
  EXPECT_FALSE(stdin_of("psql <<EOF\nDROP TABLE users;\nEOF").partial);
  EXPECT_EQ(stdin_of("T=users; psql <<EOF\nDROP TABLE $T;\nEOF").content, "DROP TABLE users;\n");
  EXPECT_EQ(stdin_of("psql <<EOF\nDROP TABLE \\\nusers;\nEOF").content, "DROP TABLE users;\n");
  EXPECT_EQ(stdin_of("psql <<EOF\nSELECT '\\$1', '\\x';\nEOF").content, "SELECT '$1', '\\x';\n");
  EXPECT_TRUE(stdin_of("psql <<EOF\nDROP TABLE $T;\nEOF").partial);
  EXPECT_TRUE(stdin_of("psql <<EOF\nDROP TABLE `cat t`;\nEOF").partial);
}

TEST(Unwrap, VariablesResolveWhenKnown) {
  auto r = unwrap_command("D=docker; $D volume rm x", "/tmp");
  const auto* d = find(r, "docker");
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->program_dynamic);
  auto unknown = unwrap_command("$D volume rm x", "/tmp");
  ASSERT_EQ(unknown.invocations.size(), 1u);
  EXPECT_TRUE(unknown.invocations[0].program_dynamic);
}

TEST(Unwrap, ExportedVariablesBecomeEnvironment) {
  auto r = unwrap_command("export PGHOST=prod-db && psql -l", "/tmp");
  const auto* psql = find(r, "psql");
  ASSERT_TRUE(psql);
  EXPECT_TRUE(find_env(*psql, [](const auto& kv) { return kv.first == "PGHOST" && kv.second.text == "prod-db"; }));
}

// The exported variables are one list shared by the commands after them, until one
// changes; builtins that only change the shell get none.
TEST(Unwrap, ExportedVariablesAreSharedUntilOneChanges) {
  auto r = unwrap_command("export A=1 B=2; ls; cat x; export C=3; echo; A=4; echo; unset B; echo; X=5; echo", "/tmp");
  std::vector<const Invocation*> echo, shown;
  for (const auto& inv : r.invocations) {
    if (inv.argv[0].text == "export" || inv.argv[0].text == "unset") EXPECT_TRUE(inv.exported.empty());
    else shown.push_back(&inv);
  }
  ASSERT_EQ(shown.size(), 6u);
  auto listed = [](const Invocation* inv) {
    std::string s;
    for (const auto& e : inv->exported)
      for (const auto& [k, v] : *e) s += k + "=" + v.text + " ";
    return s;
  };
  EXPECT_EQ(listed(shown[0]), "A=1 B=2 ");
  EXPECT_EQ(shown[0]->exported.at(0), shown[1]->exported.at(0));  // ls and cat: one list
  EXPECT_EQ(listed(shown[2]), "A=1 B=2 C=3 ");
  EXPECT_EQ(listed(shown[3]), "A=4 B=2 C=3 ");
  EXPECT_EQ(listed(shown[4]), "A=4 C=3 ");
  EXPECT_EQ(shown[4]->exported.at(0), shown[5]->exported.at(0));  // X is not exported
}

// A nested shell sees its parent's exports once, and its own after them.
TEST(Unwrap, ANestedShellAddsItsOwnExports) {
  auto r = unwrap_command("export A=1; bash -c 'ls; export B=2; cat x'", "/tmp");
  const auto* ls = find(r, "ls");
  const auto* cat = find(r, "cat");
  ASSERT_TRUE(ls && cat);
  ASSERT_EQ(ls->exported.size(), 1u);
  ASSERT_EQ(cat->exported.size(), 2u);
  EXPECT_EQ(cat->exported[0], ls->exported[0]);
  EXPECT_TRUE(find_env(*cat, [](const auto& kv) { return kv.first == "B" && kv.second.text == "2"; }));
}

TEST(Unwrap, SubstitutionsAndCompoundBodiesAreWalked) {
  auto r = unwrap_command("for v in $(docker volume ls -q); do if true; then docker volume rm $v; fi; done", "/tmp");
  int docker = 0;
  for (const auto& inv : r.invocations) docker += inv.argv[0].text == "docker";
  EXPECT_EQ(docker, 2);
}

TEST(Unwrap, CdChangesWhereFilesResolve) {
  auto r = unwrap_command("cd migrations && psql -f x.sql", "/srv/app");
  EXPECT_EQ(find(r, "psql")->cwd, "/srv/app/migrations");
}

TEST(Unwrap, DynamicEvalIsAnIssue) {
  auto r = unwrap_command("eval \"$CMD\"", "/tmp");
  ASSERT_FALSE(r.issues.empty());
  EXPECT_EQ(r.issues[0].rule, "guard.unresolvable-eval");
  UnwrapLimits limits;
  limits.trusted_generators = {"ssh-agent"};
  auto trusted = unwrap_command("eval \"$(ssh-agent -s)\"", "/tmp", limits);
  EXPECT_TRUE(trusted.issues.empty());
}

TEST(Unwrap, NestedShellsAreBounded) {
  std::string cmd = "docker ps";
  for (int i = 0; i < 12; ++i) cmd = "bash -c " + shell_quote_join({cmd});
  auto r = unwrap_command(cmd, "/tmp");
  bool depth = false;
  for (const auto& i : r.issues) depth = depth || i.rule == "guard.depth-exceeded";
  EXPECT_TRUE(depth);
}

// A text past a parse bound is denied whatever it names; its issue quotes the text's
// first 4 KiB, not a copy of all of it (up to 4 MiB, made as the tree just freed still
// holds its pages). Bad syntax is quoted whole: its reach is judged on the text.
TEST(Unwrap, ATextPastABoundIsQuotedByItsStart) {
  std::string many = "echo ";
  for (int i = 0; i < 300000; ++i) many += "$a";
  auto r = unwrap_command(many, "/tmp");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].rule, "guard.too-complex");
  EXPECT_EQ(r.issues[0].segment, many.substr(0, 4096));

  std::string bad = "psql -c 'DELETE FROM t' " + std::string(8000, 'x') + " )";
  auto u = unwrap_command(bad, "/tmp");
  ASSERT_EQ(u.issues.size(), 1u);
  EXPECT_EQ(u.issues[0].rule, "guard.unparseable");
  EXPECT_EQ(u.issues[0].segment, bad);
}

TEST(Unwrap, RedirectionTargetsAreRecorded) {
  auto r = unwrap_command("echo x > .dbguard.toml", "/p");
  ASSERT_EQ(r.invocations[0].writes.size(), 1u);
  EXPECT_EQ(r.invocations[0].writes[0], "/p/.dbguard.toml");
}

// A pipeline stage's output is worked out after the stage was walked. For `cat` with a
// heredoc, that second look walked the heredoc's substitutions again with an empty
// context: substr past the end of an empty source threw, and the whole command was
// denied as guard.internal-error (found by the shell_parser fuzz target).
TEST(Unwrap, HeredocSubstitutionsOfAPipelineStageAreWalkedOnce) {
  auto r = unwrap_command("cat <<EOF | grep x\n$(ls)\nEOF", "/tmp");
  int ls = 0;
  for (const auto& inv : r.invocations) ls += !inv.argv.empty() && inv.argv[0].text == "ls";
  EXPECT_EQ(ls, 1);
  ASSERT_NE(find(r, "grep"), nullptr);
  EXPECT_TRUE(r.issues.empty());

  auto d = unwrap_command("cat db/report.sql | cat <<EOF\n$(dropdb x)\nEpsql app", "/tmp");  // unterminated
  const Invocation* dropdb = find(d, "dropdb");
  ASSERT_NE(dropdb, nullptr);
  EXPECT_EQ(argv_of(*dropdb), (V{"dropdb", "x"}));
}

TEST(Unwrap, ScriptCommandsCarryTheirLine) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("dbguard-lines-" + std::to_string(::getpid()));
  fs::create_directories(dir / "ops");
  std::ofstream(dir / "ops/reset.sh") << "#!/bin/bash\nset -e\n\nif true; then\n  echo $(docker volume ls -q)\nfi\n"
                                         "docker compose down -v\n";
  for (const char* cmd : {"bash ops/reset.sh", "./ops/reset.sh", "source ops/reset.sh"}) {
    auto r = unwrap_command(cmd, dir.string());
    const Invocation* down = find(r, "docker");
    ASSERT_NE(down, nullptr) << cmd;
    std::string script = std::string(cmd).find("./") == 0 ? "./ops/reset.sh" : "ops/reset.sh";
    EXPECT_EQ(down->via.back(), script + ":7") << cmd;
    const Invocation* echo = find(r, "echo");
    ASSERT_NE(echo, nullptr) << cmd;
    EXPECT_EQ(echo->via.back(), script + ":5") << cmd;
  }
  // a nested shell in the script is its own text: its commands carry the script line of the shell
  std::ofstream(dir / "x.sh") << "echo one\nbash -c 'dropdb app'\n";
  auto r = unwrap_command("sh x.sh", dir.string());
  const Invocation* drop = find(r, "dropdb");
  ASSERT_NE(drop, nullptr);
  EXPECT_EQ(drop->via, (V{"sh x.sh", "x.sh:2", "bash -c"}));
  fs::remove_all(dir);
}

TEST(ShellQuoteJoin, RoundTripsThroughTheParser) {
  V words = {"psql", "-c", "DROP TABLE \"x\"; it's", "$HOME"};
  auto r = unwrap_command(shell_quote_join(words), "/tmp");
  EXPECT_EQ(argv_of(r.invocations.at(0)), words);
}

}  // namespace

// Migration tools published as images run the arguments after the image as the tool's.
TEST(Unwrap, ToolImagesRunTheirTool) {
  auto r = unwrap_command("docker run --rm -v /m:/flyway/sql flyway/flyway:10 -url=jdbc:x clean", "/tmp");
  ASSERT_NE(find(r, "flyway"), nullptr);
  EXPECT_EQ(argv_of(*find(r, "flyway")), (V{"flyway", "-url=jdbc:x", "clean"}));
  EXPECT_NE(find(unwrap_command("docker run liquibase/liquibase dropAll", "/tmp"), "liquibase"), nullptr);
  EXPECT_EQ(find(unwrap_command("docker run --rm node:20 npm test", "/tmp"), "node"), nullptr);  // node is the image
}

// With a sink, every invocation reaches it once complete, in order, as the result
// would have held it (the embedded SQL that inline code adds after the invocation
// was found included), and the result keeps none.
TEST(Unwrap, SinkReceivesEveryInvocationCompleteAndInOrder) {
  const std::string cmd =
      "ls -la | grep x && python3 -c \"import psycopg2; cur.execute('DROP TABLE users')\"; "
      "bash -c 'echo a; sudo rm -rf /tmp/x'; python3 -c \"cur.execute('DELETE FROM t')\"";
  auto kept = unwrap_command(cmd, "/tmp");
  std::vector<Invocation> sunk;
  auto streamed = unwrap_command(cmd, "/tmp", {}, [&](const Invocation& inv) { sunk.push_back(inv); });
  EXPECT_TRUE(streamed.invocations.empty());
  ASSERT_EQ(sunk.size(), kept.invocations.size());
  ASSERT_GE(sunk.size(), 6u);
  bool any_sql = false;
  for (std::size_t i = 0; i < sunk.size(); ++i) {
    EXPECT_EQ(argv_of(sunk[i]), argv_of(kept.invocations[i])) << i;
    EXPECT_EQ(sunk[i].ordinal, i + 1);
    EXPECT_EQ(sunk[i].embedded_sql, kept.invocations[i].embedded_sql) << i;
    any_sql = any_sql || !sunk[i].embedded_sql.empty();
  }
  EXPECT_TRUE(any_sql);
  EXPECT_FALSE(sunk.back().embedded_sql.empty());  // the last one, handed over at the end
}

// The judge reads each command's text where the walk found it (a 4 MiB `psql -c`
// is not copied for it); a result, which outlives the walk, keeps copies.
TEST(Unwrap, SegmentIsLentToTheSinkAndKeptInAResult) {
  std::string cmd = "psql -c \"" + std::string(1000, 'x') + "\"; bash -c 'docker volume rm pg'";
  std::vector<const char*> seen;
  std::vector<Invocation> copies;
  unwrap_command(cmd, "/tmp", {}, [&](const Invocation& inv) {
    seen.push_back(inv.segment.view().data());
    copies.push_back(inv);
  });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], cmd.data());  // the command's own text
  auto kept = unwrap_command(cmd, "/tmp");
  ASSERT_EQ(kept.invocations.size(), 2u);
  const std::string first = cmd.substr(0, cmd.find(';'));
  cmd.assign(cmd.size(), '#');
  EXPECT_EQ(kept.invocations[0].segment, first);
  EXPECT_EQ(kept.invocations[1].segment, "docker volume rm pg");
  EXPECT_EQ(copies[0].segment, first);
  EXPECT_EQ(copies[1].segment, "docker volume rm pg");  // from the walk's own copy of the `bash -c` text
}

namespace {
std::vector<std::string> segments(const std::string& cmd) {
  std::vector<std::string> v;
  for (const auto& inv : unwrap_command(cmd, "/tmp").invocations) v.push_back(inv.segment);
  return v;
}
}  // namespace

// Each invocation quotes its command exactly as written: in a list, in a pipeline,
// inside `bash -c` (the string's own text; the wrappers are peeled) and in a loop body.
TEST(Unwrap, SegmentIsTheCommandAsWritten) {
  EXPECT_EQ(segments("cd /srv &&  psql -c 'DELETE FROM t' ; echo  done"),
            (V{"cd /srv", "psql -c 'DELETE FROM t'", "echo  done"}));
  EXPECT_EQ(segments("cat a.sql | PGHOST=db psql app > out.txt"), (V{"cat a.sql", "PGHOST=db psql app > out.txt"}));
  EXPECT_EQ(segments("sudo bash -c \"docker volume rm  pg; ls\""),
            (V{"docker volume rm  pg", "ls"}));
  EXPECT_EQ(segments("for v in a b; do docker volume rm \"$v\"; done"), (V{"docker volume rm \"$v\""}));
}

// A subshell, a pipeline stage and a substitution change only their own copy of the
// variables (shared with the shell's until they do).
TEST(Unwrap, VariablesSetInASubshellStayThere) {
  auto r = unwrap_command(
      "T=users; (T=sessions; export PGHOST=prod-db; psql -c \"drop table $T\"); T=logs | cat; "
      "echo $(T=x; echo) >/dev/null; psql -c \"drop table $T\"",
      "/tmp");
  std::vector<const Invocation*> psql;
  for (const auto& inv : r.invocations)
    if (inv.argv[0].text == "psql") psql.push_back(&inv);
  ASSERT_EQ(psql.size(), 2u);
  EXPECT_EQ(psql[0]->argv.back().text, "drop table sessions");
  EXPECT_TRUE(find_env(*psql[0], [](const auto& kv) { return kv.first == "PGHOST"; }));
  EXPECT_EQ(psql[1]->argv.back().text, "drop table users");
  EXPECT_FALSE(find_env(*psql[1], [](const auto& kv) { return kv.first == "PGHOST"; }));
}
