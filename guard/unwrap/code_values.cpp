#include "unwrap/code_values.h"

#include <re2/re2.h>

#include <cctype>

namespace dbguard {
namespace {

constexpr int kMaxDepth = 16;  // names defined through names; cycles cannot occur (offsets fall), this bounds the work

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Index just past the string literal starting at s[i] (a quote); s.size() when unterminated.
std::size_t skip_string(std::string_view s, std::size_t i) {
  char q = s[i];
  if (q != '`' && s.substr(i, 3) == std::string(3, q)) {
    auto end = s.find(std::string(3, q), i + 3);
    return end == std::string_view::npos ? s.size() : end + 3;
  }
  for (std::size_t k = i + 1; k < s.size(); ++k) {
    if (s[k] == '\\') ++k;
    else if (s[k] == q) return k + 1;
  }
  return s.size();
}

bool is_quote(char c) { return c == '\'' || c == '"' || c == '`'; }

// Index just past the statement starting at `from`: a top-level ; or newline, or
// a close bracket the statement did not open.
std::size_t statement_end(std::string_view s, std::size_t from) {
  int depth = 0;
  for (std::size_t i = from; i < s.size(); ++i) {
    char c = s[i];
    if (is_quote(c)) {
      i = skip_string(s, i) - 1;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (depth == 0) return i;
      --depth;
    } else if (depth == 0 && (c == ';' || c == '\n')) {
      return i;
    }
  }
  return s.size();
}


}  // namespace

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());  // at most as long: not a doubling past it (4 MiB held 8)
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string_view enclosed(std::string_view code, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < code.size(); ++i) {
    char c = code[i];
    if (is_quote(c)) {
      i = skip_string(code, i) - 1;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0) return code.substr(open + 1, i - open - 1);
    }
  }
  return open + 1 <= code.size() ? code.substr(open + 1) : std::string_view();
}

std::vector<std::string_view> split_arguments(std::string_view args) {
  std::vector<std::string_view> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    char c = args[i];
    if (is_quote(c)) i = skip_string(args, i) - 1;
    else if (c == '(' || c == '[' || c == '{') ++depth;
    else if (c == ')' || c == ']' || c == '}') --depth;
    else if (c == ',' && depth == 0) {
      out.push_back(trim(args.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (auto last = trim(args.substr(start)); !last.empty()) out.push_back(last);
  return out;
}

std::string_view object_field(std::string_view object, std::string_view key) {
  object = trim(object);
  if (object.empty() || object.front() != '{') return {};
  for (auto part : split_arguments(enclosed(object, 0))) {
    auto colon = part.find(':');
    if (colon == std::string_view::npos) continue;
    auto k = trim(part.substr(0, colon));
    if (k.size() >= 2 && is_quote(k.front()) && k.back() == k.front()) k = k.substr(1, k.size() - 2);
    if (k == key) return trim(part.substr(colon + 1));
  }
  return {};
}

CodeScope::CodeScope(std::string_view code, std::string language) : code_(code), language_(std::move(language)) {
  auto at = [&](re2::StringPiece p) { return static_cast<std::size_t>(p.data() - code_.data()); };
  // NAME = EXPR at the start of a statement (const/let/var/my/our/local allowed before it)
  static const RE2 assignment(
      R"re((?:^|[;\n{}(])[ \t]*(?:(?:const|let|var|my|our|local|global)[ \t]+)?([$@]?[A-Za-z_][A-Za-z0-9_]*)[ \t]*(\+=|\.=|=))re");
  re2::StringPiece in(code_.data(), code_.size());
  re2::StringPiece name, op;
  while (RE2::FindAndConsume(&in, assignment, &name, &op)) {
    std::size_t rhs = at(op) + op.size();
    if (rhs < code_.size() && (code_[rhs] == '=' || code_[rhs] == '>')) continue;  // ==, =>
    std::size_t end = statement_end(code_, rhs);
    bindings_.push_back({at(name), std::string(name), trim(code_.substr(rhs, end - rhs)), op.size() == 2});
  }
  // Names bound to what the code cannot say: loop variables, with/except/foreach
  // `as`, block and function parameters, tuple targets, walrus targets.
  static const RE2 unknown_one(
      R"re(\bfor[ \t]*\(?[ \t]*(?:(?:const|let|var|my|our)[ \t]+)?([$@]?[A-Za-z_]\w*)[ \t]+(?:in|of)\b|\bforeach[ \t]+(?:my[ \t]+)?(\$\w+)|\bas[ \t]+(\$?[A-Za-z_]\w*)|\|[ \t]*([A-Za-z_]\w*)[ \t]*[|,]|([A-Za-z_]\w*)[ \t]*:=|([A-Za-z_]\w*)[ \t]*=>)re");
  in = re2::StringPiece(code_.data(), code_.size());
  re2::StringPiece g[6];
  while (RE2::FindAndConsume(&in, unknown_one, &g[0], &g[1], &g[2], &g[3], &g[4], &g[5])) {
    for (int k = 0; k < 6; ++k) {
      if (k == 5 && language_ != "node") continue;  // `x => …` binds a parameter only in JavaScript
      if (!g[k].empty()) bindings_.push_back({at(g[k]), std::string(g[k]), {}, false});
      g[k] = re2::StringPiece();
    }
  }
  // Lists of names: function and lambda parameters, arrow parameters, tuple and my(…) targets.
  static const RE2 unknown_list(
      R"re(\b(?:def|function|lambda|sub)\b[ \t]*[A-Za-z_]*\w*[ \t]*\(?([^():\n]*)|\(([^()\n]*)\)[ \t]*=>|(?:^|[;\n])[ \t]*([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)+)[ \t]*=[^=]|\b(?:my|our|local)[ \t]*\(([^)\n]*)\))re");
  in = re2::StringPiece(code_.data(), code_.size());
  re2::StringPiece l[4];
  while (RE2::FindAndConsume(&in, unknown_list, &l[0], &l[1], &l[2], &l[3])) {
    for (auto& list : l) {
      std::string_view names(list.data(), list.size());
      std::size_t offset = list.empty() ? 0 : at(list);
      for (auto part : split_arguments(names)) {
        while (!part.empty() && (part.front() == '*' || part.front() == '&')) part.remove_prefix(1);
        std::size_t n = !part.empty() && (part.front() == '$' || part.front() == '@') ? 1 : 0;
        while (n < part.size() && ident_char(part[n])) ++n;
        if (n > 0) bindings_.push_back({offset, std::string(part.substr(0, n)), {}, false});
      }
      list = re2::StringPiece();
    }
  }
}

CodeValue CodeScope::evaluate(std::string_view expr, std::size_t at) const { return evaluate(expr, at, 0); }

CodeValue CodeScope::lookup(const std::string& name, std::size_t at, int depth) const {
  const Binding* last = nullptr;
  for (const auto& b : bindings_)
    if (b.name == name && b.offset < at && (!last || b.offset >= last->offset)) last = &b;
  CodeValue v;
  v.name = name;
  v.text = "{" + name + "}";
  if (!last || last->expr.empty() || depth > kMaxDepth) return v;
  CodeValue rhs = evaluate(last->expr, last->offset, depth + 1);
  if (!last->append) {
    if (!rhs.known && !rhs.has_text && rhs.literals.empty()) rhs.name = name;
    return rhs;
  }
  CodeValue before = lookup(name, last->offset, depth + 1);
  before.known = before.known && rhs.known;
  before.has_text = before.has_text || rhs.has_text;
  before.text += rhs.text;
  before.name.clear();
  return before;
}

std::string CodeScope::interpolate(std::string_view body, char style, std::size_t at, int depth, bool& known) const {
  std::string out;
  std::size_t chunk = 0;
  auto flush = [&](std::size_t to) { out += unescape(body.substr(chunk, to - chunk)); };
  for (std::size_t i = 0; i < body.size(); ++i) {
    std::string_view inner;
    std::size_t next = i;
    if (body[i] == '\\') {
      ++i;
      continue;
    }
    if (style == '{' && body[i] == '{') {
      if (i + 1 < body.size() && body[i + 1] == '{') {  // {{ is a literal brace
        flush(i + 1);
        chunk = i + 2;
        ++i;
        continue;
      }
      auto close = body.find('}', i);
      if (close == std::string_view::npos) break;
      inner = body.substr(i + 1, close - i - 1);
      inner = inner.substr(0, inner.find_first_of(":!"));  // {x!r:>10}: the expression only
      next = close + 1;
    } else if ((style == '$' && body.substr(i, 2) == "${") || (style == '#' && body.substr(i, 2) == "#{")) {
      std::string_view rest = body.substr(i + 1);
      inner = enclosed(rest, 0);
      next = i + 1 + inner.size() + 2;
    } else if (style == 'v' && body[i] == '$' && i + 1 < body.size() && (ident_start(body[i + 1]) || body[i + 1] == '{')) {
      std::size_t n = i + 1;
      if (body[n] == '{') {
        auto close = body.find('}', n);
        if (close == std::string_view::npos) break;
        inner = body.substr(n + 1, close - n - 1);
        next = close + 1;
      } else {
        while (n < body.size() && ident_char(body[n])) ++n;
        inner = body.substr(i, n - i);  // $name, with its sigil
        next = n;
      }
      if (!inner.empty() && inner.front() != '$') {
        static const std::string sigil = "$";
        CodeValue v = lookup(sigil + std::string(inner), at, depth + 1);
        flush(i);
        out += v.known ? v.text : "{$" + std::string(inner) + "}";
        known = known && v.known;
        chunk = next;
        i = next - 1;
        continue;
      }
    } else {
      continue;
    }
    flush(i);
    CodeValue v = evaluate(inner, at, depth + 1);
    out += v.known ? v.text : "{" + std::string(trim(inner)) + "}";
    known = known && v.known;
    chunk = next;
    i = next - 1;
  }
  if (chunk < body.size()) flush(body.size());
  return out;
}

// A string literal at the front of `in` (with its prefix: r, f, b, u, rb, fr…), consumed.
bool CodeScope::literal(std::string_view& in, std::size_t at, int depth, CodeValue& out) const {
  std::size_t p = 0;
  bool raw = false, f = false;
  if (language_ == "python")
    while (p < 2 && p < in.size() && std::string_view("rRbBuUfF").find(in[p]) != std::string_view::npos) {
      raw = raw || in[p] == 'r' || in[p] == 'R';
      f = f || in[p] == 'f' || in[p] == 'F';
      ++p;
    }
  if (p >= in.size() || !is_quote(in[p])) return false;
  char q = in[p];
  std::size_t end = skip_string(in, p);
  std::size_t open = q != '`' && in.substr(p, 3) == std::string(3, q) ? 3 : 1;
  bool closed = end - p >= 2 * open && in.substr(end - open, open) == std::string(open, q);
  std::string_view body = in.substr(p + open, end - p - open - (closed ? open : 0));
  char style = 0;
  if (language_ == "python" && f) style = '{';
  else if (language_ == "node" && q == '`') style = '$';
  else if (language_ == "ruby" && (q == '"' || q == '`')) style = '#';
  else if ((language_ == "perl" || language_ == "php") && q == '"') style = 'v';
  bool known = true;
  std::string piece = style ? interpolate(body, style, at, depth, known) : raw ? std::string(body) : unescape(body);
  // The first piece is moved in, not appended: a 4 MiB literal was held twice here.
  if (out.text.empty()) out.text = std::move(piece);
  else out.text += piece;
  out.known = out.known && known;
  out.has_text = true;
  in.remove_prefix(end);
  return true;
}

CodeValue CodeScope::evaluate(std::string_view expr, std::size_t at, int depth) const {
  expr = trim(expr);
  CodeValue v;
  if (expr.empty() || depth > kMaxDepth) return v;
  if ((expr.front() == '[' || expr.front() == '(') && enclosed(expr, 0).size() + 2 == expr.size()) {
    auto parts = split_arguments(enclosed(expr, 0));
    if (expr.front() == '(' && parts.size() == 1) return evaluate(parts[0], at, depth + 1);
    v.list = true;
    v.known = true;
    for (auto part : parts) {
      v.items.push_back(evaluate(part, at, depth + 1));
      v.known = v.known && v.items.back().known;
      v.has_text = v.has_text || v.items.back().has_text;
    }
    return v;
  }
  // A concatenation of literals, names and other operands (calls, attributes, subscripts).
  bool perlish = language_ == "perl" || language_ == "php";
  std::string_view in = expr;
  v.known = true;
  bool parsed = true;
  while (true) {
    in = trim(in);
    if (in.empty()) {
      parsed = false;
      break;
    }
    if (literal(in, at, depth, v)) {
    } else if (in.front() == '(') {
      auto inner = enclosed(in, 0);
      CodeValue sub = evaluate(inner, at, depth + 1);
      if (sub.list) {
        parsed = false;
        break;
      }
      v.text += sub.text;
      v.known = v.known && sub.known;
      v.has_text = v.has_text || sub.has_text;
      in.remove_prefix(std::min(in.size(), inner.size() + 2));
    } else if (ident_start(in.front()) || ((in.front() == '$' || in.front() == '@') && in.size() > 1 && ident_start(in[1]))) {
      std::size_t n = in.front() == '$' || in.front() == '@' ? 1 : 0;
      while (n < in.size() && ident_char(in[n])) ++n;
      std::string name(in.substr(0, n));
      bool bare = true;
      // .attr / ->attr / (call) / [subscript] suffixes: a value the code computes
      while (n < in.size()) {
        if (in[n] == '(' || in[n] == '[') {
          n += enclosed(in.substr(n), 0).size() + 2;
        } else if ((in[n] == '.' && !perlish && n + 1 < in.size() && ident_start(in[n + 1])) ||
                   (in.substr(n, 2) == "->" && n + 2 < in.size() && (ident_start(in[n + 2]) || in[n + 2] == '{'))) {
          n += in[n] == '.' ? 1 : 2;
          while (n < in.size() && ident_char(in[n])) ++n;
        } else {
          break;
        }
        bare = false;
      }
      n = std::min(n, in.size());
      if (bare && trim(in.substr(n)).empty() && in.data() == expr.data()) {
        CodeValue named = lookup(name, at, depth + 1);  // the whole expression is one name
        if (!named.known && !named.has_text && named.literals.empty()) named.name = name;
        return named;
      }
      if (bare) {
        CodeValue named = lookup(name, at, depth + 1);
        v.text += named.known || named.has_text ? named.text : "{" + name + "}";
        v.known = v.known && named.known && !named.list;
        v.has_text = v.has_text || named.has_text;
      } else {
        v.text += "{" + std::string(in.substr(0, n)) + "}";
        v.known = false;
      }
      in.remove_prefix(n);
    } else if (std::isdigit(static_cast<unsigned char>(in.front()))) {
      std::size_t n = 0;
      while (n < in.size() && (std::isalnum(static_cast<unsigned char>(in[n])) || in[n] == '.')) ++n;
      v.text += std::string(in.substr(0, n));
      in.remove_prefix(n);
    } else {
      parsed = false;
      break;
    }
    in = trim(in);
    if (in.empty()) break;
    if ((!perlish && in.front() == '+' && in.substr(0, 2) != "+=") || (perlish && in.front() == '.' && in.substr(0, 2) != ".=")) {
      in.remove_prefix(1);
      continue;
    }
    if (language_ == "python" && (is_quote(in.front()) || (in.size() > 1 && std::isalpha(static_cast<unsigned char>(in.front())) && is_quote(in[1]))))
      continue;  // "a" "b": adjacent literals join
    parsed = false;
    break;
  }
  if (parsed) return v;
  // Not a plain concatenation (a ternary, % formatting, .format()): unknown, but its
  // constant strings are each something it may become.
  CodeValue unknown;
  unknown.text = "{" + std::string(expr) + "}";
  for (std::size_t i = 0; i < expr.size(); ++i) {
    if (!is_quote(expr[i])) continue;
    std::string_view rest = expr.substr(i);
    CodeValue lit;
    lit.known = true;
    std::size_t before = rest.size();
    if (literal(rest, at, depth, lit)) {
      unknown.literals.push_back(lit.text);
      unknown.has_text = true;
      i += before - rest.size() - 1;
    }
  }
  return unknown;
}

}  // namespace dbguard
