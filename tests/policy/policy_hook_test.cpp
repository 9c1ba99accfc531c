// Policies as the hook and check apply them, through the real binary: layers
// found from the event's cwd, ask/allow, [[allow]], the hard floor, extra
// production markers, custom packs, and an invalid file denying every call.
#include <gtest/gtest.h>

#include <filesystem>

#include "../support/events.h"

using namespace dbguard::testing;

namespace {

struct Outcome {
  std::string hook;   // allow | ask | deny | hard
  std::string check;  // the same, from check --json
  std::string hook_err, hook_out, check_json;
};

// Runs one command through both `hook` and `check`; they must agree.
Outcome decide(const std::string& command, const std::string& cwd, const std::map<std::string, std::string>& env) {
  Outcome o;
  auto h = run({DBGUARD_BINARY, "hook"}, bash_event(command, cwd), env);
  o.hook_err = h.err;
  o.hook_out = h.out;
  if (h.code == 2) o.hook = h.err.find("HARD BLOCK") != std::string::npos ? "hard" : "deny";
  else if (h.code == 0 && h.out.find("\"permissionDecision\":\"ask\"") != std::string::npos) o.hook = "ask";
  else if (h.code == 0 && h.out.empty()) o.hook = "allow";
  else o.hook = "exit " + std::to_string(h.code);
  auto c = run({DBGUARD_BINARY, "check", "--json", "--cwd", cwd, "--", command}, "", env);
  o.check_json = c.out;
  auto j = nlohmann::json::parse(c.out, nullptr, false);
  if (j.is_object()) {
    o.check = j["decision"];
    if (o.check == "deny" && j["hard"] == true) o.check = "hard";
    int want = o.check == "allow" ? 0 : o.check == "ask" ? 3 : 2;
    if (c.code != want) o.check += " (exit " + std::to_string(c.code) + ")";
  }
  return o;
}

class PolicyHook : public ::testing::Test {
 protected:
  PolicyHook() : d_("policy-hook"), env_(isolated_env(d_)) {
    env_["DBGUARD_AUDIT_LOG"] = d_ / "audit.jsonl";
    std::filesystem::create_directories(d_ / "proj/sub/dir");
  }
  void managed(const std::string& text) { write_file(d_ / "etc/dbguard/policy.toml", text); }
  void user(const std::string& text) { write_file(d_ / "home/.config/dbguard/policy.toml", text); }
  void project(const std::string& text) { write_file(d_ / "proj/.dbguard.toml", text); }
  Outcome in_project(const std::string& command) { return decide(command, d_ / "proj/sub/dir", env_); }

  ScratchDir d_;
  std::map<std::string, std::string> env_;
};

#define EXPECT_DECIDES(outcome, expected)                                                       \
  do {                                                                                         \
    auto o_ = (outcome);                                                                       \
    EXPECT_EQ(o_.hook, expected) << o_.hook_err << o_.hook_out;                                \
    EXPECT_EQ(o_.check, expected) << o_.check_json;                                            \
  } while (0)

}  // namespace

TEST_F(PolicyHook, WithoutPolicyFilesTheBuiltInsDecide) {
  EXPECT_DECIDES(in_project("docker volume rm pgdata"), "deny");
  EXPECT_DECIDES(in_project("ls -la"), "allow");
}

TEST_F(PolicyHook, ManagedAskAndAllow) {
  managed(
      "[rules]\n\"containers.volume-rm\" = \"ask\"\n\"terraform.apply-auto-approve\" = \"allow\"\n"
      "[[allow]]\ncommand = \"docker volume prune -f\"\nreason = \"CI runners only hold caches\"\n"
      "[[allow]]\npattern = 'alembic downgrade -1'\nreason = \"one step back is routine here\"\n");
  auto ask = in_project("docker volume rm pgdata");
  EXPECT_DECIDES(ask, "ask");
  EXPECT_NE(ask.hook_out.find("containers.volume-rm"), std::string::npos);
  EXPECT_EQ(ask.hook_err, "");
  EXPECT_DECIDES(in_project("terraform apply -auto-approve"), "allow");
  EXPECT_DECIDES(in_project("docker volume prune -f"), "allow");
  EXPECT_DECIDES(in_project("docker volume prune -f --filter x"), "deny");  // exact means exact
  EXPECT_DECIDES(in_project("alembic downgrade -1"), "allow");
  EXPECT_DECIDES(in_project("alembic downgrade base"), "deny");  // the pattern is anchored
  // the audit record says what the policy changed
  auto log = read_file(d_ / "audit.jsonl");
  EXPECT_NE(log.find("allowed by [[allow]]"), std::string::npos);
  EXPECT_NE(log.find("containers.volume-rm: ask (managed "), std::string::npos);
}

TEST_F(PolicyHook, HardBlocksIgnoreEveryAllow) {
  managed("[rules]\n\"production.db-client\" = \"allow\"\n\"aws.rds-delete-instance\" = \"allow\"\n"
          "[[allow]]\npattern = '.*'\nreason = \"everything (it must not reach hard rules)\"\n");
  EXPECT_DECIDES(in_project("psql -h prod-db.example.com -c 'select 1'"), "hard");
  EXPECT_DECIDES(in_project("dropdb --host=db.prod.internal app"), "hard");
  EXPECT_DECIDES(in_project("echo x > ~/.claude/settings.json"), "hard");
  EXPECT_DECIDES(in_project("docker volume rm x"), "allow");  // non-hard: the managed allow applies
  auto v = run({DBGUARD_BINARY, "policy", "validate", "--cwd", d_ / "proj"}, "", env_);
  EXPECT_EQ(v.code, 1);
  EXPECT_NE(v.err.find("`rules.production.db-client`"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("stays hard"), std::string::npos) << v.err;
}

TEST_F(PolicyHook, ProjectAndUserFilesOnlyAddProtection) {
  project("[rules]\n\"containers.volume-rm\" = \"allow\"\n[production]\nhosts = [\"*.corp.example.com\"]\n");
  user("[[allow]]\ncommand = \"dropdb app\"\nreason = \"mine\"\n[production]\nmarkers = [\"live\"]\n");
  EXPECT_DECIDES(in_project("docker volume rm pgdata"), "deny");
  EXPECT_DECIDES(in_project("dropdb app"), "deny");
  EXPECT_DECIDES(in_project("psql -h reporting.corp.example.com -c 'select 1'"), "hard");
  EXPECT_DECIDES(in_project("psql -h live-db.example.com -c 'select 1'"), "hard");
  EXPECT_DECIDES(in_project("psql -h delivery.example.com -c 'select 1'"), "allow");  // "live" is a name part
  EXPECT_DECIDES(in_project("psql -h localhost -c 'select 1'"), "allow");
  // The project file is found from the cwd upward, and only there.
  EXPECT_DECIDES(decide("psql -h reporting.corp.example.com -c 'select 1'", d_.path(), env_), "allow");
  auto show = run({DBGUARD_BINARY, "policy", "show", "--cwd", d_ / "proj/sub/dir"}, "", env_);
  EXPECT_EQ(show.code, 0);
  EXPECT_NE(show.out.find("\"*.corp.example.com\","), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("# project " + d_ / "proj/.dbguard.toml:4"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("# user " + d_ / "home/.config/dbguard/policy.toml:5"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("ignored"), std::string::npos);
}

TEST_F(PolicyHook, ExtraProductionScriptsAndDatabases) {
  managed("[production]\nscripts = [\"deploy_live_*.py\"]\ndatabases = [\"clinic_main\"]\n");
  EXPECT_DECIDES(in_project("python3 scripts/deploy_live_v2.py --apply"), "hard");
  EXPECT_DECIDES(in_project("python3 scripts/deploy_staging.py"), "allow");
  EXPECT_DECIDES(in_project("psql -d clinic_main -c 'select 1'"), "hard");
  EXPECT_DECIDES(in_project("psql postgres://u@localhost/clinic_main -c 'select 1'"), "hard");
  EXPECT_DECIDES(in_project("psql -d clinic_dev -c 'select 1'"), "allow");
}

TEST_F(PolicyHook, ProductionScriptsByPath) {
  managed("[production]\nscripts = [\"ops/run_live.sh\", \"/srv/tools/*\"]\n");
  EXPECT_DECIDES(in_project("bash ops/run_live.sh"), "hard");
  EXPECT_DECIDES(in_project("./ops/run_live.sh --now"), "hard");
  EXPECT_DECIDES(in_project("sh /home/dev/app/ops/run_live.sh"), "hard");
  EXPECT_DECIDES(in_project("/srv/tools/reindex"), "hard");
  EXPECT_DECIDES(in_project("bash run_live.sh"), "allow");  // another file of that name
  EXPECT_DECIDES(in_project("bash ops/run_live.sh.bak"), "allow");
}

TEST_F(PolicyHook, InvalidPolicyDeniesEveryCallNamingFileLineAndKey) {
  project("[production]\nhosts = [\"ok.example.com\"]\n\n[rules]\n\"containers.volume-rm\" = \"sometimes\"\n");
  for (std::string cmd : {"ls", "git status", "echo hello"}) {
    auto o = in_project(cmd);
    EXPECT_EQ(o.hook, "deny") << cmd;
    EXPECT_EQ(o.check, "deny") << cmd;
    EXPECT_NE(o.hook_err.find("guard.policy-invalid"), std::string::npos) << o.hook_err;
    EXPECT_NE(o.hook_err.find(d_ / "proj/.dbguard.toml:5: `rules.containers.volume-rm`"), std::string::npos)
        << o.hook_err;
  }
  // MCP and file tools too
  auto mcp = run({DBGUARD_BINARY, "hook"},
                 nlohmann::json{{"tool_name", "mcp__db__query"}, {"tool_input", {{"sql", "select 1"}}}, {"cwd", d_ / "proj"}}.dump(),
                 env_);
  EXPECT_EQ(mcp.code, 2);
  auto v = run({DBGUARD_BINARY, "policy", "validate", "--cwd", d_ / "proj"}, "", env_);
  EXPECT_EQ(v.code, 1);
  EXPECT_NE(v.err.find(".dbguard.toml:5: `rules.containers.volume-rm`: must be"), std::string::npos) << v.err;
  // fixed → back to normal
  project("[rules]\n\"containers.volume-rm\" = \"deny\"\n");
  EXPECT_DECIDES(in_project("ls"), "allow");
  EXPECT_EQ(run({DBGUARD_BINARY, "policy", "validate", "--cwd", d_ / "proj"}, "", env_).code, 0);
}

TEST_F(PolicyHook, BrokenTomlAndUnreadableManagedFileFailClosed) {
  managed("[rules\n");
  auto o = in_project("ls");
  EXPECT_EQ(o.hook, "deny");
  EXPECT_NE(o.hook_err.find(d_ / "etc/dbguard/policy.toml:1"), std::string::npos) << o.hook_err;
  EXPECT_NE(o.hook_err.find("invalid TOML"), std::string::npos) << o.hook_err;
  // a directory where the file should be cannot be read as a policy
  std::filesystem::remove(d_ / "etc/dbguard/policy.toml");
  std::filesystem::create_directories(d_ / "etc/dbguard/policy.toml");
  EXPECT_EQ(in_project("ls").hook, "deny");
}

TEST_F(PolicyHook, CustomPacksAreCompiledOnceAndCached) {
  write_file(d_ / "packs/corp.toml",
             "[pack]\nid = \"corp\"\ndescription = \"in-house tools\"\n\n"
             "[[rule]]\nid = \"corp.wipe\"\ndescription = \"the in-house data wiper\"\n"
             "why = \"dbwipe deletes every table of the target database\"\nalternative = \"ask the data team\"\n"
             "patterns = ['^dbwipe{args} --all{end}']\n");
  project("[packs]\nextra = [\"../packs/corp.toml\"]\n");
  auto o = in_project("dbwipe --target dev --all");
  EXPECT_EQ(o.hook, "deny");
  EXPECT_EQ(o.check, "deny");
  EXPECT_NE(o.hook_err.find("corp.wipe"), std::string::npos) << o.hook_err;
  EXPECT_DECIDES(in_project("dbwipe --target dev --table t"), "allow");
  EXPECT_DECIDES(in_project("docker volume rm x"), "deny");  // the embedded packs still apply
  // cached by content hash
  std::size_t cached = 0;
  for (const auto& e : std::filesystem::directory_iterator(d_ / "home/.cache/dbguard/packs"))
    cached += e.path().extension() == ".hsdb";
  EXPECT_EQ(cached, 1u);
  // the pack file and the cache are protected like the policy
  EXPECT_DECIDES(in_project("rm ../../../packs/corp.toml"), "hard");
  EXPECT_DECIDES(in_project("rm -rf ~/.cache/dbguard"), "hard");
  // a broken custom pack is a broken policy
  write_file(d_ / "packs/corp.toml", "[pack]\nid = \"corp\"\n[[rule]]\nid = \"other.x\"\n");
  auto broken = in_project("ls");
  EXPECT_EQ(broken.hook, "deny");
  EXPECT_NE(broken.hook_err.find("packs.extra"), std::string::npos) << broken.hook_err;
}

TEST_F(PolicyHook, CustomPacksCannotRelaxTheGuard) {
  write_file(d_ / "packs/sneaky.toml",
             "[pack]\nid = \"sneaky\"\ndescription = \"x\"\n[settings]\ntrusted_generators = [\"curl\"]\n"
             "[[rule]]\nid = \"sneaky.x\"\ndescription = \"x\"\nwhy = \"x\"\nalternative = \"x\"\npatterns = ['^zzz']\n");
  project("[packs]\nextra = [\"../packs/sneaky.toml\"]\n");
  auto o = in_project("ls");
  EXPECT_EQ(o.hook, "deny");
  EXPECT_NE(o.hook_err.find("trusted_generators"), std::string::npos) << o.hook_err;
}
