#include "install/json_spans.h"

#include <stdexcept>

namespace dbguard::install {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  JsonSpan document() {
    ws();
    JsonSpan v = value(0);
    ws();
    if (p_ != t_.size()) fail("unexpected text after the JSON value");
    return v;
  }

  [[noreturn]] void fail(const std::string& what) {
    std::size_t line = 1;
    for (std::size_t i = 0; i < p_ && i < t_.size(); ++i) line += t_[i] == '\n';
    throw std::runtime_error("line " + std::to_string(line) + ": " + what);
  }

 private:
  void ws() {
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t' || t_[p_] == '\n' || t_[p_] == '\r')) ++p_;
  }

  void expect(char c) {
    if (p_ >= t_.size() || t_[p_] != c) fail(std::string("expected '") + c + "'");
    ++p_;
  }

  JsonSpan value(int depth) {
    if (depth > 512) fail("nested too deeply");
    if (p_ >= t_.size()) fail("unexpected end of input");
    JsonSpan v;
    v.begin = p_;
    char c = t_[p_];
    if (c == '{') {
      v.kind = JsonSpan::Kind::Object;
      ++p_;
      ws();
      if (p_ < t_.size() && t_[p_] == '}') {
        ++p_;
      } else {
        while (true) {
          ws();
          JsonSpan::Member m;
          m.key_begin = p_;
          if (p_ >= t_.size() || t_[p_] != '"') fail("expected a string key");
          m.key = string();
          ws();
          expect(':');
          ws();
          m.value = value(depth + 1);
          v.members.push_back(std::move(m));
          ws();
          if (p_ < t_.size() && t_[p_] == ',') {
            ++p_;
            continue;
          }
          expect('}');
          break;
        }
      }
    } else if (c == '[') {
      v.kind = JsonSpan::Kind::Array;
      ++p_;
      ws();
      if (p_ < t_.size() && t_[p_] == ']') {
        ++p_;
      } else {
        while (true) {
          ws();
          v.elements.push_back(value(depth + 1));
          ws();
          if (p_ < t_.size() && t_[p_] == ',') {
            ++p_;
            continue;
          }
          expect(']');
          break;
        }
      }
    } else if (c == '"') {
      v.kind = JsonSpan::Kind::String;
      v.str = string();
    } else if (c == 't' || c == 'f' || c == 'n') {
      for (std::string_view word : {"true", "false", "null"})
        if (t_.substr(p_, word.size()) == word) {
          v.kind = word == "null" ? JsonSpan::Kind::Null : JsonSpan::Kind::Bool;
          p_ += word.size();
          v.end = p_;
          return v;
        }
      fail("unexpected literal");
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = JsonSpan::Kind::Number;
      number();
    } else {
      fail(std::string("unexpected character '") + c + "'");
    }
    v.end = p_;
    return v;
  }

  void number() {
    auto digits = [&] {
      std::size_t s = p_;
      while (p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '9') ++p_;
      if (p_ == s) fail("malformed number");
    };
    if (t_[p_] == '-') ++p_;
    if (p_ < t_.size() && t_[p_] == '0') ++p_;
    else digits();
    if (p_ < t_.size() && t_[p_] == '.') {
      ++p_;
      digits();
    }
    if (p_ < t_.size() && (t_[p_] == 'e' || t_[p_] == 'E')) {
      ++p_;
      if (p_ < t_.size() && (t_[p_] == '+' || t_[p_] == '-')) ++p_;
      digits();
    }
  }

  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  unsigned hex4() {
    if (p_ + 4 > t_.size()) fail("short \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = t_[p_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else fail("bad \\u escape");
    }
    return v;
  }

  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (p_ >= t_.size()) fail("unterminated string");
      char c = t_[p_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (p_ >= t_.size()) fail("unterminated escape");
      char e = t_[p_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && p_ + 1 < t_.size() && t_[p_] == '\\' && t_[p_ + 1] == 'u') {
            p_ += 2;
            unsigned lo = hex4();
            if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
  }

  std::string_view t_;
  std::size_t p_ = 0;
};

}  // namespace

const JsonSpan* JsonSpan::get(std::string_view key) const {
  std::size_t i = index_of(key);
  return i == std::string::npos ? nullptr : &members[i].value;
}

std::size_t JsonSpan::index_of(std::string_view key) const {
  // The last one wins, as in most JSON readers.
  for (std::size_t i = members.size(); i-- > 0;)
    if (members[i].key == key) return i;
  return std::string::npos;
}

bool parse_spans(std::string_view text, JsonSpan& root, std::string& error) {
  try {
    root = Parser(text).document();
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

}  // namespace dbguard::install
