// Internal: the parser's state, shared by the grammar (parser.cpp) and the
// word reader (word_reader.cpp). Not part of the public API.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "shell/ast.h"
#include "shell/parser.h"

namespace dbguard::shell::detail {

struct SyntaxError : std::runtime_error {
  // Why the parse stopped: the text's syntax, or one of the parser's bounds.
  enum class Stop { Syntax, Depth, Size };
  SyntaxError(std::string msg, std::size_t p, Stop why = Stop::Syntax)
      : std::runtime_error(std::move(msg)), pos(p), stop(why) {}
  std::size_t pos;
  Stop stop;
};

// Counted over a parse and its nested parsers (substitutions, `bash -c` bodies).
struct Counts {
  std::size_t words = 0;
  std::size_t commands = 0;
  std::size_t item_tree_bytes = 0;  // the tree of the program's current top-level item
};

class Parser {
 public:
  // STABLE: the text the caller keeps while it uses the tree (the program's own);
  // word parts read from it are views of it. A nested parser's text may be a
  // temporary (a backquoted body, unescaped): its parts copy what is not in STABLE.
  Parser(std::string_view src, std::string_view stable, const ParseLimits& limits, std::size_t depth, Counts* counts,
         const ItemSink* on_item = nullptr)
      : src_(src), stable_(stable), limits_(limits), depth_(depth), counts_(counts), on_item_(on_item) {}

  // Grammar (parser.cpp).
  ListPtr parse_program();
  ListPtr parse_list(bool in_subst);
  // Where parse_program stopped at limits.stop_after_commands; npos if it did not.
  std::size_t stopped_at() const { return stopped_at_; }

  // Words (word_reader.cpp).
  Word read_word();
  Word read_heredoc_body_word(std::string_view body);

 private:
  friend class DepthGuard;
  // grammar
  bool at_list_end(bool in_subst);
  AndOr parse_and_or(bool in_subst);
  Pipeline parse_pipeline(bool in_subst);
  CommandPtr parse_command(bool in_subst);
  void parse_simple(Command& cmd);
  bool try_parse_redirect(std::vector<Redirect>& out, const CommandPtr& owner, bool compound);
  void parse_trailing_redirects(const CommandPtr& cmd);
  CommandPtr parse_if();
  CommandPtr parse_loop();
  CommandPtr parse_for();
  CommandPtr parse_case();
  CommandPtr parse_brace_group();
  CommandPtr parse_subshell();
  CommandPtr parse_double_bracket();
  CommandPtr parse_arith_command();
  CommandPtr parse_function(bool keyword);
  ListPtr parse_body_until(std::initializer_list<std::string_view> stops);
  void expect_keyword(std::string_view kw);
  void read_pending_heredocs();
  void hand_over_items(List& list);

  // lexing helpers
  bool eof() const { return pos_ >= src_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  void skip_blanks();              // spaces, tabs, line continuations, comments
  void skip_blanks_and_newlines();
  bool consume_newline();
  std::string_view peek_keyword() const;  // unquoted literal token at pos (a view of the source), or ""
  bool starts_with(std::string_view s) const { return src_.substr(pos_, s.size()) == s; }

  // words
  void read_single_quoted(Word& w);
  void read_double_quoted(Word& w, bool heredoc_mode, std::string_view end_text);
  void read_ansi_c(Word& w);
  void read_dollar(Word& w, bool quoted);
  void read_backtick(Word& w, bool quoted);
  void read_process_sub(Word& w);
  std::size_t find_matching(std::size_t from, char open, char close) const;
  ListPtr parse_nested_source(std::string_view text, std::size_t at);
  void count_word();
  void charge(std::size_t bytes);  // of the item's tree, against limits.max_item_tree_bytes
  void charge_block(std::size_t bytes);  // a heap block of the tree, as malloc takes it
  // Appends to one of the tree's vectors. A growth is charged whole, before it is
  // made: the bound then holds what the vectors take in memory, their slack and the
  // arrays a doubling leaves behind (freed, but seldom given back) included. Charged
  // per element, one word of 1.95 M parts held 22 MB at a bound of 12 MiB.
  template <class T>
  void push(std::vector<T>& v, std::type_identity_t<T>&& x) {
    // The growth push_back makes: libstdc++ and libc++ double (one for an empty vector).
    if (v.size() == v.capacity()) charge_block((v.capacity() == 0 ? 1 : 2 * v.capacity()) * sizeof(T));
    v.push_back(std::move(x));
  }
  void add_part(Word& w, WordPart&& p) { push(w.parts, std::move(p)); }
  void append_literal(Word& w, std::string_view text, bool quoted);
  // TEXT as a part's: a view where it lies in the stable text, else a copy.
  PartText text_of(std::string_view text) const {
    return in_stable(text) ? PartText::view_of(text) : PartText::copy_of(text);
  }
  bool in_stable(std::string_view text) const {
    const auto lo = reinterpret_cast<std::uintptr_t>(stable_.data());
    const auto at = reinterpret_cast<std::uintptr_t>(text.data());
    return at >= lo && at + text.size() <= lo + stable_.size();
  }

  [[noreturn]] void fail(const std::string& msg) const { throw SyntaxError(msg, pos_); }

  std::string_view src_;
  std::string_view stable_;
  const ParseLimits& limits_;
  std::size_t depth_;
  Counts* counts_;
  const ItemSink* on_item_;  // the program's items go there as they are parsed (null: kept)
  std::size_t pos_ = 0;
  std::size_t stopped_at_ = std::string_view::npos;
  struct PendingHeredoc {
    CommandPtr owner;
    bool compound;
    std::size_t index;
    std::string delimiter;
    bool strip_tabs;
  };
  std::vector<PendingHeredoc> pending_;
};

// Raises the nesting depth for the lifetime of a scope and enforces the bound.
class DepthGuard {
 public:
  DepthGuard(Parser& p) : p_(p) {
    if (++p_.depth_ > p_.limits_.max_depth)
      throw SyntaxError("nesting deeper than " + std::to_string(p_.limits_.max_depth), p_.pos_, SyntaxError::Stop::Depth);
  }
  ~DepthGuard() { --p_.depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  Parser& p_;
};

// The word reader's character classes as tables: it asks once per character of
// the text (a long command is mostly runs of plain characters).
struct CharClasses {
  bool meta[256] = {};   // ends a word: blanks, newlines, ; & | < > ( )
  bool plain[256] = {};  // stands for itself in an unquoted word
  constexpr CharClasses() {
    for (unsigned char c : std::string_view(" \t\n;&|<>()\r")) meta[c] = true;
    for (int c = 0; c < 256; ++c) plain[c] = !meta[c];
    for (unsigned char c : std::string_view("'\"\\$`")) plain[c] = false;
  }
};
inline constexpr CharClasses kCharClasses{};

inline bool is_meta(char c) { return kCharClasses.meta[static_cast<unsigned char>(c)]; }
// Not meta, nor a quote, backslash, `$` or backquote.
inline bool is_plain(char c) { return kCharClasses.plain[static_cast<unsigned char>(c)]; }

}  // namespace dbguard::shell::detail
