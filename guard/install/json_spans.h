// A JSON reader that remembers where every value sits in the text, so that a
// settings file can be edited in place: our entry is inserted or removed as
// text, and every other byte of the file stays exactly as it was.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dbguard::install {

struct JsonSpan {
  enum class Kind { Object, Array, String, Number, Bool, Null };
  Kind kind = Kind::Null;
  std::size_t begin = 0, end = 0;  // the value's bytes: [begin, end)
  std::string str;                 // String: decoded
  struct Member;
  std::vector<Member> members;     // Object
  std::vector<JsonSpan> elements;  // Array

  const JsonSpan* get(std::string_view key) const;
  std::size_t index_of(std::string_view key) const;  // members index, or npos
};

struct JsonSpan::Member {
  std::string key;
  std::size_t key_begin = 0;  // the opening quote of the key
  JsonSpan value;
};

// Strict JSON (RFC 8259). False with `error` ("line L: ...") on anything else.
bool parse_spans(std::string_view text, JsonSpan& root, std::string& error);

}  // namespace dbguard::install
