// `dbguard install` / `uninstall` / `doctor` as a user runs them.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "../support/process.h"

using namespace dbguard::testing;
namespace fs = std::filesystem;

namespace {

const char* kSettings = R"J({
  "permissions": {"allow": ["Bash(make test)"]},
  "hooks": {
    "PreToolUse": [
      {"matcher": "Write", "hooks": [{"type": "command", "command": "./lint.sh"}]}
    ],
    "SessionStart": [{"hooks": [{"type": "command", "command": "echo hi"}]}]
  }
}
)J";

std::vector<std::string> backups(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".dbguard-backup-") != std::string::npos) out.push_back(e.path().string());
  return out;
}

std::string settings_with(const std::string& matcher, const std::string& command) {
  nlohmann::json hook = {{"type", "command"}, {"command", command}, {"timeout", 10}};
  nlohmann::json group = {{"matcher", matcher}, {"hooks", nlohmann::json::array({hook})}};
  nlohmann::json doc;
  doc["hooks"]["PreToolUse"] = nlohmann::json::array({group});
  return doc.dump();
}

const char* kAll = "Bash|Read|Write|Edit|MultiEdit|NotebookEdit|mcp__.*";

class InstallCli : public ::testing::Test {
 protected:
  InstallCli() : d_("install"), env_(isolated_env(d_)) {
    env_["DBGUARD_AUDIT_LOG"] = d_ / "audit.jsonl";
    fs::create_directories(d_ / "proj");
  }
  dbguard::testing::Run dbguard(std::vector<std::string> args) {
    args.insert(args.begin(), DBGUARD_BINARY);
    return run(args, "", env_);
  }
  ScratchDir d_;
  std::map<std::string, std::string> env_;
};

}  // namespace

TEST_F(InstallCli, InstallUninstallRoundTripsASettingsFile) {
  std::string settings = d_ / "proj/.claude/settings.json";
  write_file(settings, kSettings);
  ::chmod(settings.c_str(), 0640);
  auto in = dbguard({"install", "--settings", settings});
  ASSERT_EQ(in.code, 0) << in.err;
  std::string installed = read_file(settings);
  auto doc = nlohmann::json::parse(installed);
  ASSERT_EQ(doc["hooks"]["PreToolUse"].size(), 2u);
  auto& ours = doc["hooks"]["PreToolUse"][1];
  EXPECT_EQ(ours["hooks"][0]["command"], std::string(DBGUARD_BINARY) + " hook || exit 2");
  EXPECT_EQ(ours["hooks"][0]["type"], "command");
  EXPECT_EQ(ours["hooks"][0]["timeout"], 10);
  EXPECT_EQ((fs::status(settings).permissions() & fs::perms::all), fs::perms(0640));  // mode kept
  // a backup of the original beside it
  auto b = backups(d_ / "proj/.claude");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(read_file(b[0]), kSettings);
  // idempotent: nothing changes, no second backup
  auto again = dbguard({"install", "--settings", settings});
  EXPECT_EQ(again.code, 0);
  EXPECT_NE(again.out.find("already installed"), std::string::npos);
  EXPECT_EQ(read_file(settings), installed);
  EXPECT_EQ(backups(d_ / "proj/.claude").size(), 1u);
  // uninstall gives the original back byte for byte
  auto un = dbguard({"uninstall", "--settings", settings});
  ASSERT_EQ(un.code, 0) << un.err;
  EXPECT_EQ(read_file(settings), kSettings);
}

TEST_F(InstallCli, UserAndProjectTargets) {
  auto in = dbguard({"install", "--user"});
  ASSERT_EQ(in.code, 0) << in.err;
  std::string user = d_ / "home/.claude/settings.json";
  ASSERT_TRUE(fs::exists(user));  // created
  EXPECT_EQ(nlohmann::json::parse(read_file(user))["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
            std::string(DBGUARD_BINARY) + " hook || exit 2");
  // CLAUDE_CONFIG_DIR moves the user settings
  env_["CLAUDE_CONFIG_DIR"] = d_ / "claude-config";
  ASSERT_EQ(dbguard({"install"}).code, 0);
  EXPECT_TRUE(fs::exists(d_ / "claude-config/settings.json"));
  env_.erase("CLAUDE_CONFIG_DIR");
  env_["-CLAUDE_CONFIG_DIR"] = "";
  // --project writes ./.claude/settings.json of the current directory
  auto r = run({"/bin/sh", "-c", "cd '" + d_ / "proj" + "' && exec '" + DBGUARD_BINARY + "' install --project"}, "", env_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(d_ / "proj/.claude/settings.json"));
  EXPECT_NE(dbguard({"install", "--user", "--project"}).code, 0);  // one target only
}

TEST_F(InstallCli, RefusesToEditABrokenSettingsFile) {
  std::string settings = d_ / "s.json";
  write_file(settings, "{ \"hooks\": ");
  auto r = dbguard({"install", "--settings", settings});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(read_file(settings), "{ \"hooks\": ");
  EXPECT_TRUE(backups(d_.path()).empty());
}

TEST_F(InstallCli, InstallAndUninstallRefuseInsideClaudeCode) {
  std::string settings = d_ / "settings.json";
  ASSERT_EQ(dbguard({"install", "--settings", settings}).code, 0);
  std::string installed = read_file(settings);
  // A copy under another name escapes the hook's check by program name; the
  // binary itself refuses when Claude Code (CLAUDECODE) runs it.
  fs::copy_file(DBGUARD_BINARY, d_ / "dg");
  ::chmod((d_ / "dg").c_str(), 0755);
  auto inside = env_;
  inside["CLAUDECODE"] = "1";
  for (const char* cmd : {"uninstall", "install"}) {
    auto r = run({d_ / "dg", cmd, "--settings", settings}, "", inside);
    EXPECT_EQ(r.code, 1) << cmd << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("CLAUDECODE"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(settings), installed) << cmd;
  }
  auto fresh = run({DBGUARD_BINARY, "install", "--settings", d_ / "other.json"}, "", inside);
  EXPECT_EQ(fresh.code, 1) << fresh.out << fresh.err;
  EXPECT_FALSE(fs::exists(d_ / "other.json"));
  // From a person's terminal it works.
  EXPECT_EQ(run({d_ / "dg", "uninstall", "--settings", settings}, "", env_).code, 0);
}

TEST_F(InstallCli, DoctorChecksEverySettingsFileInScope) {
  auto doctor = [&] { return dbguard({"doctor", "--cwd", d_ / "proj"}); };
  auto fails = [](const dbguard::testing::Run& r, const std::string& check, const std::string& file) {
    auto at = r.out.find("FAIL  " + check + ":");
    return r.code == 1 && at != std::string::npos && r.out.find(file, at) != std::string::npos;
  };
  std::string user = d_ / "home/.claude/settings.json";
  std::string project = d_ / "proj/.claude/settings.json";
  std::string local = d_ / "proj/.claude/settings.local.json";
  ASSERT_EQ(dbguard({"install", "--settings", user}).code, 0);
  auto good = doctor();
  ASSERT_EQ(good.code, 0) << good.out;
  // disableAllHooks in any file in scope switches every hook off
  write_file(local, "{\"disableAllHooks\": true}\n");
  auto disabled = doctor();
  EXPECT_TRUE(fails(disabled, "hooks enabled", local)) << disabled.out;
  fs::remove(local);
  // a second file with a dbguard entry is checked too: here one that is not fail-closed
  write_file(project, settings_with(kAll, std::string(DBGUARD_BINARY) + " hook"));
  auto second = doctor();
  EXPECT_TRUE(fails(second, "fail-closed", project)) << second.out;
  EXPECT_NE(second.out.find("ok    fail-closed: " + user), std::string::npos) << second.out;
  // a matcher that leaves Read out cannot keep the audit key from being read
  write_file(project, settings_with("Bash|Write|Edit|MultiEdit|NotebookEdit|mcp__.*", std::string(DBGUARD_BINARY) + " hook || exit 2"));
  auto no_read = doctor();
  EXPECT_TRUE(fails(no_read, "matcher", project)) << no_read.out;
  EXPECT_NE(no_read.out.find("Read"), std::string::npos) << no_read.out;
}

TEST_F(InstallCli, DoctorPassesOnAGoodInstall) {
  std::string settings = d_ / "settings.json";
  ASSERT_EQ(dbguard({"install", "--settings", settings}).code, 0);
  auto doc = dbguard({"doctor", "--settings", settings, "--cwd", d_ / "proj"});
  EXPECT_EQ(doc.code, 0) << doc.out << doc.err;
  for (const char* check : {"ok    settings:", "ok    matcher:", "ok    fail-closed:", "ok    timeout:", "ok    binary:",
                            "ok    probe deny:", "ok    probe allow:", "ok    policy:", "ok    audit log:",
                            "ok    audit chain:"})
    EXPECT_NE(doc.out.find(check), std::string::npos) << check << "\n" << doc.out;
  // the probes went through the installed command and were recorded
  EXPECT_NE(read_file(d_ / "audit.jsonl").find("dbguard-doctor"), std::string::npos);
}

TEST_F(InstallCli, DoctorCatchesABrokenInstall) {
  std::string settings = d_ / "settings.json";
  auto doctor = [&] { return dbguard({"doctor", "--settings", settings, "--cwd", d_ / "proj"}); };
  auto fails = [](const dbguard::testing::Run& r, const std::string& check) {
    return r.code == 1 && r.out.find("FAIL  " + check + ":") != std::string::npos;
  };
  // nothing installed
  write_file(settings, "{}\n");
  EXPECT_TRUE(fails(doctor(), "settings"));
  // not fail-closed
  write_file(settings, settings_with(kAll, std::string(DBGUARD_BINARY) + " hook"));
  auto open = doctor();
  EXPECT_TRUE(fails(open, "fail-closed")) << open.out;
  // the binary is gone
  write_file(settings, settings_with(kAll, d_ / "gone/dbguard hook || exit 2"));
  auto gone = doctor();
  EXPECT_TRUE(fails(gone, "binary")) << gone.out;
  EXPECT_NE(gone.out.find("ok    probe deny"), std::string::npos) << gone.out;  // `|| exit 2` still blocks…
  EXPECT_TRUE(fails(gone, "probe allow")) << gone.out;                         // …everything
  // a "dbguard" that lets everything through
  write_file(d_ / "fake/dbguard", "#!/bin/sh\ncat >/dev/null\nexit 0\n");
  ::chmod((d_ / "fake/dbguard").c_str(), 0755);
  write_file(settings, settings_with(kAll, d_ / "fake/dbguard hook || exit 2"));
  auto fake = doctor();
  EXPECT_TRUE(fails(fake, "probe deny")) << fake.out;
  EXPECT_TRUE(fails(fake, "binary")) << fake.out;
  // only Bash screened: the guard cannot protect its files
  ASSERT_EQ(dbguard({"uninstall", "--settings", settings}).code, 0);
  write_file(settings, settings_with("Bash", std::string(DBGUARD_BINARY) + " hook || exit 2"));
  EXPECT_TRUE(fails(doctor(), "matcher"));
  // a good install with an invalid policy and a tampered audit log
  write_file(settings, "{}");
  ASSERT_EQ(dbguard({"install", "--settings", settings}).code, 0);
  ASSERT_EQ(doctor().code, 0);
  write_file(d_ / "proj/.dbguard.toml", "[rules]\nx = 1\n");
  auto bad_policy = doctor();
  EXPECT_TRUE(fails(bad_policy, "policy")) << bad_policy.out;
  EXPECT_TRUE(fails(bad_policy, "probe allow")) << bad_policy.out;  // the invalid policy denies everything
  fs::remove(d_ / "proj/.dbguard.toml");
  std::string log = read_file(d_ / "audit.jsonl");
  auto first_nl = log.find('\n');
  write_file(d_ / "audit.jsonl", log.substr(first_nl + 1));  // drop the first record
  EXPECT_TRUE(fails(doctor(), "audit chain"));
}
