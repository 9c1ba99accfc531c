// What an expression in inline interpreter code evaluates to, as far as the
// code's own text says: string literals (with f-string, template-literal and
// interpolating-quote parts resolved), concatenation (+, and . in Perl/PHP),
// lists of such, and names assigned such a value earlier in the same code
// (`q = "DROP TABLE users"; cur.execute(q)`). Nothing is run; what depends on
// input, a function or a file is reported as unknown, never guessed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dbguard {

struct CodeValue {
  bool known = false;      // every part is a constant
  bool has_text = false;   // some constant text is in it (a literal, or a known name)
  bool list = false;       // an array/list expression
  std::string text;        // the string; unknown parts kept as {expr}
  std::vector<CodeValue> items;       // list elements
  std::vector<std::string> literals;  // each constant string in an expression that is not a plain concatenation
  std::string name;        // the name, when the expression is one unresolved name
};

class CodeScope {
 public:
  // language: python, node, ruby, perl, php
  CodeScope(std::string_view code, std::string language);

  // The value of `expr`, as it stands at offset `at` of the code (only
  // assignments before `at` count; the last one wins).
  CodeValue evaluate(std::string_view expr, std::size_t at) const;

  const std::string& language() const { return language_; }

 private:
  struct Binding {
    std::size_t offset;
    std::string name;
    std::string_view expr;  // empty: bound to something unknown (a loop variable, a parameter)
    bool append;            // += / .=
  };
  CodeValue evaluate(std::string_view expr, std::size_t at, int depth) const;
  CodeValue lookup(const std::string& name, std::size_t at, int depth) const;
  bool literal(std::string_view& in, std::size_t at, int depth, CodeValue& out) const;
  std::string interpolate(std::string_view body, char style, std::size_t at, int depth, bool& known) const;

  std::string_view code_;
  std::string language_;
  std::vector<Binding> bindings_;
};

// The text inside the parentheses (or brackets) opening at code[open], up to
// the matching close; the rest of the code when it never closes.
std::string_view enclosed(std::string_view code, std::size_t open);

// A string literal's body with its backslash escapes undone (\n, \t, \x -> x).
std::string unescape(std::string_view s);

// The top-level comma-separated parts of an argument list, trimmed.
std::vector<std::string_view> split_arguments(std::string_view args);

// The value of `key` in an object literal `{ key: value, … }`; empty when absent.
std::string_view object_field(std::string_view object, std::string_view key);

}  // namespace dbguard
