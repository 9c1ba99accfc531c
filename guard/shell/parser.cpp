// Grammar of the command language: lists, and-or chains, pipelines, compound
// commands, simple commands and redirections. Words are read by word_reader.cpp.
#include "shell/parser.h"

#include "shell/parser_impl.h"

namespace dbguard::shell {
namespace detail {
namespace {

bool is_reserved_stop(std::string_view w) {
  return w == "then" || w == "else" || w == "elif" || w == "fi" || w == "do" || w == "done" ||
         w == "esac" || w == "}";
}

bool is_name(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// NAME=... or NAME+=... with an unquoted literal name: an assignment word. Its
// parts are moved into the value (not copied: `a=$U$U…` held its parts twice).
bool split_assignment(Word& w, Assignment& out) {
  if (w.parts.empty() || w.parts[0].kind != WordPart::Kind::Literal || w.parts[0].quoted) return false;
  const std::string_view first = w.parts[0].text;
  auto eq = first.find('=');
  if (eq == std::string_view::npos) return false;
  std::string name(first.substr(0, eq));
  if (!name.empty() && name.back() == '+') name.pop_back();
  if (!is_name(name)) return false;
  out.name = std::move(name);
  out.value.parts = std::move(w.parts);
  PartText& rest = out.value.parts.front().text;
  rest.remove_prefix(eq + 1);
  if (rest.empty()) out.value.parts.erase(out.value.parts.begin());
  return true;
}

}  // namespace

void Parser::skip_blanks() {
  while (!eof()) {
    char c = peek();
    if (c == ' ' || c == '\t' || c == '\r') {
      ++pos_;
    } else if (c == '\\' && peek(1) == '\n') {
      pos_ += 2;
    } else if (c == '#') {
      while (!eof() && peek() != '\n') ++pos_;
    } else {
      break;
    }
  }
}

bool Parser::consume_newline() {
  if (peek() != '\n') return false;
  ++pos_;
  read_pending_heredocs();
  return true;
}

void Parser::skip_blanks_and_newlines() {
  for (;;) {
    skip_blanks();
    if (!consume_newline()) break;
  }
}

std::string_view Parser::peek_keyword() const {
  std::size_t p = pos_;
  while (p < src_.size() && !is_meta(src_[p])) {
    char c = src_[p];
    if (c == '\'' || c == '"' || c == '\\' || c == '$' || c == '`') return "";
    ++p;
  }
  return src_.substr(pos_, p - pos_);
}

void Parser::read_pending_heredocs() {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& h : pending) {
    const std::size_t start = pos_;
    std::size_t body_end = std::string_view::npos;  // where the delimiter's line starts
    std::string body;
    while (!eof()) {
      std::size_t nl = src_.find('\n', pos_);
      std::size_t end = nl == std::string_view::npos ? src_.size() : nl;
      std::string_view line = src_.substr(pos_, end - pos_);
      std::size_t line_start = pos_;
      pos_ = nl == std::string_view::npos ? src_.size() : nl + 1;
      std::string_view cmp = line;
      if (h.strip_tabs)
        while (!cmp.empty() && cmp.front() == '\t') cmp.remove_prefix(1);
      if (cmp == h.delimiter) {
        body_end = line_start;
        break;
      }
      if (h.strip_tabs) {
        body.append(cmp);
        body.push_back('\n');
      }
    }
    // Without <<-, the body is the source's lines up to the delimiter's, as they stand.
    // bash accepts a heredoc cut off by end of input (with a warning); so do we, the
    // body is still analysed. Its last line ends with a newline all the same.
    std::string_view text =
        h.strip_tabs ? std::string_view(body)
                     : src_.substr(start, (body_end == std::string_view::npos ? src_.size() : body_end) - start);
    const bool ended = text.empty() || text.back() == '\n';
    Redirect& r = h.compound ? h.owner->redirects[h.index] : h.owner->simple.redirects[h.index];
    if (r.heredoc_expands && text.find_first_of("$`\\") != std::string_view::npos) {
      // Read as a word, and not also kept as text (nothing reads it): from the source
      // itself when it can be, so a 4 MiB body is not copied first.
      if (ended) r.heredoc_word = read_heredoc_body_word(text);
      else r.heredoc_word = read_heredoc_body_word(std::string(text) + '\n');
    } else {
      if (!h.strip_tabs) body.assign(text);  // one copy (a line at a time, a 1 MiB body was copied twice over)
      if (!ended) body.push_back('\n');
      r.heredoc = std::move(body);
    }
  }
}

ListPtr Parser::parse_program() {
  auto list = parse_list(false);
  skip_blanks_and_newlines();
  if (!eof() && stopped_at_ == std::string_view::npos) fail(std::string("unexpected '") + peek() + "'");
  hand_over_items(*list);  // the last ones: whole now, the text parsed to its end
  return list;
}

void Parser::hand_over_items(List& list) {
  if (!on_item_) return;
  for (auto& item : list.items) (*on_item_)(item);
  list.items.clear();
}

bool Parser::at_list_end(bool in_subst) {
  skip_blanks();
  if (eof()) return true;
  char c = peek();
  if (c == ')' ) return true;
  if (c == ';' && (peek(1) == ';' || peek(1) == '&')) return true;  // case item end
  (void)in_subst;
  std::string_view kw = peek_keyword();
  return is_reserved_stop(kw);
}

ListPtr Parser::parse_list(bool in_subst) {
  DepthGuard guard(*this);
  charge_block(sizeof(List) + sizeof(ListPtr));  // with its shared_ptr's count
  auto list = std::make_shared<List>();
  skip_blanks_and_newlines();
  // Only the program's own list stops early (depth 1: this list's guard), and
  // only between items whose here-documents are read, so what was parsed is whole.
  const bool may_stop = depth_ == 1 && limits_.stop_after_commands > 0;
  while (!at_list_end(in_subst)) {
    if (may_stop && counts_->commands >= limits_.stop_after_commands && pending_.empty()) {
      stopped_at_ = pos_;
      break;
    }
    push(list->items, parse_and_or(in_subst));
    skip_blanks();
    if (peek() == ';' && peek(1) != ';' && peek(1) != '&') {
      ++pos_;
    } else if (peek() == '&' && peek(1) != '&' && peek(1) != '>') {
      ++pos_;
    } else if (peek() == '\n') {
      // handled below
    } else if (!at_list_end(in_subst)) {
      fail(std::string("unexpected '") + peek() + "'");
    }
    skip_blanks_and_newlines();
    // The program's items are whole once no here-document is pending (`a <<X; b`
    // reads X's body after b): those parsed so far go to the item sink.
    if (depth_ == 1 && pending_.empty()) {
      hand_over_items(*list);
      counts_->item_tree_bytes = 0;  // with or without a sink: the bound is the same
    }
  }
  return list;
}

AndOr Parser::parse_and_or(bool in_subst) {
  AndOr ao;
  push(ao.pipelines, parse_pipeline(in_subst));
  for (;;) {
    skip_blanks();
    if (starts_with("&&") || starts_with("||")) {
      pos_ += 2;
      skip_blanks_and_newlines();
      push(ao.pipelines, parse_pipeline(in_subst));
    } else {
      break;
    }
  }
  return ao;
}

Pipeline Parser::parse_pipeline(bool in_subst) {
  Pipeline p;
  skip_blanks();
  for (;;) {
    std::string_view kw = peek_keyword();
    if (kw == "!") {
      p.negated = true;
      ++pos_;
      skip_blanks();
    } else if (kw == "time") {  // bash keyword timing a whole pipeline
      pos_ += 4;
      skip_blanks();
      if (peek_keyword() == "-p") {
        pos_ += 2;
        skip_blanks();
      }
      if (peek_keyword() == "--") {  // bash accepts `time [-p] -- pipeline`
        pos_ += 2;
        skip_blanks();
      }
    } else {
      break;
    }
  }
  push(p.commands, parse_command(in_subst));
  for (;;) {
    skip_blanks();
    if (peek() == '|' && peek(1) != '|') {
      pos_ += (peek(1) == '&') ? 2 : 1;
      skip_blanks_and_newlines();
      push(p.commands, parse_command(in_subst));
    } else {
      break;
    }
  }
  return p;
}

CommandPtr Parser::parse_command(bool in_subst) {
  DepthGuard guard(*this);
  skip_blanks();
  if (eof()) fail("expected a command");
  ++counts_->commands;
  charge_block(sizeof(Command) + sizeof(CommandPtr));  // with its shared_ptr's count
  std::string_view kw = peek_keyword();
  CommandPtr cmd;
  std::size_t begin = pos_;
  if (kw == "if") cmd = parse_if();
  else if (kw == "while" || kw == "until") cmd = parse_loop();
  else if (kw == "for" || kw == "select") cmd = parse_for();
  else if (kw == "case") cmd = parse_case();
  else if (kw == "{") cmd = parse_brace_group();
  else if (kw == "[[") cmd = parse_double_bracket();
  else if (kw == "function") cmd = parse_function(true);
  else if (starts_with("((")) cmd = parse_arith_command();
  else if (peek() == '(') cmd = parse_subshell();
  else if (is_name(kw) && [&] {
             std::size_t p = pos_ + kw.size();
             while (p < src_.size() && (src_[p] == ' ' || src_[p] == '\t')) ++p;
             if (p < src_.size() && src_[p] == '(') {
               ++p;
               while (p < src_.size() && (src_[p] == ' ' || src_[p] == '\t')) ++p;
               return p < src_.size() && src_[p] == ')';
             }
             return false;
           }())
    cmd = parse_function(false);
  if (cmd) {
    parse_trailing_redirects(cmd);
    cmd->begin = begin;
    cmd->end = pos_;
    return cmd;
  }
  (void)in_subst;
  cmd = std::make_shared<Command>();
  cmd->kind = Command::Kind::Simple;
  cmd->simple.begin = pos_;
  parse_simple(*cmd);
  cmd->simple.end = pos_;
  // trim trailing blanks from the span
  while (cmd->simple.end > cmd->simple.begin &&
         (src_[cmd->simple.end - 1] == ' ' || src_[cmd->simple.end - 1] == '\t'))
    --cmd->simple.end;
  cmd->begin = cmd->simple.begin;
  cmd->end = cmd->simple.end;
  if (cmd->simple.words.empty() && cmd->simple.assignments.empty() && cmd->simple.redirects.empty())
    fail(eof() ? "unexpected end of input" : std::string("unexpected '") + peek() + "'");
  return cmd;
}

namespace {

// The words of the simple commands being read, nested ones ($( ), bash -c) above
// their enclosing command's: each command's words are then moved into a vector of
// exactly their number, one allocation instead of one per doubling.
thread_local std::vector<Word> word_stack;

// Drops what a command left on the stack, also when a syntax error ends the parse.
struct WordStackMark {
  std::size_t base = word_stack.size();
  ~WordStackMark() { word_stack.resize(base); }
};

}  // namespace

void Parser::parse_simple(Command& cmd) {
  SimpleCommand& sc = cmd.simple;
  // `cmd` is owned by a shared_ptr created by the caller; heredocs need the owner.
  CommandPtr self(std::shared_ptr<Command>{}, &cmd);
  WordStackMark mark;
  for (;;) {
    skip_blanks();
    if (eof()) break;
    char c = peek();
    bool proc_sub = (c == '<' || c == '>') && peek(1) == '(';
    if (!proc_sub && try_parse_redirect(sc.redirects, self, false)) continue;
    if (is_meta(c) && !proc_sub) break;
    std::size_t before = pos_;
    Word w = read_word();
    if (pos_ == before) fail(std::string("unexpected '") + c + "'");
    Assignment a;
    if (word_stack.size() == mark.base && split_assignment(w, a)) {
      // array assignment NAME=( ... ): keep the elements as the value's words
      if (a.value.parts.empty() && peek() == '(') {
        std::size_t close = find_matching(pos_, '(', ')');
        WordPart lit;
        lit.text = text_of(src_.substr(pos_, close + 1 - pos_));
        add_part(a.value, std::move(lit));
        pos_ = close + 1;
      }
      push(sc.assignments, std::move(a));
    } else {
      // The stack is the thread's, grown once and kept: charged per word, the same
      // for every text however many came before it.
      charge(sizeof(Word));
      word_stack.push_back(std::move(w));
    }
  }
  if (word_stack.size() > mark.base) charge_block((word_stack.size() - mark.base) * sizeof(Word));
  sc.words.assign(std::make_move_iterator(word_stack.begin() + static_cast<std::ptrdiff_t>(mark.base)),
                  std::make_move_iterator(word_stack.end()));
}

bool Parser::try_parse_redirect(std::vector<Redirect>& out, const CommandPtr& owner, bool compound) {
  std::size_t start = pos_;
  std::size_t p = pos_;
  int fd = -1;
  if (p < src_.size() && src_[p] == '{') {  // {varname}>file
    std::size_t q = src_.find('}', p);
    if (q != std::string_view::npos && q + 1 < src_.size() && (src_[q + 1] == '<' || src_[q + 1] == '>') &&
        is_name(src_.substr(p + 1, q - p - 1)))
      p = q + 1;
  }
  while (p < src_.size() && std::isdigit(static_cast<unsigned char>(src_[p]))) ++p;
  if (p > start && p < src_.size() && src_[start] != '{') {
    // an fd number; absurdly long digit runs saturate instead of overflowing
    fd = 0;
    for (std::size_t k = start; k < p; ++k) fd = fd > 99999 ? fd : fd * 10 + (src_[k] - '0');
  }
  // Every operator starts with one of these: most words are not redirects.
  if (p >= src_.size() || (src_[p] != '<' && src_[p] != '>' && src_[p] != '&')) return false;
  static const char* ops[] = {"&>>", "<<<", "<<-", "&>", ">>", "<<", "<>", ">&", "<&", ">|", "<", ">"};
  std::string op;
  for (const char* o : ops) {
    if (src_.substr(p, std::char_traits<char>::length(o)) == o) {
      op = o;
      break;
    }
  }
  if (op.empty()) return false;
  if (op == "&>" || op == "&>>") {
    if (p != start) return false;
  }
  pos_ = p + op.size();
  skip_blanks();
  Redirect r;
  r.fd = fd;
  r.op = op;
  if (eof() || (is_meta(peek()) && !((peek() == '<' || peek() == '>') && peek(1) == '(')))
    fail("redirection without a target");
  const std::size_t target_begin = pos_;
  r.target = read_word();
  if (op == "<<" || op == "<<-") {
    std::string delim;
    bool quoted = false;
    for (auto& part : r.target.parts) {
      if (part.quoted) quoted = true;
      if (part.kind != WordPart::Kind::Literal) delim += '$';
      delim += part.text.view();
    }
    if (src_.substr(target_begin, pos_ - target_begin).find('\\') != std::string_view::npos) quoted = true;
    r.heredoc_expands = !quoted;
    push(out, std::move(r));
    pending_.push_back(PendingHeredoc{owner, compound, out.size() - 1, delim, op == "<<-"});
    return true;
  }
  push(out, std::move(r));
  return true;
}

void Parser::parse_trailing_redirects(const CommandPtr& cmd) {
  for (;;) {
    skip_blanks();
    if (!try_parse_redirect(cmd->redirects, cmd, true)) break;
  }
}

void Parser::expect_keyword(std::string_view kw) {
  skip_blanks_and_newlines();
  if (peek_keyword() != kw) fail("expected '" + std::string(kw) + "'");
  pos_ += kw.size();
}

ListPtr Parser::parse_body_until(std::initializer_list<std::string_view>) {
  return parse_list(false);
}

CommandPtr Parser::parse_if() {
  auto cmd = std::make_shared<Command>();
  cmd->kind = Command::Kind::If;
  pos_ += 2;
  push(cmd->bodies, parse_list(false));
  expect_keyword("then");
  push(cmd->bodies, parse_list(false));
  for (;;) {
    skip_blanks_and_newlines();
    std::string_view kw = peek_keyword();
    if (kw == "elif") {
      pos_ += 4;
      push(cmd->bodies, parse_list(false));
      expect_keyword("then");
      push(cmd->bodies, parse_list(false));
    } else if (kw == "else") {
      pos_ += 4;
      push(cmd->bodies, parse_list(false));
    } else {
      break;
    }
  }
  expect_keyword("fi");
  return cmd;
}

CommandPtr Parser::parse_loop() {
  auto cmd = std::make_shared<Command>();
  cmd->kind = Command::Kind::Loop;
  pos_ += peek_keyword().size();
  push(cmd->bodies, parse_list(false));
  expect_keyword("do");
  push(cmd->bodies, parse_list(false));
  expect_keyword("done");
  return cmd;
}

CommandPtr Parser::parse_for() {
  auto cmd = std::make_shared<Command>();
  cmd->kind = Command::Kind::For;
  pos_ += peek_keyword().size();
  skip_blanks();
  if (starts_with("((")) {
    std::size_t close = find_matching(pos_, '(', ')');
    pos_ = close + 1;
  } else {
    cmd->name = peek_keyword();
    if (!is_name(cmd->name)) fail("bad for-loop variable");
    pos_ += cmd->name.size();
    skip_blanks_and_newlines();
    if (peek_keyword() == "in") {
      pos_ += 2;
      for (;;) {
        skip_blanks();
        if (eof() || peek() == ';' || peek() == '\n') break;
        push(cmd->words, read_word());
      }
    }
  }
  skip_blanks();
  if (peek() == ';') ++pos_;
  expect_keyword("do");
  push(cmd->bodies, parse_list(false));
  expect_keyword("done");
  return cmd;
}

CommandPtr Parser::parse_case() {
  auto cmd = std::make_shared<Command>();
  cmd->kind = Command::Kind::Case;
  pos_ += 4;
  skip_blanks();
  push(cmd->words, read_word());
  expect_keyword("in");
  for (;;) {
    skip_blanks_and_newlines();
    if (peek_keyword() == "esac") break;
    if (eof()) fail("unterminated case");
    if (peek() == '(') ++pos_;
    // patterns: words separated by '|' up to ')'
    std::size_t patterns_before = cmd->words.size();
    for (;;) {
      skip_blanks();
      if (peek() == ')') {
        ++pos_;
        break;
      }
      if (peek() == '|') {
        ++pos_;
        continue;
      }
      if (eof()) fail("unterminated case pattern");
      std::size_t before = pos_;
      push(cmd->words, read_word());
      if (pos_ == before) fail("bad case pattern");
    }
    push(cmd->clause_patterns, cmd->words.size() - patterns_before);
    push(cmd->bodies, parse_list(false));
    skip_blanks_and_newlines();
    std::string end = starts_with(";;&") ? ";;&" : starts_with(";;") ? ";;" : starts_with(";&") ? ";&" : "";
    pos_ += end.size();
    push(cmd->clause_ends, end.empty() ? ";;" : end);  // the last clause may end at esac
  }
  pos_ += 4;
  return cmd;
}

CommandPtr Parser::parse_brace_group() {
  auto cmd = std::make_shared<Command>();
  cmd->kind = Command::Kind::Group;
  pos_ += 1;
  push(cmd->bodies, parse_list(false));
  expect_keyword("}");
  return cmd;
}

CommandPtr Parser::parse_subshell() {
  auto cmd = std::make_shared<Command>();
  cmd->kind = Command::Kind::Subshell;
  pos_ += 1;
  push(cmd->bodies, parse_list(true));
  skip_blanks_and_newlines();
  if (peek() != ')') fail("expected ')'");
  ++pos_;
  return cmd;
}

CommandPtr Parser::parse_double_bracket() {
  auto cmd = std::make_shared<Command>();
  cmd->kind = Command::Kind::Test;
  pos_ += 2;
  for (;;) {
    skip_blanks_and_newlines();
    if (eof()) fail("unterminated [[");
    if (starts_with("]]") && (pos_ + 2 >= src_.size() || is_meta(src_[pos_ + 2]))) {
      pos_ += 2;
      break;
    }
    char c = peek();
    if (c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')' || c == '!') {
      ++pos_;
      continue;
    }
    std::size_t before = pos_;
    push(cmd->words, read_word());
    if (pos_ == before) ++pos_;
  }
  return cmd;
}

CommandPtr Parser::parse_arith_command() {
  auto cmd = std::make_shared<Command>();
  cmd->kind = Command::Kind::Arith;
  std::size_t close = find_matching(pos_, '(', ')');
  // (( … )) may hold $( ) substitutions, which run: read them as a word.
  std::string_view inner = src_.substr(pos_ + 2, close >= pos_ + 3 ? close - pos_ - 3 : 0);
  push(cmd->words, read_heredoc_body_word(inner));
  pos_ = close + 1;
  return cmd;
}

CommandPtr Parser::parse_function(bool keyword) {
  auto cmd = std::make_shared<Command>();
  cmd->kind = Command::Kind::Function;
  if (keyword) {
    pos_ += 8;
    skip_blanks();
  }
  cmd->name = peek_keyword();
  if (cmd->name.empty()) fail("expected a function name");
  pos_ += cmd->name.size();
  skip_blanks();
  if (peek() == '(') {
    ++pos_;
    skip_blanks();
    if (peek() != ')') fail("expected ')'");
    ++pos_;
  }
  skip_blanks_and_newlines();
  auto body = parse_command(false);
  charge_block(sizeof(List) + sizeof(ListPtr));  // with its shared_ptr's count
  auto list = std::make_shared<List>();
  AndOr ao;
  Pipeline p;
  push(p.commands, std::move(body));
  push(ao.pipelines, std::move(p));
  push(list->items, std::move(ao));
  push(cmd->bodies, std::move(list));
  return cmd;
}

}  // namespace detail

ParseResult parse(std::string_view source, const ParseLimits& limits) { return parse(source, limits, nullptr); }

ParseResult parse(std::string_view source, const ParseLimits& limits, const ItemSink& on_item) {
  ParseResult result;
  detail::Counts counts;
  try {
    detail::Parser p(source, source, limits, 0, &counts, on_item ? &on_item : nullptr);
    result.list = p.parse_program();
    result.ok = true;
    result.commands = counts.commands;
    if (p.stopped_at() != std::string_view::npos) {
      result.truncated = true;
      result.truncated_at = p.stopped_at();
    }
  } catch (const detail::SyntaxError& e) {
    result.ok = false;
    result.error = e.what();
    result.error_pos = e.pos;
    result.depth_exceeded = e.stop == detail::SyntaxError::Stop::Depth;
    result.too_large = e.stop == detail::SyntaxError::Stop::Size;
  }
  return result;
}

}  // namespace dbguard::shell
