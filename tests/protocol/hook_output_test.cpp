#include "protocol/hook_output.h"

#include <gtest/gtest.h>

#include "protocol/event.h"

using namespace dbguard;
using namespace dbguard::protocol;

TEST(HookOutput, AllowPrintsNothing) {
  Decision d;
  auto o = render_hook(d);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.stdout_text, "");
  EXPECT_EQ(o.stderr_text, "");
}

TEST(HookOutput, AskIsExactProtocolJson) {
  Decision d;
  d.verdict = Verdict::Ask;
  d.reason = "check \"this\"";
  auto o = render_hook(d);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.stdout_text,
            "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"ask\","
            "\"permissionDecisionReason\":\"check \\\"this\\\"\"}}\n");
  EXPECT_EQ(o.stderr_text, "");
  EXPECT_EQ(check_exit_code(d), 3);
}

TEST(HookOutput, DenyGoesToStderrWithExitTwo) {
  Decision d;
  d.verdict = Verdict::Deny;
  d.reason = "dbguard blocked this command (rule x.y).\n";
  auto o = render_hook(d);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.stdout_text, "");
  EXPECT_EQ(o.stderr_text, d.reason);
}

TEST(HookOutput, NeverPrintsAllow) {
  for (Verdict v : {Verdict::Allow, Verdict::Ask, Verdict::Deny}) {
    Decision d;
    d.verdict = v;
    d.reason = "r";
    auto o = render_hook(d);
    EXPECT_EQ(o.stdout_text.find("\"allow\""), std::string::npos);
    EXPECT_TRUE(o.exit_code == 0 || o.exit_code == 2);
  }
}

TEST(Event, ParsesFields) {
  auto r = parse_event(R"({"session_id":"s","tool_use_id":"t","cwd":"/w","tool_name":"Bash","tool_input":{"command":"ls"}})");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.event.tool_name, "Bash");
  EXPECT_EQ(r.event.cwd, "/w");
  EXPECT_EQ(r.event.tool_input["command"], "ls");
}

TEST(Event, RejectsWhatIsNotAnEvent) {
  EXPECT_FALSE(parse_event("").ok);
  EXPECT_FALSE(parse_event("  \n").ok);
  EXPECT_FALSE(parse_event("{").ok);
  EXPECT_FALSE(parse_event("\"str\"").ok);
  EXPECT_FALSE(parse_event("{\"tool_name\":1}").ok);
  EXPECT_FALSE(parse_event("{\"tool_name\":\"Bash\"}", /*truncated=*/true).ok);
}
