// Parser for the POSIX/bash command language. It builds a syntax tree and never
// executes anything. Guarantees: linear in the input for all but pathological
// nesting, which is cut off by `max_depth`; never throws on bad input (returns
// ok == false with a position and message instead).
#pragma once

#include <string>
#include <string_view>

#include "shell/ast.h"

namespace dbguard::shell {

struct ParseLimits {
  std::size_t max_depth = 64;       // nesting of substitutions, compounds, quotes
  std::size_t max_words = 200000;   // total words, a bound on work
};

struct ParseResult {
  ListPtr list;
  bool ok = false;
  bool depth_exceeded = false;
  std::string error;
  std::size_t error_pos = 0;
};

ParseResult parse(std::string_view source, const ParseLimits& limits = {});

}  // namespace dbguard::shell
