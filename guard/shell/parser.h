// Parser for the POSIX/bash command language. It builds a syntax tree and never
// executes anything. Guarantees: linear in the input for all but pathological
// nesting, which is cut off by `max_depth`; never throws on bad input (returns
// ok == false with a position and message instead).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "shell/ast.h"

namespace dbguard::shell {

struct ParseLimits {
  std::size_t max_depth = 64;       // nesting of substitutions, compounds, quotes
  std::size_t max_words = 200000;   // total words, a bound on work
  // The syntax tree of one top-level list item (its substitutions and here-document
  // bodies included) as it takes memory: its nodes and its vectors' arrays, each as
  // malloc's block, every array a doubling made and left behind counted. A bound on
  // what the walk holds at once. Text is small beside its tree: two bytes can make a
  // word part of 40 (`$U`), three a redirection of 200 (`>a `), and an event at its
  // 4 MiB bound made trees of over 200 MiB. At 6 MiB, the shapes that make the
  // largest trees of their text are decided in under 20 MiB at that bound
  // (docs/performance.md); room for a here-document of 70,000 expansions, as at
  // 8 MiB when a part was 56 bytes: what such a body costs is more than its tree
  // (its expansion, the SQL read from it), and 100,000 took 23 MiB.
  std::size_t max_item_tree_bytes = std::size_t{6} << 20;
  // Past this many commands (simple and compound, nested ones included), parsing
  // stops at the next top-level list item and the result is `truncated`: a caller
  // with a bound of its own on commands would not look at the rest. 0: no stop.
  std::size_t stop_after_commands = 0;
};

struct ParseResult {
  ListPtr list;
  bool ok = false;
  bool depth_exceeded = false;
  bool too_large = false;        // past max_words or max_item_tree_bytes
  bool truncated = false;        // stopped at stop_after_commands: `list` holds what came before
  std::size_t truncated_at = 0;  // where the unparsed rest begins
  std::size_t commands = 0;      // commands parsed (simple and compound, nested ones included)
  std::string error;
  std::size_t error_pos = 0;
};

// The tree's literal texts are views of `source` where they are runs of it as written
// (PartText): the caller keeps `source` while it uses the tree.
ParseResult parse(std::string_view source, const ParseLimits& limits = {});

// Takes each top-level list item of the program once it is whole (its
// here-documents read), in order. Items handed over are not kept in the result's
// list, so a caller that walks each as it comes never holds a long text's whole
// syntax tree (most of its memory). An item is handed over before the rest of the
// text is parsed: a syntax error later still fails the parse.
using ItemSink = std::function<void(AndOr&)>;
ParseResult parse(std::string_view source, const ParseLimits& limits, const ItemSink& on_item);

}  // namespace dbguard::shell
