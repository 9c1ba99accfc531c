// Installing into Claude Code's settings keeps every other byte; uninstall
// reverses exactly our entry.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "install/json_spans.h"
#include "install/settings_edit.h"

using namespace dbguard::install;

namespace {

HookSpec spec(const std::string& bin = "/usr/local/bin/dbguard") {
  HookSpec s;
  s.binary = bin;
  return s;
}

// A settings file as people write them: other keys, other hooks (in
// PreToolUse too), odd spacing, unicode, escapes.
const char* kWithOtherHooks = R"J({
    "model": "claude-sonnet-4-5",
    "permissions": {
        "allow": ["Bash(npm run test:*)", "Read(~/.zshrc)"],
        "deny": []
    },
    "env": {"GREETING": "h\u00e9llo \"world\"", "N": "1e3"},
    "hooks": {
        "PreToolUse": [
            {
                "matcher": "Write|Edit",
                "hooks": [ { "type": "command", "command": "npx prettier --check \"$FILE\"" } ]
            }
        ],
        "PostToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "logger done", "timeout": 5}]}
        ]
    },
    "statusLine": {"type": "command", "command": "~/.claude/status.sh"}
}
)J";

int dbguard_hooks(const std::string& text) { return static_cast<int>(find_hooks(nlohmann::json::parse(text)).size()); }

}  // namespace

TEST(SettingsEdit, RoundTripsAFileWithOtherHooksByteForByte) {
  std::string original = kWithOtherHooks;
  auto in = install_into(original, spec());
  ASSERT_TRUE(in.ok) << in.error;
  EXPECT_TRUE(in.changed);
  auto doc = nlohmann::json::parse(in.text);
  // ours is there, once, fail-closed, for Bash, MCP and the file tools
  auto found = find_hooks(doc);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].command, "/usr/local/bin/dbguard hook || exit 2");
  EXPECT_EQ(found[0].matcher, kMatcher);
  EXPECT_EQ(found[0].timeout, 10);
  // everything else is unchanged
  auto before = nlohmann::json::parse(original);
  EXPECT_EQ(doc["hooks"]["PostToolUse"], before["hooks"]["PostToolUse"]);
  EXPECT_EQ(doc["hooks"]["PreToolUse"][0], before["hooks"]["PreToolUse"][0]);
  EXPECT_EQ(doc["permissions"], before["permissions"]);
  EXPECT_EQ(doc["env"], before["env"]);
  // only our text was added: the original is the new file minus one inserted span
  std::size_t prefix = 0;
  while (prefix < original.size() && original[prefix] == in.text[prefix]) ++prefix;
  std::size_t added = in.text.size() - original.size();
  EXPECT_EQ(in.text.substr(0, prefix) + in.text.substr(prefix + added), original);
  // and it reads like the rest of the file (4-space indentation)
  EXPECT_NE(in.text.find("\n            {\n                \"matcher\": \"Bash|"), std::string::npos) << in.text;

  auto out = uninstall_from(in.text);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_TRUE(out.changed);
  EXPECT_EQ(out.text, original);
}

TEST(SettingsEdit, RoundTripsEveryShapeOfFile) {
  const std::vector<std::string> originals = {
      "{}",
      "{}\n",
      "{\n  \"model\": \"opus\"\n}\n",
      "{\"model\":\"opus\",\"permissions\":{\"allow\":[]}}",
      "{\n\t\"hooks\": {\n\t\t\"PostToolUse\": []\n\t}\n}\n",
      "{\n  \"hooks\": {\n    \"PreToolUse\": [\n      {\"matcher\": \"Bash\", \"hooks\": [{\"type\": \"command\", \"command\": \"other\"}]}\n    ]\n  }\n}\n",
      "{ \"hooks\": { \"Stop\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"say done\" } ] } ] } }",
  };
  for (const auto& original : originals) {
    auto in = install_into(original, spec("/opt/db guard/bin/dbguard"));
    ASSERT_TRUE(in.ok) << original << ": " << in.error;
    ASSERT_TRUE(in.changed);
    ASSERT_FALSE(nlohmann::json::parse(in.text, nullptr, false).is_discarded()) << in.text;
    ASSERT_EQ(dbguard_hooks(in.text), 1) << in.text;
    EXPECT_EQ(find_hooks(nlohmann::json::parse(in.text))[0].command, "'/opt/db guard/bin/dbguard' hook || exit 2");
    auto out = uninstall_from(in.text);
    ASSERT_TRUE(out.ok);
    EXPECT_EQ(out.text, original) << "installed:\n" << in.text;
  }
}

TEST(SettingsEdit, CreatesAMissingFile) {
  auto in = install_into("", spec());
  ASSERT_TRUE(in.ok);
  auto doc = nlohmann::json::parse(in.text);
  EXPECT_EQ(doc["hooks"]["PreToolUse"][0]["hooks"][0]["command"], "/usr/local/bin/dbguard hook || exit 2");
  EXPECT_EQ(doc.size(), 1u);
}

TEST(SettingsEdit, IsIdempotentAndReplacesAnOldEntry) {
  auto once = install_into(kWithOtherHooks, spec());
  auto twice = install_into(once.text, spec());
  ASSERT_TRUE(twice.ok);
  EXPECT_FALSE(twice.changed);
  EXPECT_EQ(twice.text, once.text);
  // the binary moved: the entry is replaced, not duplicated
  auto moved = install_into(once.text, spec("/opt/dbguard/bin/dbguard"));
  ASSERT_TRUE(moved.ok);
  EXPECT_TRUE(moved.changed);
  auto found = find_hooks(nlohmann::json::parse(moved.text));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].command, "/opt/dbguard/bin/dbguard hook || exit 2");
  EXPECT_EQ(uninstall_from(moved.text).text, std::string(kWithOtherHooks));
}

TEST(SettingsEdit, UninstallTakesOnlyDbguardHooks) {
  // A dbguard hook someone put into a group with another hook: only ours goes.
  std::string mixed = R"J({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "audit-me"}, {"type": "command", "command": "/usr/bin/dbguard hook || exit 2"}]}]}})J";
  auto out = uninstall_from(mixed);
  ASSERT_TRUE(out.ok);
  EXPECT_TRUE(out.changed);
  EXPECT_EQ(out.text, R"J({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "audit-me"}]}]}})J");
  auto none = uninstall_from(kWithOtherHooks);
  EXPECT_TRUE(none.ok);
  EXPECT_FALSE(none.changed);
  EXPECT_EQ(none.text, std::string(kWithOtherHooks));
}

TEST(SettingsEdit, RefusesWhatItCannotEditSafely) {
  EXPECT_FALSE(install_into("{ \"hooks\": ", spec()).ok);
  EXPECT_FALSE(install_into("[1, 2]", spec()).ok);
  EXPECT_FALSE(install_into("{\"hooks\": []}", spec()).ok);
  EXPECT_FALSE(install_into("{\"hooks\": {\"PreToolUse\": {}}}", spec()).ok);
  EXPECT_FALSE(uninstall_from("{ nope").ok);
}

TEST(HookCommand, RecognisesDbguardAndFailClosedForms) {
  EXPECT_TRUE(is_dbguard_hook("/usr/local/bin/dbguard hook || exit 2"));
  EXPECT_TRUE(is_dbguard_hook("'/opt/my tools/dbguard' hook"));
  EXPECT_TRUE(is_dbguard_hook("dbguard hook"));
  EXPECT_FALSE(is_dbguard_hook("/usr/local/bin/dbguard check -- ls"));
  EXPECT_FALSE(is_dbguard_hook("not-dbguard hook"));
  EXPECT_TRUE(is_fail_closed("/usr/local/bin/dbguard hook || exit 2"));
  EXPECT_TRUE(is_fail_closed("'/a b/dbguard' hook ||exit 2"));
  EXPECT_FALSE(is_fail_closed("/usr/local/bin/dbguard hook"));
  EXPECT_FALSE(is_fail_closed("/usr/local/bin/dbguard hook || exit 1"));
  EXPECT_FALSE(is_fail_closed("/usr/local/bin/dbguard hook || true"));
  EXPECT_EQ(hook_program("'/a b/dbguard' hook || exit 2"), "/a b/dbguard");
}

TEST(JsonSpans, RecordsWhereValuesAre) {
  std::string t = R"J({"a": [1, {"b": "x\"y"}], "c": null})J";
  JsonSpan root;
  std::string err;
  ASSERT_TRUE(parse_spans(t, root, err)) << err;
  ASSERT_EQ(root.members.size(), 2u);
  EXPECT_EQ(t.substr(root.members[0].value.begin, root.members[0].value.end - root.members[0].value.begin),
            R"J([1, {"b": "x\"y"}])J");
  EXPECT_EQ(root.members[0].value.elements[1].get("b")->str, "x\"y");
  EXPECT_FALSE(parse_spans("{\"a\": 1,}", root, err));
  EXPECT_FALSE(parse_spans("{\"a\": 01}", root, err));
  EXPECT_NE(err.find("line 1"), std::string::npos);
}
