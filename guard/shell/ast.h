// Syntax tree for the POSIX/bash command language, as far as the guard needs it:
// enough to know every simple command that would run, its words, assignments,
// redirections and where its stdin comes from. Nothing is executed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shell/part_text.h"
#include "support/shared_text.h"

namespace dbguard::shell {

struct List;
using ListPtr = std::shared_ptr<List>;

// One piece of a word. Literal text is already unquoted; everything else is an
// expansion whose value the guard may or may not be able to resolve statically.
struct WordPart {
  enum class Kind : std::uint8_t {
    Literal,      // text after quote removal
    Param,        // $name / ${name}: `text` holds the name
    ComplexParam, // ${name:-x}, ${#x}, ... : never resolved
    CommandSub,   // $( ) or backticks: `sub` holds the parsed list
    ProcessSub,   // <( ) or >( )
    Arith,        // $(( ))
  };
  // Largest first, so that a part is 40 bytes and not 48: a here-document body
  // at the event's bound can hold 200,000 parts.
  PartText text;  // a view of the source where it is a run of it as written
  ListPtr sub;
  Kind kind = Kind::Literal;
  bool quoted = false;  // inside quotes (affects brace expansion / field splitting)
};
static_assert(sizeof(WordPart) <= sizeof(PartText) + sizeof(ListPtr) + 8);

struct Word {
  std::vector<WordPart> parts;
  // The source text is kept only where the walk reads it: a word brace expansion
  // applies to (an unquoted `{`), shown as written past the expansion's bound. Any
  // other word's source would be a copy of its command no one reads (4 MiB for a
  // `psql -c "…"` at the event's bound).
  PartText raw;  // source text, when kept and not raw_is_literal
  // Most words are one unquoted literal, their source text: it is not stored twice.
  bool raw_is_literal = false;

  // The word as written in the source, when kept (see `raw`); empty otherwise.
  std::string_view source() const { return raw_is_literal ? parts.front().text.view() : raw.view(); }

  // An unquoted `{` in a literal part: the word is one brace expansion applies to.
  bool has_unquoted_brace() const {
    for (const WordPart& p : parts)
      if (p.kind == WordPart::Kind::Literal && !p.quoted && p.text.find('{') != std::string_view::npos) return true;
    return false;
  }
};

struct Assignment {
  std::string name;
  Word value;
};

struct Redirect {
  int fd = -1;           // explicit fd number, -1 when omitted
  std::string op;        // <, >, >>, <<, <<-, <<<, <>, >&, <&, &>, &>>, >|
  Word target;           // file, fd, heredoc delimiter or here-string
  SharedText heredoc;    // heredoc body (for << and <<-) unless held as heredoc_word; shared with the stdin it becomes
  bool heredoc_expands = false;  // unquoted delimiter: body undergoes expansion
  // The body as a word when it expands and holds a `$`, backquote or backslash (its
  // $( ) run too). Without one, its expansion is the body itself: no word, no copy.
  std::optional<Word> heredoc_word;
};

struct SimpleCommand {
  std::vector<Assignment> assignments;
  std::vector<Word> words;
  std::vector<Redirect> redirects;
  std::size_t begin = 0, end = 0;  // source span
};

struct Command;
using CommandPtr = std::shared_ptr<Command>;

// Compound commands keep their bodies as lists; the guard analyses every branch
// because it cannot know which one runs.
struct Command {
  enum class Kind { Simple, Group, Subshell, If, Loop, For, Case, Function, Arith, Test };
  Kind kind = Kind::Simple;
  SimpleCommand simple;            // Kind::Simple
  std::vector<ListPtr> bodies;     // Group/Subshell/If/Loop/For/Case/Function
  std::vector<Word> words;         // for-list words, case subject and patterns, [[ ]] / (( )) words
  // Case: per clause, how many of `words` (after the subject) are its patterns, and how
  // it ends: ";;" (stop), ";&" (run the next body too), ";;&" (go on testing).
  std::vector<std::size_t> clause_patterns;
  std::vector<std::string> clause_ends;
  std::string name;                // function name
  std::vector<Redirect> redirects; // redirections on a compound command
  std::size_t begin = 0, end = 0;
};

struct Pipeline {
  std::vector<CommandPtr> commands;
  bool negated = false;
};

struct AndOr {
  std::vector<Pipeline> pipelines;  // joined by && / ||
};

struct List {
  std::vector<AndOr> items;  // joined by ; & or newline
};

}  // namespace dbguard::shell
