// The hook protocol byte for byte, through the built binary with real events:
// stdout, stderr and exit code for allow, deny, hard deny and each malformed input.
#include <gtest/gtest.h>
#include <filesystem>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/events.h"

namespace {

using dbguard::testing::bash_event;

struct Run {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

Run run(const std::vector<std::string>& args, const std::string& stdin_bytes) {
  char dir[] = "/tmp/dbguard-hook-XXXXXX";
  std::string d = mkdtemp(dir);
  std::string in = d + "/in", out = d + "/out", err = d + "/err";
  std::ofstream(in, std::ios::binary) << stdin_bytes;
  std::string cmd = std::string("'") + DBGUARD_BINARY + "'";
  for (const auto& a : args) {
    std::string q;
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += " '" + q + "'";
  }
  cmd += " < " + in + " > " + out + " 2> " + err;
  Run r;
  int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::system(("rm -rf " + d).c_str());
  return r;
}

TEST(HookBinary, AllowIsSilentExitZero) {
  auto r = run({"hook"}, bash_event("ls -la"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST(HookBinary, DenyIsExitTwoWithReasonOnStderrOnly) {
  auto r = run({"hook"}, bash_event("docker compose down -v"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("dbguard blocked this command (rule containers.compose-down-volumes).\n"
                        "Blocked: docker compose down -v\n", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("make down-volumes"), std::string::npos);
  EXPECT_NE(r.err.find("Why: "), std::string::npos);
  EXPECT_EQ(r.err.find("permissionDecision"), std::string::npos);
}

TEST(HookBinary, HardDenySaysItCannotBeOverridden) {
  auto r = run({"hook"}, bash_event("psql -h prod-db.example.com -c 'select 1'"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("dbguard HARD BLOCK — production (rule production.db-client).\n", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("No agent may do this"), std::string::npos);
  EXPECT_NE(r.err.find("cannot be overridden"), std::string::npos);
  EXPECT_NE(r.err.find("Production target: prod-db.example.com"), std::string::npos) << r.err;
}

TEST(HookBinary, MalformedInputIsDeniedEachWay) {
  std::string big(5u << 20, ' ');
  big = "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"},\"pad\":\"" + big + "\"}";
  struct C { std::string name, input, expect; };
  for (const auto& c : std::vector<C>{
           {"empty", "", "stdin is empty"},
           {"not json", "docker compose down -v", "not valid JSON"},
           {"not an object", "[1,2,3]", "not a JSON object"},
           {"no tool_name", "{\"tool_input\":{}}", "no string `tool_name`"},
           {"command not a string", "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":42}}", "without a string `command`"},
           {"no command", "{\"tool_name\":\"Bash\",\"tool_input\":{}}", "without a string `command`"},
           {"too large", big, "larger than"},
       }) {
    auto r = run({"hook"}, c.input);
    EXPECT_EQ(r.exit_code, 2) << c.name;
    EXPECT_EQ(r.out, "") << c.name;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.name << ": " << r.err;
  }
}

TEST(HookBinary, BadFlagsStillExitTwo) {
  auto r = run({"hook", "--no-such-flag"}, bash_event("ls"));
  EXPECT_EQ(r.exit_code, 2);
}

TEST(HookBinary, OtherToolsPass) {
  nlohmann::json j = {{"tool_name", "Read"}, {"tool_input", {{"file_path", "/etc/hosts"}}}, {"cwd", "/tmp"}};
  auto r = run({"hook"}, j.dump());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out + r.err, "");
}

TEST(HookBinary, McpSqlIsJudged) {
  nlohmann::json deny = {{"tool_name", "mcp__postgres__query"}, {"tool_input", {{"sql", "DROP TABLE users"}}}};
  auto r = run({"hook"}, deny.dump());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sql.drop"), std::string::npos);
  nlohmann::json allow = {{"tool_name", "mcp__postgres__query"}, {"tool_input", {{"sql", "SELECT 1"}}}};
  EXPECT_EQ(run({"hook"}, allow.dump()).exit_code, 0);
}

TEST(CheckBinary, AgreesWithTheHookOnTheSameEvent) {
  for (const char* cmd : {"ls", "docker volume prune", "python prod_db_exec.py", "echo x | base64 -d | sh"}) {
    auto hook = run({"hook"}, bash_event(cmd));
    auto check = run({"check", "--json"}, bash_event(cmd));
    auto j = nlohmann::json::parse(check.out);
    EXPECT_EQ(hook.exit_code, check.exit_code) << cmd;
    EXPECT_EQ(j["decision"] == "allow", hook.exit_code == 0) << cmd;
    if (hook.exit_code == 2) {
      EXPECT_EQ(j["reason"].get<std::string>(), hook.err) << cmd;
    }
  }
}

TEST(CheckBinary, JsonShapeAndExitCodes) {
  auto deny = run({"check", "--json", "--", "docker", "volume", "rm", "pgdata"}, "");
  EXPECT_EQ(deny.exit_code, 2);
  auto j = nlohmann::json::parse(deny.out);
  EXPECT_EQ(j["decision"], "deny");
  EXPECT_EQ(j["hard"], false);
  EXPECT_EQ(j["rules"], nlohmann::json::array({"containers.volume-rm"}));
  EXPECT_EQ(deny.out.rfind("{\"decision\":\"deny\",\"hard\":false,\"rules\":[", 0), 0u);
  auto allow = run({"check", "--json", "--", "docker volume ls"}, "");
  EXPECT_EQ(allow.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(allow.out)["decision"], "allow");
}

TEST(ExplainBinary, ShowsParseMatchesAndDecision) {
  auto r = run({"explain", "--", "sudo -u postgres bash -c \"psql -c 'TRUNCATE users'\""}, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("argv: «psql» «-c» «TRUNCATE users»"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("via: sudo > bash -c >"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sql from psql -c:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sql.truncate"), std::string::npos);
  EXPECT_NE(r.out.find("decision: deny"), std::string::npos);
}

TEST(ExplainBinary, ScriptCommandsShowTheirScriptLine) {
  std::string dir = std::filesystem::temp_directory_path() / ("dbguard-explain-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/reset.sh") << "#!/bin/bash\nset -e\necho resetting\ndocker compose down -v\n";
  auto r = run({"explain", "--cwd", dir, "--", "bash reset.sh"}, "");
  EXPECT_NE(r.out.find("via: bash reset.sh > reset.sh:4 >"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[command run through reset.sh:4]"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

TEST(ExplainBinary, AnEventOnStdinShowsWhereItsSqlCameFrom) {
  auto r = run({"explain"},
               R"({"tool_name":"mcp__db__query","tool_input":{"params":{"sql":"TRUNCATE users"}},"cwd":"/tmp"})");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("event: mcp__db__query"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sql from MCP field params.sql:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("decision: deny"), std::string::npos) << r.out;
  auto bad = run({"explain"}, "not an event");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("not valid JSON"), std::string::npos) << bad.err;
}

TEST(PatternsBinary, ListAndValidate) {
  auto list = run({"patterns", "list"}, "");
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("containers.volume-prune"), std::string::npos);
  auto validate = run({"patterns", "validate", std::string(DBGUARD_SOURCE_DIR) + "/patterns"}, "");
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
}

}  // namespace
