// The guard protects itself: an agent's attempt to edit each protected file is
// denied (Write/Edit/MultiEdit events and shell forms), through the real hook.
#include <gtest/gtest.h>

#include <filesystem>

#include "../support/process.h"

using namespace dbguard::testing;

namespace {

class SelfProtection : public ::testing::Test {
 protected:
  SelfProtection() : d_("self-protection"), env_(isolated_env(d_)) {
    env_["DBGUARD_AUDIT_LOG"] = d_ / "state/audit.jsonl";
    proj_ = d_ / "proj";
    write_file(proj_ + "/.claude/settings.json",
               R"J({"permissions": {"allow": ["Bash(ls:*)"]}, "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "/usr/local/bin/dbguard hook || exit 2"}]}]}})J");
    write_file(proj_ + "/.dbguard.toml", "[production]\nhosts = [\"*.corp\"]\n");
    write_file(d_ / "home/.claude/settings.json", "{}\n");
    write_file(d_ / "home/.config/dbguard/policy.toml", "\n");
    write_file(d_ / "etc/dbguard/policy.toml", "\n");
    write_file(proj_ + "/src/app.py", "print(1)\n");
  }

  dbguard::testing::Run hook(const nlohmann::json& event) {
    nlohmann::json e = event;
    e["hook_event_name"] = "PreToolUse";
    e["session_id"] = "s";
    if (!e.contains("cwd")) e["cwd"] = proj_;
    return run({DBGUARD_BINARY, "hook"}, e.dump(), env_);
  }
  dbguard::testing::Run shell(const std::string& command) {
    return hook({{"tool_name", "Bash"}, {"tool_input", {{"command", command}}}});
  }
  static bool self_protected(const dbguard::testing::Run& r) {
    return r.code == 2 && r.err.find("guard.self-protection") != std::string::npos &&
           r.err.find("HARD BLOCK") != std::string::npos;
  }

  ScratchDir d_;
  std::map<std::string, std::string> env_;
  std::string proj_;
};

}  // namespace

TEST_F(SelfProtection, WriteToEachProtectedFileIsDenied) {
  std::vector<std::string> files = {
      d_ / "etc/dbguard/policy.toml",            // managed policy
      d_ / "home/.config/dbguard/policy.toml",   // user policy
      proj_ + "/.dbguard.toml",                  // project policy
      proj_ + "/sub/.dbguard.toml",              // a new project policy
      DBGUARD_BINARY,                            // the binary
      d_ / "state/audit.jsonl",                  // the audit log
      d_ / "state/audit.jsonl.lock",             // its head
  };
  for (const auto& f : files) {
    auto r = hook({{"tool_name", "Write"}, {"tool_input", {{"file_path", f}, {"content", "x"}}}});
    EXPECT_TRUE(self_protected(r)) << f << ": " << r.code << " " << r.err;
    auto e = hook({{"tool_name", "Edit"}, {"tool_input", {{"file_path", f}, {"old_string", "a"}, {"new_string", "b"}}}});
    EXPECT_TRUE(self_protected(e)) << f << ": " << e.code << " " << e.err;
  }
  // an ordinary file is fine
  auto ok = hook({{"tool_name", "Write"}, {"tool_input", {{"file_path", proj_ + "/src/app.py"}, {"content", "x"}}}});
  EXPECT_EQ(ok.code, 0) << ok.err;
}

TEST_F(SelfProtection, SettingsFilesKeepTheirHooks) {
  std::string settings = proj_ + "/.claude/settings.json";
  // Changing permissions is the agent's business; the hooks are not.
  auto perms = hook({{"tool_name", "Edit"},
                     {"tool_input", {{"file_path", settings}, {"old_string", "Bash(ls:*)"}, {"new_string", "Bash(git:*)"}}}});
  EXPECT_EQ(perms.code, 0) << perms.err;
  auto drop = hook({{"tool_name", "Edit"},
                    {"tool_input", {{"file_path", settings}, {"old_string", "/usr/local/bin/dbguard hook || exit 2"}, {"new_string", "true"}}}});
  EXPECT_TRUE(self_protected(drop)) << drop.err;
  auto rewrite = hook({{"tool_name", "Write"}, {"tool_input", {{"file_path", settings}, {"content", "{\"permissions\": {}}"}}}});
  EXPECT_TRUE(self_protected(rewrite)) << rewrite.err;
  nlohmann::json edit = {{"old_string", "{\"permissions\""}, {"new_string", "{\"disableAllHooks\": true, \"permissions\""}};
  auto disable = hook({{"tool_name", "MultiEdit"},
                       {"tool_input", {{"file_path", settings}, {"edits", nlohmann::json::array({edit})}}}});
  EXPECT_TRUE(self_protected(disable)) << disable.err;
  auto garbage = hook({{"tool_name", "Write"}, {"tool_input", {{"file_path", settings}, {"content", "{ not json"}}}});
  EXPECT_TRUE(self_protected(garbage)) << garbage.err;
  // user settings and settings.local.json, including creating one with hooks
  auto user = hook({{"tool_name", "Write"},
                    {"tool_input", {{"file_path", d_ / "home/.claude/settings.json"}, {"content", "{\"hooks\": {}}"}}}});
  EXPECT_TRUE(self_protected(user)) << user.err;
  auto local = hook({{"tool_name", "Write"},
                     {"tool_input", {{"file_path", proj_ + "/.claude/settings.local.json"}, {"content", "{\"disableAllHooks\": true}"}}}});
  EXPECT_TRUE(self_protected(local)) << local.err;
  auto local_ok = hook({{"tool_name", "Write"},
                        {"tool_input", {{"file_path", proj_ + "/.claude/settings.local.json"}, {"content", "{\"model\": \"x\"}"}}}});
  EXPECT_EQ(local_ok.code, 0) << local_ok.err;
}

TEST_F(SelfProtection, SettingsPathsAreResolvedLexicallyLikeClaudeCodeDoes) {
  write_file(d_ / "home/.claude/settings.json",
             R"J({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "dbguard hook || exit 2"}]}]}})J");
  // The kernel cannot open these (the directory before `..` does not exist),
  // but Claude Code writes the file `..` leads to.
  for (std::string path : {proj_ + "/nonexistent/../.claude/settings.json", std::string("~/nonexistent/../.claude/settings.json"),
                           std::string("nonexistent/deeper/../../.claude/settings.json")}) {
    auto w = hook({{"tool_name", "Write"}, {"tool_input", {{"file_path", path}, {"content", "{\"permissions\": {}}"}}}});
    EXPECT_TRUE(self_protected(w)) << path << ": " << w.code << " " << w.err;
    nlohmann::json edit = {{"old_string", "{"}, {"new_string", "{\"disableAllHooks\": true, "}};
    auto m = hook({{"tool_name", "MultiEdit"}, {"tool_input", {{"file_path", path}, {"edits", nlohmann::json::array({edit})}}}});
    EXPECT_TRUE(self_protected(m)) << path << ": " << m.code << " " << m.err;
  }
  // A settings file that exists but cannot be read (here: too large to judge)
  // cannot be compared: denied rather than treated as empty.
  write_file(proj_ + "/.claude/settings.local.json", "{" + std::string(5u << 20, ' ') + "}");
  auto big = hook({{"tool_name", "Write"},
                   {"tool_input", {{"file_path", proj_ + "/.claude/settings.local.json"}, {"content", "{}"}}}});
  EXPECT_TRUE(self_protected(big)) << big.code << " " << big.err;
  // Changing other settings through such a path stays allowed.
  auto perms = hook({{"tool_name", "Edit"},
                     {"tool_input", {{"file_path", proj_ + "/nonexistent/../.claude/settings.json"}, {"old_string", "Bash(ls:*)"}, {"new_string", "Bash(git:*)"}}}});
  EXPECT_EQ(perms.code, 0) << perms.err;
}

// A protected file whose directory does not exist yet, reached through a symlink
// to its parent, among other paths under the same missing directory in one call:
// each is resolved from the nearest directory the decision knows (the missing one
// answers for everything under it), never judged by its lexical form alone.
TEST_F(SelfProtection, AProtectedFileUnderAMissingDirectoryIsFoundThroughASymlink) {
  std::filesystem::remove_all(d_ / "home/.config/dbguard");
  std::filesystem::create_directory_symlink(d_ / "home/.config", proj_ + "/cfg");
  const std::string around = "echo 1 > cfg/dbguard/a/b/c/x; echo 2 > cfg/dbguard/a/b/y; echo 3 > cfg/dbguard/a/z";
  auto fine = shell(around);
  EXPECT_EQ(fine.code, 0) << fine.err;
  for (const std::string& cmd : {around + "; echo 4 > cfg/dbguard/policy.toml",
                                 "echo 4 > cfg/dbguard/policy.toml; " + around,
                                 around + "; echo 4 > " + proj_ + "/cfg/dbguard/a/../policy.toml"}) {
    auto r = shell(cmd);
    EXPECT_TRUE(self_protected(r)) << cmd << ": " << r.code << " " << r.err;
    EXPECT_NE(r.err.find("policy"), std::string::npos) << r.err;
  }
}

// `..` after a symlink leads where the kernel goes (the link target's parent), not
// where the text suggests: the shell's write through it is judged by that path.
TEST_F(SelfProtection, DotDotAfterASymlinkIsResolvedAsTheKernelDoes) {
  std::filesystem::create_directory_symlink(d_ / "home/.config/dbguard", proj_ + "/lnk");
  for (const std::string& cmd : {std::string("echo x > lnk/../dbguard/policy.toml"),
                                 "echo x > " + proj_ + "/lnk/../dbguard/policy.toml"}) {
    auto r = shell(cmd);
    EXPECT_TRUE(self_protected(r)) << cmd << ": " << r.code << " " << r.err;
  }
  auto fine = shell("echo x > lnk/../dbguard/notes.txt");
  EXPECT_EQ(fine.code, 0) << fine.err;
}

TEST_F(SelfProtection, SettingsEnvThatSteersTheHookIsProtected) {
  std::string settings = proj_ + "/.claude/settings.json";
  // Claude Code passes settings' `env` to hooks: these would point the guard
  // at another policy, home, PATH or shell start-up file.
  for (std::string var : {"DBGUARD_USER_POLICY", "DBGUARD_AUDIT_LOG", "HOME", "XDG_CONFIG_HOME", "CLAUDE_CONFIG_DIR",
                          "PATH", "BASH_ENV", "LD_PRELOAD"}) {
    nlohmann::json edit = {{"old_string", "{\"permissions\""},
                           {"new_string", "{\"env\": {\"" + var + "\": \"/tmp/evil\"}, \"permissions\""}};
    auto add = hook({{"tool_name", "Edit"}, {"tool_input", {{"file_path", settings}, {"old_string", edit["old_string"]}, {"new_string", edit["new_string"]}}}});
    EXPECT_TRUE(self_protected(add)) << var << ": " << add.code << " " << add.err;
    auto local = hook({{"tool_name", "Write"},
                       {"tool_input", {{"file_path", proj_ + "/.claude/settings.local.json"},
                                       {"content", "{\"env\": {\"" + var + "\": \"/tmp/evil\"}}"}}}});
    EXPECT_TRUE(self_protected(local)) << var << ": " << local.code << " " << local.err;
    auto user = hook({{"tool_name", "Write"},
                      {"tool_input", {{"file_path", d_ / "home/.claude/settings.json"},
                                      {"content", "{\"env\": {\"" + var + "\": \"/tmp/evil\"}}"}}}});
    EXPECT_TRUE(self_protected(user)) << var << ": " << user.code << " " << user.err;
  }
  // Changing an existing one is denied too; other variables are the agent's business.
  write_file(proj_ + "/.claude/settings.local.json", R"J({"env": {"PATH": "/usr/bin:/bin", "NODE_ENV": "dev"}})J");
  auto change = hook({{"tool_name", "Edit"}, {"tool_input", {{"file_path", proj_ + "/.claude/settings.local.json"},
                                                            {"old_string", "/usr/bin:/bin"}, {"new_string", "/tmp/evil:/usr/bin:/bin"}}}});
  EXPECT_TRUE(self_protected(change)) << change.err;
  auto other = hook({{"tool_name", "Edit"}, {"tool_input", {{"file_path", proj_ + "/.claude/settings.local.json"},
                                                           {"old_string", "\"dev\""}, {"new_string", "\"test\""}}}});
  EXPECT_EQ(other.code, 0) << other.err;
  auto add_other = hook({{"tool_name", "Write"}, {"tool_input", {{"file_path", proj_ + "/.claude/settings.local.json"},
                        {"content", R"J({"env": {"PATH": "/usr/bin:/bin", "NODE_ENV": "dev", "RUST_LOG": "debug"}})J"}}}});
  EXPECT_EQ(add_other.code, 0) << add_other.err;
}

TEST_F(SelfProtection, ShellFormsAreDenied) {
  std::string bin = DBGUARD_BINARY;
  std::vector<std::string> commands = {
      "sed -i 's/dbguard/true/' .claude/settings.json",
      "sed -i.bak -e 's/x/y/' ~/.config/dbguard/policy.toml",
      "perl -pi -e 's/hook/nohook/' ~/.claude/settings.json",
      "echo '{}' > .claude/settings.json",
      "echo '[rules]' >> .dbguard.toml",
      "cat /dev/null > " + d_ / "etc/dbguard/policy.toml",
      "rm .dbguard.toml",
      "rm -rf .claude",
      "rm -rf ~/.config/dbguard",
      "cd .claude && rm settings.json",
      "mv .dbguard.toml /tmp/x",
      "mv /tmp/evil.json .claude/settings.json",
      "chmod 000 " + bin,
      "chmod -x " + bin,
      "cp /bin/true " + bin,
      "cp /tmp/settings.json .claude/",
      "cp /tmp/evil.json ~/.claude/settings.json",
      "ln -sf /bin/true " + bin,
      "tee .claude/settings.local.json < /tmp/x",
      "truncate -s 0 " + d_ / "state/audit.jsonl",
      "rm " + d_ / "state/audit.jsonl",
      "sudo rm -f " + d_ / "etc/dbguard/policy.toml",
      "bash -c 'rm .dbguard.toml'",
      "dd if=/dev/zero of=" + bin,
      "git checkout -- .claude/settings.json",
      "dbguard uninstall",
      bin + " uninstall --user",
      "dbguard install --user --binary /bin/true",
      bin + " install --project",
      "printf x | dbguard hook-timeout-record",  // the watchdog's own recorder: not for agents
      "echo x | tee -a $HOME/.claude/settings.json",
      "rm \"$CLAUDE_PROJECT_DIR/.dbguard.toml\"",
      "cat x > \"$UNKNOWN_DIR/.claude/settings.json\"",
  };
  for (const auto& c : commands) {
    auto r = shell(c);
    EXPECT_TRUE(self_protected(r)) << c << "\n  exit " << r.code << "\n" << r.err;
  }
}

TEST_F(SelfProtection, ExecBracesGlobsAndCopiesIntoProtectedDirectoriesAreDenied) {
  std::vector<std::string> commands = {
      // redirections of a bare exec open the file for the rest of the shell
      "exec 3>.dbguard.toml",
      "exec >.dbguard.toml",
      "exec 3>>~/.claude/settings.json; echo '{}' >&3",
      // brace expansion
      "mv ~/.config/dbguard/policy.toml{,.bak}",
      "rm .dbguard.tom{l,x}",
      "tee .claude/settings.{json,bak} < /tmp/x",  // (cp /tmp/x …{json,bak} fails: two targets, the last not a directory)
      // globs that match a protected file, or could
      "rm .dbguard.*",
      "rm ./.dbg*",
      "rm -f .claude/settings*.json",
      "mv ~/.config/dbguard/*.toml /tmp/",
      "rm -rf ~/.config/dbg*",
      // a special character early in the path (only what comes before it is compared first)
      "rm -f ~/.c?nfig/dbguard/policy.toml",
      "rm -f ~/.config/[d]bguard/policy.toml",
      "rm -rf ~/.[c]onfig",
      "rm -f ~/.*/dbguard/policy.toml",
      // copying or extracting into a directory holding a protected file
      "cp -r /tmp/evil/dbguard ~/.config/",
      "cp -r /tmp/x/.claude .",
      "cp -a /tmp/x/. .",
      "rsync -a /tmp/x/ ~/.config/dbguard/",
      "rsync -a /tmp/x/ ~/.config/",
      "tar xf /tmp/a.tar -C ~/.config",
      "tar -xzf /tmp/a.tgz --directory=.claude",
      "tar xf /tmp/a.tar",
      "unzip -o /tmp/a.zip -d .claude",
      "unzip -o /tmp/a.zip",
  };
  for (const auto& c : commands) {
    auto r = shell(c);
    EXPECT_TRUE(self_protected(r)) << c << "\n  exit " << r.code << "\n" << r.err;
  }
}

// A glob that would match a protected file created before it runs (the user
// policy, deleted here): judged against the protected paths themselves, whatever
// character of the pattern is its first special one.
TEST_F(SelfProtection, AGlobThatCouldNameAProtectedFileNotThereYetIsDenied) {
  std::filesystem::remove(d_ / "home/.config/dbguard/policy.toml");
  const std::vector<std::string> commands = {
      "rm -f ~/.config/dbguard/pol?cy.toml", "chmod 666 ~/.c?nfig/dbguard/policy.toml",
      "rm -f ~/.config/[d]bguard/policy.toml", "rm -f ~/.config/dbguard/*.toml",
      "rm -f " + (d_ / "home") + "/.*/dbguard/policy.toml"};
  for (const auto& c : commands) {
    auto r = shell(c);
    EXPECT_TRUE(self_protected(r)) << c << "\n  exit " << r.code << "\n" << r.err;
  }
  auto other = shell("chmod 644 ~/.config/dbguard/*.txt ~/.c?nfig/other/policy.toml");
  EXPECT_EQ(other.code, 0) << other.err;
}

TEST_F(SelfProtection, EverydayCopiesGlobsAndArchivesAreFine) {
  write_file(proj_ + "/build/out.o", "x");
  // Elsewhere: a directory outside the scratch tree's protected files (which
  // all live under d_ here, as under $HOME on a real machine).
  std::string out = d_ / "elsewhere";
  write_file(out + "/keep", "x");
  for (std::string c : std::vector<std::string>{"cp -r src dst", "cp -r src/ " + out, "cp -a src/. " + out, "rsync -a src/ " + out + "/", "rm -rf build/*",
        "rm -f src/*.pyc", "tar xf /tmp/a.tar -C " + out, "tar czf /tmp/a.tgz .", "tar tf /tmp/a.tar",
        "unzip -l /tmp/a.zip", "unzip -o /tmp/a.zip -d " + out, "mv src/app.py{,.bak}", "exec 3>/tmp/log",
        "ls .claude/*", "cat .dbguard.*", "cp .claude/settings.json /tmp/settings-copy.json", "cp src/*.py " + out}) {
    auto r = shell(c);
    EXPECT_EQ(r.code, 0) << c << "\n" << r.err;
  }
  auto there = hook({{"tool_name", "Bash"}, {"cwd", out}, {"tool_input", {{"command", "tar xf a.tar"}}}});
  EXPECT_EQ(there.code, 0) << there.err;
}

TEST_F(SelfProtection, ReadingAndUsingTheGuardIsFine) {
  for (std::string c :
       {"cat .claude/settings.json", "cat .dbguard.toml", "ls -la ~/.config/dbguard", "grep -r hooks .claude",
        "cp .claude/settings.json /tmp/settings-copy.json", "dbguard audit tail", "dbguard policy show", "dbguard doctor",
        "sed -n 1p .dbguard.toml", "rm -rf build", "echo hi > notes.txt", "vim src/app.py"}) {
    auto r = shell(c);
    EXPECT_EQ(r.code, 0) << c << "\n" << r.err;
  }
  auto read = hook({{"tool_name", "Read"}, {"tool_input", {{"file_path", proj_ + "/.claude/settings.json"}}}});
  EXPECT_EQ(read.code, 0) << read.err;
}

TEST_F(SelfProtection, TheAuditKeyCannotBeRead) {
  write_file(d_ / "secret/audit.key", "k3y\n");
  write_file(d_ / "home/.config/dbguard/policy.toml", "[audit]\nkey_file = \"" + d_ / "secret/audit.key" + "\"\n");
  auto read = hook({{"tool_name", "Read"}, {"tool_input", {{"file_path", d_ / "secret/audit.key"}}}});
  EXPECT_TRUE(self_protected(read)) << read.err;
  EXPECT_TRUE(self_protected(shell("cat " + d_ / "secret/audit.key")));
  EXPECT_TRUE(self_protected(shell("cp " + d_ / "secret/audit.key" + " /tmp/k")));
}
