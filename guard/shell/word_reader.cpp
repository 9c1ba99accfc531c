// Words: quoting ('…', "…", $'…', backslashes, line continuations) and the
// expansions inside them ($name, ${…}, $( ), backticks, $(( )), <( ), >( )).
// Command substitutions are parsed into lists because their commands run.
#include <algorithm>
#include <cctype>

#include "shell/parser_impl.h"

namespace dbguard::shell::detail {
namespace {

bool is_special_param(char c) {
  return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!' ||
         std::isdigit(static_cast<unsigned char>(c));
}

}  // namespace

void Parser::count_word() {
  if (++counts_->words > limits_.max_words) throw SyntaxError("too many words", pos_, SyntaxError::Stop::Size);
}

// The tree's heap blocks, its nodes and the arrays of the vectors holding them
// (push), as malloc takes them: not their texts' (at most the input's). A measure
// of the tree's memory that grows as the tree does, checked before each block is
// made, so that a hostile item stops before it is built.
void Parser::charge_block(std::size_t bytes) {
  // glibc's chunk: an 8-byte header, rounded to 16, at least 32. A tree of small
  // nodes (`$(a)`, `<(a)`) takes half again its nodes' sizes in these.
  charge(std::max<std::size_t>(32, (bytes + 8 + 15) & ~std::size_t{15}));
}

void Parser::charge(std::size_t bytes) {
  counts_->item_tree_bytes += bytes;
  if (counts_->item_tree_bytes > limits_.max_item_tree_bytes)
    throw SyntaxError("more than the guard analyses in one command (its syntax tree passes " +
                          (limits_.max_item_tree_bytes % (1u << 20) == 0
                               ? std::to_string(limits_.max_item_tree_bytes >> 20) + " MiB)"
                               : std::to_string(limits_.max_item_tree_bytes) + " bytes)"),
                      pos_, SyntaxError::Stop::Size);
}

// A run of the stable source stays a view of it as long as the runs appended go on
// where it ends; an escape or a copied text makes it text of its own.
void Parser::append_literal(Word& w, std::string_view text, bool quoted) {
  if (!w.parts.empty() && w.parts.back().kind == WordPart::Kind::Literal && w.parts.back().quoted == quoted) {
    PartText& t = w.parts.back().text;
    if (t.continued_by(text) && in_stable(text)) t.extend_view(text);
    else t.append(text);
    return;
  }
  WordPart p;
  p.kind = WordPart::Kind::Literal;
  p.text = text_of(text);
  p.quoted = quoted;
  add_part(w, std::move(p));
}

Word Parser::read_word() {
  DepthGuard guard(*this);
  count_word();
  Word w;
  std::size_t start = pos_;
  while (!eof()) {
    char c = peek();
    if ((c == '<' || c == '>') && peek(1) == '(') {
      read_process_sub(w);
      continue;
    }
    if (is_meta(c)) break;
    if (c == '\'') {
      read_single_quoted(w);
    } else if (c == '"') {
      ++pos_;
      read_double_quoted(w, false, "\"");
    } else if (c == '\\') {
      if (peek(1) == '\n') {
        pos_ += 2;
      } else if (pos_ + 1 < src_.size()) {
        append_literal(w, src_.substr(pos_ + 1, 1), true);
        pos_ += 2;
      } else {
        ++pos_;  // trailing backslash: nothing to escape
      }
    } else if (c == '$') {
      read_dollar(w, false);
    } else if (c == '`') {
      read_backtick(w, false);
    } else {
      // A run of plain characters at once: most of a long command is such runs.
      std::size_t end = pos_ + 1;
      while (end < src_.size() && is_plain(src_[end])) ++end;
      append_literal(w, src_.substr(pos_, end - pos_), false);
      pos_ = end;
    }
  }
  std::string_view raw = src_.substr(start, pos_ - start);
  if (w.parts.size() == 1 && w.parts[0].kind == WordPart::Kind::Literal && !w.parts[0].quoted && w.parts[0].text == raw)
    w.raw_is_literal = true;
  else if (w.has_unquoted_brace())
    w.raw = text_of(raw);
  return w;
}

void Parser::read_single_quoted(Word& w) {
  std::size_t close = src_.find('\'', pos_ + 1);
  if (close == std::string_view::npos) fail("unterminated single quote");
  append_literal(w, src_.substr(pos_ + 1, close - pos_ - 1), true);
  // an empty '' still marks the word as quoted (so "" is an argument)
  if (close == pos_ + 1) append_literal(w, "", true);
  pos_ = close + 1;
}

void Parser::read_double_quoted(Word& w, bool heredoc_mode, std::string_view end_text) {
  DepthGuard guard(*this);
  bool closed = false;
  if (!heredoc_mode) append_literal(w, "", true);
  const char stop_chars[] = {'\\', '$', '`', heredoc_mode ? '\\' : end_text[0]};
  const std::string_view stops(stop_chars, sizeof stop_chars);
  while (!eof()) {
    char c = peek();
    if (!heredoc_mode && c == end_text[0]) {
      ++pos_;
      closed = true;
      break;
    }
    if (c == '\\') {
      char n = peek(1);
      if (n == '\n') {
        pos_ += 2;
      } else if (n == '$' || n == '`' || n == '"' || n == '\\') {
        if (heredoc_mode && n == '"') {
          append_literal(w, src_.substr(pos_, 2), true);  // the source's `\"`: a view goes on
        } else {
          append_literal(w, std::string_view(&src_[pos_ + 1], 1), true);
        }
        pos_ += 2;
      } else {
        append_literal(w, src_.substr(pos_, 1), true);  // the source's backslash: a view goes on
        ++pos_;
      }
    } else if (c == '$') {
      read_dollar(w, true);
    } else if (c == '`') {
      read_backtick(w, true);
    } else {
      // The run up to the next character that means something, at once (a byte at a
      // time, a 4 MiB here-document's word was regrown twenty times).
      std::size_t run = src_.find_first_of(stops, pos_);
      if (run == std::string_view::npos) run = src_.size();
      append_literal(w, src_.substr(pos_, run - pos_), true);
      pos_ = run;
    }
  }
  if (!heredoc_mode && !closed) fail("unterminated double quote");
}

void Parser::read_ansi_c(Word& w) {
  // $'…' with C escapes; the result is literal text.
  pos_ += 2;
  std::string out;
  while (!eof() && peek() != '\'') {
    char c = peek();
    if (c != '\\') {
      out.push_back(c);
      ++pos_;
      continue;
    }
    char n = peek(1);
    pos_ += 2;
    switch (n) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'v': out.push_back('\v'); break;
      case 'e': case 'E': out.push_back('\x1b'); break;
      case '\\': out.push_back('\\'); break;
      case '\'': out.push_back('\''); break;
      case '"': out.push_back('"'); break;
      case '?': out.push_back('?'); break;
      case 'x': {
        int v = 0, n_digits = 0;
        while (n_digits < 2 && std::isxdigit(static_cast<unsigned char>(peek()))) {
          char h = peek();
          v = v * 16 + (std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
          ++pos_;
          ++n_digits;
        }
        out.push_back(static_cast<char>(v));
        break;
      }
      case 'u': case 'U': {
        // \uHHHH: encode as UTF-8
        unsigned v = 0;
        int max = n == 'u' ? 4 : 8, n_digits = 0;
        while (n_digits < max && std::isxdigit(static_cast<unsigned char>(peek()))) {
          char h = peek();
          v = v * 16 + (std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
          ++pos_;
          ++n_digits;
        }
        if (v < 0x80) out.push_back(static_cast<char>(v));
        else if (v < 0x800) { out.push_back(static_cast<char>(0xC0 | (v >> 6))); out.push_back(static_cast<char>(0x80 | (v & 0x3F))); }
        else if (v < 0x10000) { out.push_back(static_cast<char>(0xE0 | (v >> 12))); out.push_back(static_cast<char>(0x80 | ((v >> 6) & 0x3F))); out.push_back(static_cast<char>(0x80 | (v & 0x3F))); }
        else { out.push_back(static_cast<char>(0xF0 | (v >> 18))); out.push_back(static_cast<char>(0x80 | ((v >> 12) & 0x3F))); out.push_back(static_cast<char>(0x80 | ((v >> 6) & 0x3F))); out.push_back(static_cast<char>(0x80 | (v & 0x3F))); }
        break;
      }
      case 'c': if (!eof()) { out.push_back(static_cast<char>(peek() & 0x1f)); ++pos_; } break;
      default:
        if (n >= '0' && n <= '7') {
          int v = n - '0', n_digits = 1;
          while (n_digits < 3 && peek() >= '0' && peek() <= '7') { v = v * 8 + (peek() - '0'); ++pos_; ++n_digits; }
          out.push_back(static_cast<char>(v));
        } else {
          out.push_back('\\');
          out.push_back(n);
        }
    }
  }
  if (eof()) fail("unterminated $'");
  ++pos_;
  append_literal(w, out, true);
}

std::size_t Parser::find_matching(std::size_t from, char open, char close) const {
  // from points at `open`; skips quoted text; returns index of the matching close.
  int depth = 0;
  for (std::size_t p = from; p < src_.size(); ++p) {
    char c = src_[p];
    if (c == '\\') { ++p; continue; }
    if (c == '\'' ) {
      std::size_t q = src_.find('\'', p + 1);
      if (q == std::string_view::npos) break;
      p = q;
      continue;
    }
    if (c == '"') {
      std::size_t q = p + 1;
      while (q < src_.size() && src_[q] != '"') q += (src_[q] == '\\') ? 2 : 1;
      if (q >= src_.size()) break;
      p = q;
      continue;
    }
    if (c == open) ++depth;
    else if (c == close && --depth == 0) return p;
  }
  throw SyntaxError(std::string("unterminated '") + open + "'", from);
}

ListPtr Parser::parse_nested_source(std::string_view text, std::size_t at) {
  Parser inner(text, stable_, limits_, depth_ + 1, counts_);
  try {
    return inner.parse_program();
  } catch (SyntaxError& e) {
    throw SyntaxError(e.what(), at + e.pos, e.stop);
  }
}

void Parser::read_dollar(Word& w, bool quoted) {
  char n = peek(1);
  if (!quoted && n == '\'') {
    read_ansi_c(w);
    return;
  }
  if (!quoted && n == '"') {  // $"…" locale string: a double-quoted string
    pos_ += 2;
    read_double_quoted(w, false, "\"");
    return;
  }
  if (n == '(' && peek(2) == '(') {
    std::size_t close = find_matching(pos_ + 1, '(', ')');
    std::string_view inner = src_.substr(pos_ + 3, close >= pos_ + 4 ? close - pos_ - 4 : 0);
    WordPart p;
    p.kind = WordPart::Kind::Arith;
    p.text = text_of(inner);
    p.quoted = quoted;
    // arithmetic may hold $( ), which runs
    Word inner_word = read_heredoc_body_word(inner);
    for (auto& ip : inner_word.parts)
      if (ip.kind == WordPart::Kind::CommandSub) add_part(w, WordPart(ip));
    add_part(w, std::move(p));
    pos_ = close + 1;
    return;
  }
  if (n == '(') {
    DepthGuard guard(*this);
    pos_ += 2;
    WordPart p;
    p.kind = WordPart::Kind::CommandSub;
    p.quoted = quoted;
    p.sub = parse_list(true);
    skip_blanks_and_newlines();
    if (peek() != ')') fail("unterminated $(");
    ++pos_;
    add_part(w, std::move(p));
    return;
  }
  if (n == '{') {
    std::size_t close = find_matching(pos_ + 1, '{', '}');
    std::string_view inner = src_.substr(pos_ + 2, close - pos_ - 2);
    WordPart p;
    p.quoted = quoted;
    std::size_t name_end = 0;
    while (name_end < inner.size() && (std::isalnum(static_cast<unsigned char>(inner[name_end])) || inner[name_end] == '_')) ++name_end;
    bool simple = !inner.empty() && name_end == inner.size();
    bool special = inner.size() == 1 && is_special_param(inner[0]);
    if (simple || special) {
      p.kind = WordPart::Kind::Param;
      p.text = text_of(inner);
      add_part(w, std::move(p));
    } else {
      p.kind = WordPart::Kind::ComplexParam;
      p.text = text_of(inner);
      // ${x:-$(cmd)}: substitutions inside the operand run too.
      Word operand = read_heredoc_body_word(inner);
      for (auto& ip : operand.parts)
        if (ip.kind == WordPart::Kind::CommandSub || ip.kind == WordPart::Kind::ProcessSub) add_part(w, WordPart(ip));
      add_part(w, std::move(p));
    }
    pos_ = close + 1;
    return;
  }
  if (std::isalpha(static_cast<unsigned char>(n)) || n == '_') {
    std::size_t p = pos_ + 1;
    while (p < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[p])) || src_[p] == '_')) ++p;
    WordPart part;
    part.kind = WordPart::Kind::Param;
    part.text = text_of(src_.substr(pos_ + 1, p - pos_ - 1));
    part.quoted = quoted;
    add_part(w, std::move(part));
    pos_ = p;
    return;
  }
  if (is_special_param(n)) {
    WordPart part;
    part.kind = WordPart::Kind::Param;
    part.text = text_of(src_.substr(pos_ + 1, 1));
    part.quoted = quoted;
    add_part(w, std::move(part));
    pos_ += 2;
    return;
  }
  append_literal(w, src_.substr(pos_, 1), quoted);  // the source's `$`
  ++pos_;
}

void Parser::read_backtick(Word& w, bool quoted) {
  std::string inner;
  std::size_t p = pos_ + 1;
  bool closed = false;
  for (; p < src_.size(); ++p) {
    char c = src_[p];
    if (c == '\\' && p + 1 < src_.size() &&
        (src_[p + 1] == '`' || src_[p + 1] == '\\' || src_[p + 1] == '$')) {
      inner.push_back(src_[++p]);
      continue;
    }
    if (c == '`') {
      closed = true;
      break;
    }
    inner.push_back(c);
  }
  if (!closed) fail("unterminated backtick");
  WordPart part;
  part.kind = WordPart::Kind::CommandSub;
  part.quoted = quoted;
  part.sub = parse_nested_source(inner, pos_ + 1);
  add_part(w, std::move(part));
  pos_ = p + 1;
}

void Parser::read_process_sub(Word& w) {
  DepthGuard guard(*this);
  pos_ += 2;
  WordPart p;
  p.kind = WordPart::Kind::ProcessSub;
  p.sub = parse_list(true);
  skip_blanks_and_newlines();
  if (peek() != ')') fail("unterminated process substitution");
  ++pos_;
  add_part(w, std::move(p));
}

Word Parser::read_heredoc_body_word(std::string_view body) {
  Parser inner(body, stable_, limits_, depth_ + 1, counts_);
  Word w;
  // A body can hold tens of thousands of expansions. Its parts are reserved at once
  // when they fit the bound: grown by doubling, the vector would leave behind freed
  // arrays nearly its own size. Each part but a literal starts at a `$` or a
  // backquote, and a literal lies between two others, so there are at most twice as
  // many plus one. Past the bound, the doubling is charged and stops the parse.
  const std::size_t starts = static_cast<std::size_t>(std::count(body.begin(), body.end(), '$') +
                                                      std::count(body.begin(), body.end(), '`'));
  const std::size_t bytes = (2 * starts + 1) * sizeof(WordPart);
  if (counts_->item_tree_bytes + bytes <= limits_.max_item_tree_bytes) {
    charge_block(bytes);
    w.parts.reserve(2 * starts + 1);
  }
  inner.read_double_quoted(w, true, "");
  return w;  // no source text: the body is the redirect's (a copy of 4 MiB at the bound)
}

}  // namespace dbguard::shell::detail
