#include "unwrap/expand.h"

#include <gtest/gtest.h>

#include "shell/parser.h"
#include "unwrap/unwrap.h"

using namespace dbguard;

namespace {

// argv of the last command of `cmd` (substitutions run first), run-time words marked with a leading ~.
std::vector<std::string> words(const std::string& cmd) {
  auto r = unwrap_command(cmd, "/tmp");
  std::vector<std::string> out;
  if (r.invocations.empty()) return out;
  for (const auto& a : r.invocations.back().argv) out.push_back((a.dynamic ? "~" : "") + a.text);
  return out;
}

using V = std::vector<std::string>;

TEST(BraceExpansion, RunTimePartsStayRunTime) {
  EXPECT_EQ(words("docker volume {rm,ls} $V"), (V{"docker", "volume", "rm", "ls", "~$V"}));
  EXPECT_EQ(words("rm -rf /var/lib/postgresql/{$X,data}"),
            (V{"rm", "-rf", "~/var/lib/postgresql/$X", "/var/lib/postgresql/data"}));
  EXPECT_EQ(words("echo {a,b}\"$X\"c"), (V{"echo", "~a$Xc", "~b$Xc"}));
  EXPECT_EQ(words("echo x{$(date),y}"), (V{"echo", "~x$(…)", "xy"}));
  // quoted braces and a run-time word without a group are not expanded
  EXPECT_EQ(words("echo \"{a,b}\"$X"), (V{"echo", "~{a,b}$X"}));
  EXPECT_EQ(words("echo {$X}"), (V{"echo", "~{$X}"}));
  // a run-time part inside an alternative keeps it one word, even unquoted
  EXPECT_EQ(words("X=1; echo {$X,2}"), (V{"echo", "1", "2"}));
}

TEST(BraceExpansion, TheBoundHoldsWithRunTimeParts) {
  auto w = words("echo {a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}$X");
  ASSERT_EQ(w.size(), 2u);  // past the cap: one run-time word, as written
  EXPECT_EQ(w[1], "~{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}$X");
  auto quoted = words("rm -r \"$D\"/{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}");
  ASSERT_EQ(quoted.size(), 3u);
  EXPECT_EQ(quoted[2], "~\"$D\"/{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}");
}

}  // namespace

namespace {
const shell::Word& heredoc_word(const shell::ParseResult& r) {
  return *r.list->items.at(0).pipelines.at(0).commands.at(0)->simple.redirects.at(0).heredoc_word;
}
}  // namespace

// A here-document body's expansion does not list the names it reads: no one reads
// that list (at the event's bound it was 7 MiB). Its substitutions still run.
TEST(Expansion, NamesAreListedOnlyWhenAsked) {
  auto r = shell::parse("psql <<EOF\nDELETE FROM $T WHERE id = ${ID:-1} AND x = $(date);\nEOF\n");
  ASSERT_TRUE(r.ok) << r.error;
  Scope scope;
  scope.set("T", Arg{"users", false});
  Expansion quiet;
  quiet.collect_refs = false;
  Arg body = expand_single(heredoc_word(r), scope, quiet);
  EXPECT_EQ(body.text, "DELETE FROM users WHERE id = ${ID:-1} AND x = $(…);\n");
  EXPECT_TRUE(body.dynamic);
  EXPECT_TRUE(quiet.var_refs.empty());
  EXPECT_EQ(quiet.substitutions.size(), 1u);

  Expansion listed;
  expand_single(heredoc_word(r), scope, listed);
  EXPECT_EQ(listed.var_refs, (V{"T", "ID"}));
  EXPECT_EQ(listed.substitutions.size(), 1u);
}
