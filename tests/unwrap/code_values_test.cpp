#include "unwrap/code_values.h"

#include <gtest/gtest.h>

using namespace dbguard;

namespace {

// The value of `expr` at the end of `code` (as if the call came last).
CodeValue at_end(const std::string& code, const std::string& language, const std::string& expr) {
  static std::string keep;
  keep = code;
  return CodeScope(keep, language).evaluate(expr, keep.size());
}

TEST(CodeValues, NamesAssignedLiteralsResolve) {
  auto v = at_end("q = \"DROP TABLE users\"; ", "python", "q");
  EXPECT_TRUE(v.known);
  EXPECT_EQ(v.text, "DROP TABLE users");
  v = at_end("const q = 'DELETE FROM users'; ", "node", "q");
  EXPECT_TRUE(v.known);
  EXPECT_EQ(v.text, "DELETE FROM users");
  v = at_end("my $q = \"TRUNCATE t\"; ", "perl", "$q");
  EXPECT_EQ(v.text, "TRUNCATE t");
  v = at_end("$q = 'DROP TABLE t'; ", "php", "$q");
  EXPECT_EQ(v.text, "DROP TABLE t");
}

TEST(CodeValues, ConcatenationAndInterpolationOfConstants) {
  auto v = at_end("t = 'users'\nq = 'DROP TABLE ' + t\n", "python", "q");
  EXPECT_TRUE(v.known);
  EXPECT_EQ(v.text, "DROP TABLE users");
  v = at_end("t = 'users'\nq = f'DELETE FROM {t}'\n", "python", "q");
  EXPECT_TRUE(v.known);
  EXPECT_EQ(v.text, "DELETE FROM users");
  v = at_end("const t = 'users'; const q = `TRUNCATE ${t}`;", "node", "q");
  EXPECT_EQ(v.text, "TRUNCATE users");
  v = at_end("t = 'users'; q = \"DROP TABLE #{t}\"", "ruby", "q");
  EXPECT_EQ(v.text, "DROP TABLE users");
  v = at_end("my $t = 'users'; my $q = \"DROP TABLE $t\";", "perl", "$q");
  EXPECT_EQ(v.text, "DROP TABLE users");
  v = at_end("my $q = 'DROP ' . 'TABLE x';", "perl", "$q");
  EXPECT_EQ(v.text, "DROP TABLE x");
  v = at_end("q = 'DROP '\nq += 'TABLE x'\n", "python", "q");
  EXPECT_TRUE(v.known);
  EXPECT_EQ(v.text, "DROP TABLE x");
}

TEST(CodeValues, TheLastAssignmentBeforeTheUseCounts) {
  std::string code = "q = 'SELECT 1'; a(q); q = 'DROP TABLE t'; b(q)";
  CodeScope scope(code, "python");
  EXPECT_EQ(scope.evaluate("q", code.find("a(q)")).text, "SELECT 1");
  EXPECT_EQ(scope.evaluate("q", code.find("b(q)")).text, "DROP TABLE t");
}

TEST(CodeValues, RunTimeValuesAreUnknown) {
  for (const char* code : {"q = input()\n", "q = sys.argv[1]\n", "q = open('x.sql').read()\n", "",
                           "q = 'SELECT 1'\nfor q in sys.stdin: pass\n", "def f(q):\n  pass\n",
                           "q = 'SELECT 1'\nwith open('f') as q: pass\n", "a, q = 1, 2\n"}) {
    auto v = at_end(code, "python", "q");
    EXPECT_FALSE(v.known) << code;
    EXPECT_FALSE(v.has_text) << code;
    EXPECT_EQ(v.name, "q") << code;
  }
  auto v = at_end("const q = process.argv[2];", "node", "q");
  EXPECT_FALSE(v.known);
  v = at_end("rows.forEach(q => 0);", "node", "q");
  EXPECT_FALSE(v.known);
}

TEST(CodeValues, PartlyKnownTextKeepsItsConstantParts) {
  auto v = at_end("t = input()\nq = 'DELETE FROM ' + t\n", "python", "q");
  EXPECT_FALSE(v.known);
  EXPECT_TRUE(v.has_text);
  EXPECT_EQ(v.text, "DELETE FROM {t}");
  // not a plain concatenation: each constant string is something it may be
  v = at_end("q = 'DROP TABLE t' if x else 'SELECT 1'\n", "python", "q");
  EXPECT_FALSE(v.known);
  EXPECT_EQ(v.literals, (std::vector<std::string>{"DROP TABLE t", "SELECT 1"}));
}

TEST(CodeValues, ListsKeepTheirItems) {
  auto v = at_end("cmd = ['dropdb', db]\n", "python", "cmd");
  ASSERT_TRUE(v.list);
  ASSERT_EQ(v.items.size(), 2u);
  EXPECT_TRUE(v.items[0].known);
  EXPECT_EQ(v.items[0].text, "dropdb");
  EXPECT_FALSE(v.items[1].known);
  EXPECT_EQ(v.items[1].name, "db");
}

TEST(CodeValues, ArgumentsAndObjectFields) {
  EXPECT_EQ(split_arguments("'a, b', [1, 2], f(x, y)"), (std::vector<std::string_view>{"'a, b'", "[1, 2]", "f(x, y)"}));
  std::string code = "run(a, \")\", b) + 1";
  EXPECT_EQ(enclosed(code, 3), "a, \")\", b");
  EXPECT_EQ(object_field("{ args: ['app'], stdout: 'piped' }", "args"), "['app']");
  EXPECT_EQ(object_field("{ \"cmd\": ['dropdb'] }", "cmd"), "['dropdb']");
  EXPECT_TRUE(object_field("{ stdio: 'inherit' }", "args").empty());
}

}  // namespace
