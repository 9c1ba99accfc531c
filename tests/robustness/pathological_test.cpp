// Hostile and pathological inputs (issue 7): each must end, without a crash,
// with exit 0 or 2 from `dbguard hook`, and with a deny wherever analysis had
// to stop. Checked twice: in-process (the exact rule, no watchdog involved) and
// through the built binary (the protocol, under its watchdog). Speed is not
// asserted here — `make bench` measures it — only that nothing hangs or crashes.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "decision/engine.h"
#include "protocol/event.h"
#include "protocol/hook_runner.h"

using namespace dbguard;

namespace {

std::string event(const std::string& command, const std::string& cwd = "/tmp") {
  return nlohmann::json{{"tool_name", "Bash"}, {"tool_input", {{"command", command}}}, {"cwd", cwd}}.dump();
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// `bash -c "…"` nested `levels` deep around a destructive psql call, quoted
// the way a shell needs it at each level.
std::string nested_bash_c(int levels) {
  std::string c = "psql -c 'DROP TABLE t'";
  for (int i = 0; i < levels; ++i) {
    std::string q;
    for (char ch : c) {
      if (ch == '\\' || ch == '"' || ch == '$' || ch == '`') q += '\\';
      q += ch;
    }
    c = "bash -c \"" + q + "\"";
  }
  return c;
}

// A string literal with its embedded NUL bytes kept.
template <std::size_t N>
std::string bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

bool has_rule(const Decision& d, const std::string& rule) {
  for (const auto& f : d.findings)
    if (f.rule == rule) return true;
  return false;
}

std::string rules_of(const Decision& d) {
  std::string s;
  for (const auto& f : d.findings) s += f.rule + " ";
  return s;
}

struct HookRun {
  int exit_code = -1;  // -1: killed by a signal
  int signal = 0;
  std::string err;
  double seconds = 0;
};

HookRun run_hook_binary(const std::string& stdin_bytes) {
  char dir[] = "/tmp/dbguard-patho-XXXXXX";
  std::string d = mkdtemp(dir);
  std::string in = d + "/in", err = d + "/err";
  std::ofstream(in, std::ios::binary) << stdin_bytes;
  std::string cmd = std::string("'") + DBGUARD_BINARY + "' hook < " + in + " > /dev/null 2> " + err;
  auto start = std::chrono::steady_clock::now();
  int status = std::system(cmd.c_str());
  HookRun r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
    if (r.exit_code > 128) r.signal = r.exit_code - 128;  // the shell reports a signal as 128+n
  }
  std::ifstream e(err, std::ios::binary);
  r.err.assign(std::istreambuf_iterator<char>(e), {});
  std::system(("rm -rf " + d).c_str());
  return r;
}

// The protocol holds whatever the input: exit 0 or 2, never a crash, and no hang.
void expect_protocol(const std::string& name, const std::string& input, bool must_deny) {
  HookRun r = run_hook_binary(input);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << name << ": exit " << r.exit_code << " " << r.err.substr(0, 300);
  if (must_deny) {
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err.substr(0, 300);
  }
  if (r.exit_code == 2) {
    EXPECT_NE(r.err.find("dbguard"), std::string::npos) << name;
  }
  EXPECT_LT(r.seconds, 10.0) << name << " took " << r.seconds << " s";
}

Decision decide(const std::string& input) { return protocol::decide_event_bytes(input, false); }

}  // namespace

TEST(Pathological, TenThousandNestedSubshellsStopAtTheDepthBound) {
  std::string cmd = repeat("( ", 10000) + "docker volume rm pgdata" + repeat(" )", 10000);
  Decision d = decide(event(cmd));
  EXPECT_EQ(d.verdict, Verdict::Deny);
  EXPECT_TRUE(has_rule(d, "guard.depth-exceeded")) << rules_of(d);
  expect_protocol("subshells", event(cmd), true);
}

TEST(Pathological, TenThousandParenthesesWithoutSpaces) {
  // `((((…))))` is bash arithmetic; whatever it is read as, the hook must answer.
  std::string cmd = repeat("(", 10000) + "ls" + repeat(")", 10000);
  expect_protocol("parens", event(cmd), false);
  expect_protocol("parens-unclosed", event(repeat("(", 10000)), false);
}

TEST(Pathological, TenThousandNestedCommandSubstitutions) {
  for (std::string cmd : {"echo " + repeat("$(", 10000) + "ls" + repeat(")", 10000),
                                 "echo " + repeat("$(", 10000),  // never closed
                                 "cat " + repeat("<(", 10000) + "ls" + repeat(")", 10000),
                                 "echo " + repeat("${x:-", 10000) + "y" + repeat("}", 10000),
                                 "echo \"" + repeat("$(echo \"", 5000) + "x" + repeat("\")", 5000) + "\""}) {
    Decision d = decide(event(cmd));
    EXPECT_EQ(d.verdict, Verdict::Deny) << cmd.substr(0, 40);
    EXPECT_TRUE(has_rule(d, "guard.depth-exceeded") || has_rule(d, "guard.unparseable")) << rules_of(d);
    expect_protocol(cmd.substr(0, 12), event(cmd), true);
  }
}

TEST(Pathological, NestedBackticks) {
  // Backticks nest by escaping: each level doubles the backslashes. Twelve
  // levels down, the command is still seen.
  std::string cmd = "docker volume rm pgdata";
  for (int level = 0; level < 12; ++level) {
    std::string escaped;
    for (char c : cmd) {
      if (c == '\\' || c == '`' || c == '$') escaped += '\\';
      escaped += c;
    }
    cmd = "echo `" + escaped + "`";
  }
  Decision d = decide(event(cmd));
  EXPECT_EQ(d.verdict, Verdict::Deny);
  EXPECT_TRUE(has_rule(d, "containers.volume-rm")) << rules_of(d);
  // 200 backticks whose inner commands are unterminated: the shell rejects each
  // one; nothing reaches a database, so the protocol answers and allows.
  expect_protocol("chained unterminated backticks", event("echo " + repeat("`echo \\`", 200)), false);
}

TEST(Pathological, TenThousandNestedCompounds) {
  for (std::string cmd : {repeat("{ ", 10000) + "ls; " + repeat("}; ", 10000),
                                 repeat("if true; then ", 5000) + "ls; " + repeat("fi; ", 5000),
                                 repeat("case x in x) ", 3000) + "ls;; " + repeat("esac ", 3000)}) {
    Decision d = decide(event(cmd));
    EXPECT_EQ(d.verdict, Verdict::Deny) << cmd.substr(0, 20);
    EXPECT_TRUE(has_rule(d, "guard.depth-exceeded")) << rules_of(d);
    expect_protocol(cmd.substr(0, 12), event(cmd), true);
  }
}

TEST(Pathological, HundredThousandPipelineStagesStopAtTheCommandBound) {
  for (std::string cmd : {repeat("cat | ", 99999) + "cat", repeat("true && ", 99999) + "true",
                                 repeat("cat | ", 99999) + "docker volume rm pgdata"}) {
    Decision d = decide(event(cmd));
    EXPECT_EQ(d.verdict, Verdict::Deny);
    EXPECT_TRUE(has_rule(d, "guard.too-complex")) << rules_of(d);
    expect_protocol("stages", event(cmd), true);
  }
}

// A long list of commands is cut at the bound while parsing: what came before
// is still judged (a hard finding stays hard), the rest is a deny on its own,
// even when the commands parsed so far ran few commands (assignments).
TEST(Pathological, CommandsPastTheBoundAreNotParsedButStillDenied) {
  Decision hard = decide(event("psql postgresql://app@db.prod.example.com/app -c 'SELECT 1'\n" + repeat("ls\n", 20000)));
  EXPECT_EQ(hard.verdict, Verdict::Deny);
  EXPECT_TRUE(hard.hard) << rules_of(hard);
  EXPECT_TRUE(has_rule(hard, "guard.too-complex")) << rules_of(hard);

  Decision quiet = decide(event(repeat("x=1\n", 20000) + "ls"));
  EXPECT_EQ(quiet.verdict, Verdict::Deny);
  EXPECT_TRUE(has_rule(quiet, "guard.too-complex")) << rules_of(quiet);

  Decision under = decide(event(repeat("x=1\n", 9000) + "ls"));  // within the bound: judged whole
  EXPECT_EQ(under.verdict, Verdict::Allow) << rules_of(under);
}

TEST(Pathological, TenMebibyteEventIsDeniedUnread) {
  std::string ev = event("echo " + std::string(10u << 20, 'a'));
  HookRun r = run_hook_binary(ev);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("guard.malformed-event"), std::string::npos) << r.err.substr(0, 300);
  EXPECT_NE(r.err.find("larger than"), std::string::npos);
}

TEST(Pathological, DeeplyNestedBashCQuoting) {
  // Within the nesting bound the guard still sees the DROP ...
  Decision shallow = decide(event(nested_bash_c(6)));
  EXPECT_TRUE(has_rule(shallow, "sql.drop")) << rules_of(shallow);
  // ... past it, analysis stops and denies.
  for (int levels : {12, 16}) {
    Decision deep = decide(event(nested_bash_c(levels)));
    EXPECT_EQ(deep.verdict, Verdict::Deny);
    EXPECT_TRUE(has_rule(deep, "guard.depth-exceeded")) << rules_of(deep);
    expect_protocol("bash -c nesting", event(nested_bash_c(levels)), true);
  }
}

TEST(Pathological, InvalidUtf8) {
  // In the event: not JSON, denied.
  std::string raw = "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls \xff\xfe\"},\"cwd\":\"/tmp\"}";
  EXPECT_TRUE(has_rule(decide(raw), "guard.malformed-event"));
  expect_protocol("invalid utf-8 event", raw, true);
  expect_protocol("lone surrogate", "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls \\udc80\"}}", true);
  // In a command (from `check -- …`): bytes are bytes; analysis still works.
  const Engine& e = Engine::embedded();
  EXPECT_EQ(e.decide_command("ls \xff\xfe\xc3", "/tmp").verdict, Verdict::Allow);
  EXPECT_EQ(e.decide_command("docker volume rm \xff\xfe", "/tmp").verdict, Verdict::Deny);
  EXPECT_EQ(e.decide_command("psql -c 'DROP TABLE \xff'", "/tmp").verdict, Verdict::Deny);
}

TEST(Pathological, NulBytes) {
  // A raw NUL ends what the JSON parser reads: the rest must not be ignored.
  std::string raw = event("ls") + bytes("\0{\"anything\":1}");
  EXPECT_TRUE(has_rule(decide(raw), "guard.malformed-event")) << rules_of(decide(raw));
  expect_protocol("raw NUL", raw, true);
  // \u0000 inside the command: no shell receives it intact; denied.
  for (std::string cmd : {bytes("psql -c 'SELECT 1;\0DROP TABLE users'"),
                                 bytes("dock\0er volume rm pgdata"), bytes("ls\0")}) {
    Decision d = decide(event(cmd));
    EXPECT_TRUE(has_rule(d, "guard.malformed-event")) << rules_of(d);
    expect_protocol("NUL in command", event(cmd), true);
  }
  // An MCP SQL field with a NUL: denied the same way.
  std::string mcp = nlohmann::json{{"tool_name", "mcp__db__query"},
                                   {"tool_input", {{"sql", bytes("SELECT 1;\0DROP TABLE users")}}}}
                        .dump();
  EXPECT_TRUE(has_rule(decide(mcp), "guard.malformed-event"));
  // A SQL file with a NUL byte: psql goes on after it, so does the guard.
  char dir[] = "/tmp/dbguard-nul-XXXXXX";
  std::string d = mkdtemp(dir);
  std::ofstream(d + "/x.sql", std::ios::binary) << bytes("SELECT 1;\0\nDROP TABLE users;\n");
  Decision f = decide(event("psql -f x.sql", d));
  EXPECT_TRUE(has_rule(f, "sql.drop")) << rules_of(f);
  std::system(("rm -rf " + d).c_str());
}

TEST(Pathological, DeeplyNestedJsonInTheEvent) {
  // Past the event's depth bound the event is refused unread: the parser
  // recurses only that deep, and nothing after it sees a deeper tree.
  std::string deep = "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\",\"x\":" + repeat("[", 1000000) +
                     repeat("]", 1000000) + "},\"cwd\":\"/tmp\"}";
  expect_protocol("deep JSON", deep, true);
  std::string deep_mcp = "{\"tool_name\":\"mcp__db__query\",\"tool_input\":{\"sql\":\"SELECT 1\",\"x\":" +
                         repeat("{\"a\":", 500000) + "1" + repeat("}", 500000) + "}}";
  expect_protocol("deep JSON (MCP)", deep_mcp, true);
}

TEST(Pathological, ManyHeredocsAndLongRuns) {
  for (std::string cmd : {repeat("cat <<A <<B <<C\n", 3000), "cat <<EOF\n" + repeat("x\n", 100000),
                                 std::string(1000000, '\\'), std::string(100000, ';'),
                                 "echo " + repeat("a ", 300000)}) {
    expect_protocol(cmd.substr(0, 10), event(cmd), false);
  }
}

// Text is small beside its syntax tree: two bytes make a word part of 40 (`$U`),
// three a redirection of 200 (`>a `). At the event's bound such a command made a
// tree of 100 to 300 MiB. Past the parser's bound on one command's tree, the text is
// denied as more than the guard analyses, whatever the command is; under it, the
// text is analysed.
TEST(Pathological, MillionsOfNodesInOneCommandStopAtTheBound) {
  const std::string many = repeat("$U", 1000000);
  for (std::string cmd : {"echo \"" + many + "\"", "echo " + many, "cat <<EOF\n" + many + "\nEOF",
                                 "echo " + repeat("a'b'", 300000), "echo `echo " + many + "`",
                                 "echo " + repeat(">a ", 1000000), "echo " + repeat("2>&1 ", 600000),
                                 repeat("a | ", 600000) + "a", "echo " + repeat("$(a)", 600000),
                                 repeat("{ x=1; } && ", 20000) + "ls"}) {
    Decision d = decide(event(cmd));
    EXPECT_EQ(d.verdict, Verdict::Deny) << cmd.substr(0, 20);
    EXPECT_TRUE(has_rule(d, "guard.too-complex")) << rules_of(d);
    expect_protocol(cmd.substr(0, 12), event(cmd), true);
  }
  // More words than the parser reads: the same rule (it was named as nesting).
  Decision words = decide(event("echo " + repeat("a ", 300000)));
  EXPECT_TRUE(has_rule(words, "guard.too-complex")) << rules_of(words);
  EXPECT_FALSE(has_rule(words, "guard.depth-exceeded")) << rules_of(words);
  // A here-document of 70,000 expansions is within the bound: analysed, and allowed
  // where nothing in it reaches data; SQL with run-time parts is denied as such. One
  // of 80,000 is past it.
  Decision cat = decide(event("cat <<EOF\n" + repeat("$U\n", 70000) + "EOF"));
  EXPECT_EQ(cat.verdict, Verdict::Allow) << rules_of(cat);
  Decision sql = decide(event("psql -d app <<SQL\n" + repeat("INSERT INTO t VALUES ('$USER');\n", 70000) + "SQL"));
  EXPECT_EQ(sql.verdict, Verdict::Deny);
  EXPECT_TRUE(has_rule(sql, "guard.opaque-input")) << rules_of(sql);
  Decision past = decide(event("cat <<EOF\n" + repeat("$U\n", 80000) + "EOF"));
  EXPECT_TRUE(has_rule(past, "guard.too-complex")) << rules_of(past);
}

// SQL nested past PostgreSQL's parser bound (10,000 levels): the WHERE cannot be read,
// so a statement that may delete data is denied; it was allowed, its WHERE taken as
// a real condition by the scanner.
TEST(Pathological, SqlNestedPastTheParsersBound) {
  const std::string deep = "DELETE FROM t WHERE " + std::string(100000, '(') + "true" + std::string(100000, ')');
  Decision d = decide(event("psql -c '" + deep + "'"));
  EXPECT_EQ(d.verdict, Verdict::Deny);
  EXPECT_TRUE(has_rule(d, "sql.too-deep")) << rules_of(d);
  expect_protocol("deep SQL", event("psql -c '" + deep + "'"), true);
  std::string mcp = nlohmann::json{{"tool_name", "mcp__postgres__query"}, {"tool_input", {{"sql", deep}}}}.dump();
  EXPECT_TRUE(has_rule(decide(mcp), "sql.too-deep")) << rules_of(decide(mcp));
  // Nothing it could delete: allowed.
  Decision select = decide(event("psql -c 'SELECT " + std::string(100000, '(') + "1" + std::string(100000, ')') + "'"));
  EXPECT_EQ(select.verdict, Verdict::Allow) << rules_of(select);
}

// Small JSON values are large in the tree the event is read into (`1,` is two bytes
// of text): past 20,000 in tool_input the event is denied unread, whatever the tool.
TEST(Pathological, HundredsOfThousandsOfValuesInTheToolInput) {
  std::string many;
  for (int i = 0; i < 1000000; ++i) many += i ? ",1" : "1";
  for (std::string tool : {"Bash", "mcp__db__insert"}) {
    std::string ev = "{\"tool_name\":\"" + tool + "\",\"tool_input\":{\"command\":\"ls\",\"rows\":[" + many + "]}}";
    Decision d = decide(ev);
    EXPECT_EQ(d.verdict, Verdict::Deny) << tool;
    EXPECT_TRUE(has_rule(d, "guard.malformed-event")) << rules_of(d);
    expect_protocol("values " + tool, ev, true);
  }
  // Fewer: read, and judged as before (numbers are no command).
  std::string few = "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\",\"rows\":[" + many.substr(0, 9999) + "]}}";
  EXPECT_EQ(decide(few).verdict, Verdict::Allow) << rules_of(decide(few));
}
