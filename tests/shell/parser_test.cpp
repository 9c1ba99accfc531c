#include "shell/parser.h"
#include "shell/parser_impl.h"

#include <gtest/gtest.h>

using namespace dbguard::shell;

namespace {

// First simple command of the first pipeline.
const SimpleCommand& first(const ParseResult& r) {
  return r.list->items.at(0).pipelines.at(0).commands.at(0)->simple;
}

std::string literal(const Word& w) {
  std::string s;
  for (const auto& p : w.parts) {
    if (p.kind != WordPart::Kind::Literal) return "<dynamic>";
    s += p.text;
  }
  return s;
}

TEST(Parser, QuotingIsRemoved) {
  auto r = parse(R"('docker' "compose" d""own \-v $'\x2d\x76')");
  ASSERT_TRUE(r.ok) << r.error;
  const auto& sc = first(r);
  ASSERT_EQ(sc.words.size(), 5u);
  EXPECT_EQ(literal(sc.words[0]), "docker");
  EXPECT_EQ(literal(sc.words[1]), "compose");
  EXPECT_EQ(literal(sc.words[2]), "down");
  EXPECT_EQ(literal(sc.words[3]), "-v");
  EXPECT_EQ(literal(sc.words[4]), "-v");
}

bool in_source(std::string_view text, const std::string& src) {
  return text.data() >= src.data() && text.data() + text.size() <= src.data() + src.size();
}

// A run of the source as written is a view of it, at any depth of nesting it is
// read from: a 4 MiB `bash -c '…'` costs the tree nothing. Text quote removal
// changed, or read from a temporary (a backquoted body, unescaped; a `<<-` body,
// its tabs stripped), is the part's own, and stays whole after the parse.
TEST(Parser, LiteralRunsAreViewsOfTheSourceAndOtherTextIsTheirOwn) {
  const std::string src =
      "bash -c 'psql -c \"DROP TABLE t\"' plain \"dq $X tail\" a\\ b NAME=val $(echo sub) "
      "\"x\\\"y\" `echo 'bq'`\ncat <<-EOF\n\ttabbed $Y\n\tEOF\ncat <<EOF\nbody $Z line\nEOF\n";
  auto r = parse(src);
  ASSERT_TRUE(r.ok) << r.error;
  const auto& sc = first(r);
  ASSERT_EQ(sc.words.size(), 10u);
  EXPECT_EQ(sc.words[2].parts.at(0).text, "psql -c \"DROP TABLE t\"");
  EXPECT_TRUE(in_source(sc.words[2].parts[0].text, src));
  EXPECT_TRUE(in_source(sc.words[3].parts[0].text, src));  // plain
  const auto& dq = sc.words[4].parts;  // "dq $X tail": an empty quoted start, then views
  ASSERT_EQ(dq.size(), 3u);
  EXPECT_EQ(dq[0].text, "dq ");
  EXPECT_TRUE(in_source(dq[0].text, src));
  EXPECT_EQ(dq[1].text, "X");
  EXPECT_TRUE(in_source(dq[1].text, src));
  EXPECT_TRUE(in_source(dq[2].text, src));
  EXPECT_EQ(literal(sc.words[5]), "a b");  // the escaped character is a quoted part: a view too
  for (const auto& p : sc.words[5].parts) EXPECT_TRUE(in_source(p.text, src));
  EXPECT_EQ(literal(sc.words[6]), "NAME=val");
  const auto& sub = *sc.words[7].parts.at(0).sub;  // $( ): parsed from the source itself
  EXPECT_TRUE(in_source(sub.items.at(0).pipelines.at(0).commands.at(0)->simple.words.at(1).parts.at(0).text, src));
  EXPECT_EQ(literal(sc.words[8]), "x\"y");  // \" in double quotes: the run is broken, its text its own
  EXPECT_FALSE(in_source(sc.words[8].parts.back().text, src));
  // The backquoted body is parsed from a temporary (unescaped): its words are the
  // parts' own, whole after the parse.
  const auto& bq = *sc.words[9].parts.at(0).sub;
  const auto& bq_word = bq.items.at(0).pipelines.at(0).commands.at(0)->simple.words.at(1);
  EXPECT_EQ(bq_word.parts.at(0).text, "bq");
  EXPECT_FALSE(in_source(bq_word.parts[0].text, src));
  const auto& tabbed = r.list->items.at(1).pipelines.at(0).commands.at(0)->simple.redirects.at(0);
  ASSERT_TRUE(tabbed.heredoc_word.has_value());
  EXPECT_EQ(tabbed.heredoc_word->parts.at(0).text, "tabbed ");
  EXPECT_FALSE(in_source(tabbed.heredoc_word->parts[0].text, src));
  const auto& body = r.list->items.at(2).pipelines.at(0).commands.at(0)->simple.redirects.at(0);
  ASSERT_TRUE(body.heredoc_word.has_value());
  EXPECT_EQ(body.heredoc_word->parts.at(0).text, "body ");
  EXPECT_TRUE(in_source(body.heredoc_word->parts[0].text, src));
  EXPECT_EQ(body.heredoc_word->parts.at(2).text, " line\n");
}

// A plain word's source text is its literal (stored once). Another word keeps its
// own only where the walk reads it: brace expansion applies to it (an unquoted `{`),
// and past the expansion's bound the word is shown as written.
TEST(Parser, WordsKeepTheSourceTextTheWalkReads) {
  auto r = parse("cp src/a.txt 'b c' d\\e \"$X\"/f g\\\nh ${Y:-z} \"$D\"/{a,b} '{x}'{y,z}\\{ \"{q}\"");
  ASSERT_TRUE(r.ok) << r.error;
  const auto& w = first(r).words;
  ASSERT_EQ(w.size(), 10u);
  EXPECT_EQ(w[1].source(), "src/a.txt");
  EXPECT_TRUE(w[1].raw_is_literal);
  EXPECT_EQ(literal(w[2]), "b c");
  EXPECT_EQ(literal(w[5]), "gh");
  for (std::size_t i : {2, 3, 4, 5, 6, 9}) EXPECT_EQ(w[i].source(), "") << i;
  EXPECT_EQ(w[7].source(), "\"$D\"/{a,b}");
  EXPECT_EQ(w[8].source(), "'{x}'{y,z}\\{");
}

TEST(Parser, LineContinuationJoinsWords) {
  auto r = parse("docker com\\\npose down");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(literal(first(r).words[1]), "compose");
}

TEST(Parser, ListsAndPipelines) {
  auto r = parse("a; b && c || d | e & f");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.list->items.size(), 3u);           // a ; (b && c || d|e) & f
  EXPECT_EQ(r.list->items[1].pipelines.size(), 3u);
  EXPECT_EQ(r.list->items[1].pipelines[2].commands.size(), 2u);
}

TEST(Parser, CommandSubstitutionIsParsed) {
  auto r = parse("echo $(docker volume rm x) `dropdb y`");
  ASSERT_TRUE(r.ok);
  const auto& sc = first(r);
  ASSERT_EQ(sc.words[1].parts.at(0).kind, WordPart::Kind::CommandSub);
  ASSERT_TRUE(sc.words[1].parts[0].sub);
  EXPECT_EQ(sc.words[2].parts.at(0).kind, WordPart::Kind::CommandSub);
}

TEST(Parser, HeredocBodyIsData) {
  auto r = parse("psql <<'EOF'\nDROP TABLE users;\nEOF\necho done");
  ASSERT_TRUE(r.ok) << r.error;
  const auto& sc = first(r);
  ASSERT_EQ(sc.redirects.size(), 1u);
  EXPECT_EQ(sc.redirects[0].heredoc, "DROP TABLE users;\n");
  EXPECT_FALSE(sc.redirects[0].heredoc_expands);
  EXPECT_EQ(r.list->items.size(), 2u);
}

// Bash expands a body unless some part of its delimiter is quoted: quotes of either
// kind or a backslash, anywhere in it.
TEST(Parser, AnyQuotingInTheDelimiterStopsExpansion) {
  auto expands = [](const std::string& src) {
    auto r = parse(src);
    EXPECT_TRUE(r.ok) << src << ": " << r.error;
    return r.ok && first(r).redirects.at(0).heredoc_expands;
  };
  EXPECT_TRUE(expands("psql <<EOF\nDROP TABLE $T;\nEOF\n"));
  EXPECT_FALSE(expands("psql <<\\EOF\nDROP TABLE $T;\nEOF\n"));
  EXPECT_FALSE(expands("psql <<E\\OF\nDROP TABLE $T;\nEOF\n"));
  EXPECT_FALSE(expands("psql <<'EOF'\nDROP TABLE $T;\nEOF\n"));
  EXPECT_FALSE(expands("psql <<E\"O\"F\nDROP TABLE $T;\nEOF\n"));
}

// An unquoted body is read as a word only when it holds something to expand (a `$`,
// a backquote or a backslash); otherwise its expansion is the body itself.
TEST(Parser, HeredocBodyIsAWordOnlyWhenItExpands) {
  auto word = [](const std::string& src) {
    auto r = parse(src);
    EXPECT_TRUE(r.ok) << src << ": " << r.error;
    return r.ok && first(r).redirects.at(0).heredoc_word.has_value();
  };
  EXPECT_FALSE(word("psql <<EOF\nDROP TABLE users;\nEOF\n"));
  EXPECT_TRUE(word("psql <<EOF\nDROP TABLE $T;\nEOF\n"));
  EXPECT_TRUE(word("psql <<EOF\nDROP TABLE `t`;\nEOF\n"));
  EXPECT_TRUE(word("psql <<EOF\nDROP TABLE \\\nusers;\nEOF\n"));
  EXPECT_FALSE(word("psql <<'EOF'\nDROP TABLE $T;\nEOF\n"));
}

TEST(Parser, HeredocWithTabsStripped) {
  auto r = parse("cat <<-END\n\tline\n\tEND\n");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(first(r).redirects[0].heredoc, "line\n");
}

// The body is the lines up to the delimiter's, each with its newline: also when the
// input ends first (bash reads it so, with a warning), and for two on one line.
TEST(Parser, HeredocBodiesAsBashReadsThem) {
  auto body = [](const std::string& src, std::size_t k = 0) {
    auto r = parse(src);
    EXPECT_TRUE(r.ok) << src << ": " << r.error;
    return r.ok ? std::string(first(r).redirects.at(k).heredoc) : std::string("<error>");
  };
  EXPECT_EQ(body("cat <<E\na\n\nb\nE\n"), "a\n\nb\n");
  EXPECT_EQ(body("cat <<E\nE"), "");
  EXPECT_EQ(body("cat <<E\n"), "");
  EXPECT_EQ(body("cat <<E\na\nb"), "a\nb\n");    // cut off: the last line still ends in a newline
  EXPECT_EQ(body("cat <<E\na\nb\n"), "a\nb\n");
  EXPECT_EQ(body("cat <<E\na\n E\nE\n"), "a\n E\n");  // the delimiter only alone on its line
  EXPECT_EQ(body("cat <<A <<B\n1\nA\n2\nB\n", 0), "1\n");
  EXPECT_EQ(body("cat <<A <<B\n1\nA\n2\nB\n", 1), "2\n");
  EXPECT_EQ(body("cat <<-E\n\ta\n\t\tb\n\tE\n"), "a\nb\n");
  EXPECT_EQ(body("cat <<-E\n\ta\n\tb"), "a\nb\n");
}

TEST(Parser, AssignmentsBeforeCommand) {
  auto r = parse("PGHOST=prod FOO='a b' psql");
  ASSERT_TRUE(r.ok);
  const auto& sc = first(r);
  ASSERT_EQ(sc.assignments.size(), 2u);
  EXPECT_EQ(sc.assignments[0].name, "PGHOST");
  EXPECT_EQ(literal(sc.assignments[1].value), "a b");
  EXPECT_EQ(literal(sc.words[0]), "psql");
}

TEST(Parser, CompoundCommands) {
  for (const char* src : {"if true; then a; elif b; then c; else d; fi", "for v in a b; do echo $v; done",
                          "while read l; do x; done < f", "case $x in a|b) y;; *) z;; esac", "{ a; b; }",
                          "(a; b)", "f() { a; }", "function g { b; }", "[[ -f x && $y == z ]]", "(( i++ ))"}) {
    auto r = parse(src);
    EXPECT_TRUE(r.ok) << src << ": " << r.error;
  }
}

TEST(Parser, ProcessSubstitution) {
  auto r = parse("diff <(ls a) >(cat)");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(first(r).words[1].parts.at(0).kind, WordPart::Kind::ProcessSub);
}

TEST(Parser, RejectsBrokenInput) {
  for (const char* src : {"echo 'unterminated", "echo \"x", "echo $(ls", "if true; then", "a &&", "echo `x"}) {
    auto r = parse(src);
    EXPECT_FALSE(r.ok) << src;
  }
}

TEST(Parser, DepthIsBounded) {
  std::string deep;
  for (int i = 0; i < 500; ++i) deep += "$(";
  deep += "x";
  for (int i = 0; i < 500; ++i) deep += ")";
  auto r = parse("echo " + deep);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.depth_exceeded);
}

// The syntax tree of each top-level item is bounded (its heap blocks summed, every
// array its vectors' doublings made counted): it is what the walk holds at once.
// Text is small beside its tree: `$a` is a part of 40 bytes, `>a` a redirection of 200.
TEST(Parser, TheTreeOfEachTopLevelItemIsBounded) {
  ParseLimits limits;
  limits.max_item_tree_bytes = 100 * sizeof(WordPart);  // 4,000 bytes
  auto repeat = [](const std::string& unit, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += unit;
    return s;
  };
  EXPECT_TRUE(parse("echo " + repeat("$a", 20), limits).ok);
  for (const std::string& src : {"echo " + repeat("$a", 150),                          // parts of one word
                                 "echo " + repeat("$a ", 60),                          // words
                                 "echo " + repeat("$a", 20) + " && echo " + repeat("$a", 20) + " && echo " + repeat("$a", 20),
                                 "echo $(echo " + repeat("$a", 150) + ")",              // a substitution
                                 "cat <<EOF\n" + repeat("$a", 150) + "\nEOF\n",      // a here-document body
                                 "echo " + repeat("a'b'", 75),                         // quoted pieces, no expansion
                                 "echo " + repeat(">a ", 30),                          // redirections
                                 repeat("a=1 ", 40) + "ls",                            // assignments
                                 repeat("a | ", 20) + "a",                             // commands
                                 repeat("{ ", 20) + "a; " + repeat("}; ", 20)}) {      // lists
    SCOPED_TRACE(src.substr(0, 60));
    auto r = parse(src, limits);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.too_large);
    EXPECT_FALSE(r.depth_exceeded);
    EXPECT_NE(r.error.find("its syntax tree passes 4000 bytes"), std::string::npos) << r.error;
  }
  // Each item counts afresh, with or without a sink: the decision is the same.
  const std::string items = "echo " + repeat("$a", 20) + "\necho " + repeat("$a", 20) + "; echo " + repeat("$a", 20);
  EXPECT_TRUE(parse(items, limits).ok) << parse(items, limits).error;
  int handed = 0;
  EXPECT_TRUE(parse(items, limits, [&](AndOr&) { ++handed; }).ok);
  EXPECT_EQ(handed, 3);
  // Items wait for the here-documents read after them (`a <<X; b`, then X's body):
  // counted together until the body is read, as they are handed over together.
  EXPECT_FALSE(parse("cat <<EOF; echo " + repeat("$a", 20) + "\n" + repeat("$a", 20) + "\nEOF\n", limits).ok);
  EXPECT_TRUE(parse("cat <<EOF\n" + repeat("$a", 20) + "\nEOF\necho " + repeat("$a", 20), limits).ok);
  // The default: a here-document of 70,000 expansions (140,001 parts, reserved at
  // once) is read; one of 80,000 is not. One word grown by doubling stops sooner: its
  // arrays of 65,536 parts and all the smaller ones are counted, the next would pass
  // the bound (a quoted word starts with an empty part, which marks it quoted).
  auto body = parse("cat <<EOF\n" + repeat("$a\n", 70000) + "EOF\n");
  EXPECT_TRUE(body.ok) << body.error;
  EXPECT_FALSE(parse("cat <<EOF\n" + repeat("$a\n", 80000) + "EOF\n").ok);
  EXPECT_TRUE(parse("echo \"" + repeat("$a", 65535) + "\"").ok);
  EXPECT_FALSE(parse("echo \"" + repeat("$a", 65536) + "\"").ok);
  EXPECT_NE(parse("echo " + repeat("$a", 250000)).error.find("passes 6 MiB"), std::string::npos);
}

// The bounds on size say so: a caller denies such a text whatever it names.
TEST(Parser, TooManyWordsIsASizeBound) {
  ParseLimits limits;
  limits.max_words = 10;
  auto r = parse("echo a b c d e f g h i j k", limits);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.too_large);
  EXPECT_FALSE(r.depth_exceeded);
  auto bad = parse("echo 'unterminated");
  EXPECT_FALSE(bad.too_large);
  EXPECT_FALSE(bad.depth_exceeded);
}

TEST(Parser, StopsBetweenTopLevelItemsPastTheCommandBound) {
  ParseLimits limits;
  limits.stop_after_commands = 3;
  std::string src = "a; b\nc && d; e\nf";
  auto r = parse(src, limits);
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_TRUE(r.truncated);
  // a, b, then `c && d` (the item that reached the bound is whole)
  EXPECT_EQ(r.list->items.size(), 3u);
  EXPECT_EQ(src.substr(r.truncated_at), "e\nf");

  auto whole = parse(src);  // no bound: all of it
  ASSERT_TRUE(whole.ok);
  EXPECT_FALSE(whole.truncated);
  EXPECT_EQ(whole.list->items.size(), 5u);

  limits.stop_after_commands = 100;  // under the bound: not truncated
  EXPECT_FALSE(parse(src, limits).truncated);
}

TEST(Parser, CommandBoundCountsNestedCommandsAndWaitsForHeredocs) {
  ParseLimits limits;
  limits.stop_after_commands = 2;
  auto nested = parse("{ a; b; c; }; d; e", limits);
  ASSERT_TRUE(nested.ok) << nested.error;
  EXPECT_TRUE(nested.truncated);
  EXPECT_EQ(nested.list->items.size(), 1u);  // the group holds 4 commands

  // A here-document's body follows the line: the cut waits until it is read.
  auto heredoc = parse("a; cat <<EOF; b\nbody\nEOF\nc\nd", limits);
  ASSERT_TRUE(heredoc.ok) << heredoc.error;
  EXPECT_TRUE(heredoc.truncated);
  ASSERT_EQ(heredoc.list->items.size(), 3u);
  EXPECT_EQ(heredoc.list->items[1].pipelines[0].commands[0]->simple.redirects.at(0).heredoc, "body\n");

  // A syntax error past the cut is not seen (the caller denies the text anyway).
  EXPECT_TRUE(parse("a; b; c; )", limits).truncated);
  EXPECT_FALSE(parse("a; b; c; )").ok);
}

// The first word of an item's first command, as the item sink's tests name items.
std::string first_word(const AndOr& item) {
  const auto& cmd = *item.pipelines.at(0).commands.at(0);
  return cmd.simple.words.empty() ? "" : std::string(cmd.simple.words[0].source());
}

TEST(Parser, ItemSinkTakesEachTopLevelItemInOrderAndKeepsNone) {
  std::vector<std::string> seen;
  const std::string src = "a x; b && c\nd | e\n{ f; g; }\nh &";
  auto r = parse(src, {}, [&](AndOr& item) {
    seen.push_back(first_word(item));
  });
  ASSERT_TRUE(r.ok) << r.error;
  // Nested lists (the group's) are not handed over: they belong to their item.
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "d", "", "h"}));
  EXPECT_TRUE(r.list->items.empty());
  EXPECT_EQ(r.commands, 9u);  // the group and its two count, as without a sink
  EXPECT_EQ(parse(src).commands, 9u);
}

TEST(Parser, ItemSinkWaitsForHereDocumentsAndStopsAtTheBound) {
  // `cat <<EOF; b` reads the body after b: neither goes before the body is read.
  std::vector<std::string> bodies;
  auto r = parse("cat <<EOF; b\nbody\nEOF\nc", {}, [&](AndOr& item) {
    const auto& redirects = item.pipelines.at(0).commands.at(0)->simple.redirects;
    bodies.push_back(redirects.empty() ? first_word(item) : redirects[0].heredoc.str());
  });
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(bodies, (std::vector<std::string>{"body\n", "b", "c"}));

  ParseLimits limits;
  limits.stop_after_commands = 2;
  std::vector<std::string> seen;
  auto cut = parse("a; b; c; d", limits, [&](AndOr& item) { seen.push_back(first_word(item)); });
  ASSERT_TRUE(cut.ok) << cut.error;
  EXPECT_TRUE(cut.truncated);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

TEST(Parser, ItemSinkSeesItemsBeforeASyntaxErrorButTheParseStillFails) {
  std::vector<std::string> seen;
  auto r = parse("a\nb\n)", {}, [&](AndOr& item) { seen.push_back(first_word(item)); });
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  // Without a sink the same text fails the same way.
  EXPECT_EQ(parse("a\nb\n)").error, r.error);
}

TEST(Parser, HugeFdNumbersDoNotThrow) {
  auto r = parse("echo x 99999999999999999999999>out");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(first(r).redirects.size(), 1u);
}

TEST(Parser, CommentsAreIgnored) {
  auto r = parse("ls # docker compose down -v");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(first(r).words.size(), 1u);
}

}  // namespace

// The word reader's tables (one lookup a character) classify every byte as the
// shell does: the metacharacters end a word; quotes, `\`, `$` and backquotes start
// something else; every other byte, NUL and bytes past 127 included, is plain.
TEST(ParserCharClasses, EveryByteAsTheShellReadsIt) {
  const std::string_view meta(" \t\n;&|<>()\r", 11);
  const std::string_view special("'\"\\$`");
  for (int i = 0; i < 256; ++i) {
    const char c = static_cast<char>(i);
    const bool m = meta.find(c) != std::string_view::npos;
    EXPECT_EQ(dbguard::shell::detail::is_meta(c), m) << i;
    EXPECT_EQ(dbguard::shell::detail::is_plain(c), !m && special.find(c) == std::string_view::npos) << i;
  }
}
