#include "protocol/event_json.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <boost/json/basic_parser_impl.hpp>
// RapidJSON's SSE2 scan copies a string's unescaped runs 16 bytes at a time (SSE2
// is part of x86-64 itself).
#if defined(__SSE2__)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "protocol/event_builder.h"
#include "support/mapped_buffer.h"
#include "support/utf8.h"

namespace dbguard::protocol {
namespace {

namespace bj = boost::json;

std::string invalid(const std::string& what, std::size_t at) {
  return "stdin is not valid JSON (" + what + " at byte " + std::to_string(at) + ")";
}

std::string too_deep() { return "the event nests deeper than " + std::to_string(kMaxEventDepth) + " levels"; }

std::string too_many() {
  return "the event's tool_input holds more than " + std::to_string(kMaxToolInputValues) + " values";
}

// ---- Boost.JSON: small events ----

// basic_parser's handler: gathers keys, strings and numbers that come in parts
// for the builder.
class BoostHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  BoostHandler(EventBuilder& b, std::size_t input_size) : b_(b), input_size_(input_size) {}

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_object_begin(bj::error_code& ec) { return go(b_.open_object(), ec); }
  bool on_object_end(std::size_t, bj::error_code& ec) { return go(b_.close(), ec); }
  bool on_array_begin(bj::error_code& ec) { return go(b_.open_array(), ec); }
  bool on_array_end(std::size_t, bj::error_code& ec) { return go(b_.close(), ec); }

  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    if (b_.reads_key()) key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code& ec) {
    if (!b_.reads_key()) return true;
    return go(whole(key_, s, [&](std::string_view k) { return b_.key(k); }), ec);
  }

  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    if (!b_.keeps_value()) return true;
    // No string is longer than the input: room for it at once, not regrown.
    if (text_.empty()) text_.reserve(input_size_);
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code& ec) {
    if (!b_.keeps_value()) return true;
    std::string v = text_.empty() ? std::string(s.data(), s.size()) : std::move(text_.append(s.data(), s.size()));
    text_.clear();
    if (v.capacity() > 2 * v.size() + 65536) v.shrink_to_fit();  // one of many strings keeps no room for all
    return go(b_.string(std::move(v)), ec);
  }

  bool on_number_part(bj::string_view s, bj::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  // The number's text decides its kind and value (as RapidJSON's reader does):
  // Boost 1.81's double may be one unit off in the last place.
  bool on_int64(std::int64_t, bj::string_view s, bj::error_code& ec) { return number(s, ec); }
  bool on_uint64(std::uint64_t, bj::string_view s, bj::error_code& ec) { return number(s, ec); }
  bool on_double(double, bj::string_view s, bj::error_code& ec) { return number(s, ec); }
  bool on_bool(bool b, bj::error_code& ec) { return go(b_.boolean(b), ec); }
  bool on_null(bj::error_code& ec) { return go(b_.null(), ec); }
  // Comments are refused by the parse options; never called.
  bool on_comment_part(bj::string_view, bj::error_code&) { return false; }
  bool on_comment(bj::string_view, bj::error_code&) { return false; }

 private:
  // The builder stopped the reader: an error code, or the parser would carry on.
  static bool go(bool ok, bj::error_code& ec) {
    if (!ok) ec = bj::error::syntax;
    return ok;
  }
  bool number(bj::string_view last, bj::error_code& ec) {
    return go(whole(number_, last, [&](std::string_view n) { return b_.number(n); }), ec);
  }
  // A key or number that came in parts: the parts gathered so far and the last one,
  // whole, to `take` (most come in one part: no copy then).
  template <class Take>
  static bool whole(std::string& parts, bj::string_view last, Take take) {
    if (parts.empty()) return take(std::string_view(last.data(), last.size()));
    parts.append(last.data(), last.size());
    bool ok = take(std::string_view(parts));
    parts.clear();
    return ok;
  }

  EventBuilder& b_;
  std::string key_, text_, number_;  // a key, string or number read in parts
  std::size_t input_size_;
};

std::string read_with_boost(std::string_view bytes, EventBuilder& b) {
  bj::parse_options options;  // strict: no comments, trailing commas or invalid UTF-8
  options.max_depth = kMaxEventDepth;
  bj::basic_parser<BoostHandler> parser(options, b, bytes.size());
  bj::error_code ec;
  std::size_t used = parser.write_some(false, bytes.data(), bytes.size(), ec);
  if (b.too_deep() || ec == bj::error::too_deep) return too_deep();
  if (b.too_many()) return too_many();
  if (!b.why().empty()) return invalid(b.why(), used);
  if (!ec && used != bytes.size()) ec = bj::error::extra_data;
  if (ec) return invalid(ec.message(), used);
  return "";
}

// ---- RapidJSON: large events ----

class RapidHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, RapidHandler> {
 public:
  RapidHandler(EventBuilder& b, bool has_code_point_escapes) : b_(b), check_surrogates_(has_code_point_escapes) {}

  bool StartObject() { return b_.open_object(); }
  bool EndObject(rapidjson::SizeType) { return b_.close(); }
  bool StartArray() { return b_.open_array(); }
  bool EndArray(rapidjson::SizeType) { return b_.close(); }
  bool Key(const char* s, rapidjson::SizeType n, bool) { return well_formed(s, n) && b_.key(std::string_view(s, n)); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (!well_formed(s, n)) return false;
    return !b_.keeps_value() || b_.string(std::string(s, n));
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return b_.number(std::string_view(s, n)); }
  bool Bool(bool v) { return b_.boolean(v); }
  bool Null() { return b_.null(); }
  // Numbers come as text (kParseNumbersAsStringsFlag): the typed callbacks never run.
  bool Default() { return false; }

 private:
  // RapidJSON 1.1 writes a lone trailing surrogate escape (\udc00) as the UTF-8 of
  // a surrogate, where Boost.JSON and JSON.parse-strict readers refuse it: refused
  // here too. Raw surrogate bytes were refused with the input's UTF-8, so one in a
  // decoded string came from an escape; only an input with `\u` is looked at.
  bool well_formed(const char* s, rapidjson::SizeType n) {
    if (!check_surrogates_) return true;
    const char* end = s + n;
    for (const char* p = s; (p = static_cast<const char*>(std::memchr(p, '\xED', end - p))) != nullptr; ++p) {
      if (p + 1 < end && static_cast<unsigned char>(p[1]) >= 0xA0) {
        b_.refuse("a lone UTF-16 surrogate escape");
        return false;
      }
    }
    return true;
  }

  EventBuilder& b_;
  bool check_surrogates_;
};

std::size_t first_of_1a_to_1f(std::string_view bytes) {
  std::size_t first = std::string_view::npos;
  for (char c = '\x1a'; c <= '\x1f'; ++c)
    if (const void* p = std::memchr(bytes.data(), c, std::min(first, bytes.size())))
      first = static_cast<std::size_t>(static_cast<const char*>(p) - bytes.data());
  return first;
}

// RapidJSON's message ("Invalid value."), as a clause: "invalid value".
std::string clause(const char* message) {
  std::string m = message;
  if (!m.empty() && m.back() == '.') m.pop_back();
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return m;
}

std::string read_with_rapidjson(std::string_view bytes, EventBuilder& b) {
  // RapidJSON reads up to a NUL byte: one inside the input would end it early. A
  // raw NUL is invalid JSON anywhere (\u0000 is how a string holds one).
  if (std::size_t nul = bytes.find('\0'); nul != std::string_view::npos) return invalid("a NUL byte", nul);
  // UTF-8 is checked here, all at once: RapidJSON's own check reads every string a
  // byte at a time (what Boost.JSON is left for).
  if (std::size_t good = valid_utf8_prefix(bytes); good != bytes.size()) return invalid("invalid UTF-8", good);
  // RapidJSON 1.1's SSE2 scan lets the control characters 0x1A-0x1F through in a
  // string (it compares with 0x19, not 0x1F), and JSON allows none there, nor
  // outside a string: refused here, a memchr each.
  if (std::size_t at = first_of_1a_to_1f(bytes); at != std::string_view::npos) return invalid("a control character", at);
  // Parsed in place (kParseInsituFlag), in a copy: strings are unescaped where they
  // stand and handed over as views; otherwise RapidJSON's reader pushes every
  // string a byte at a time onto a stack of its own, keys and dropped fields too.
  // The SSE2 scan loads aligned 16-byte blocks, the last one past a closing quote:
  // the copy has room after its end, zeros (its end is a NUL, as the stream needs).
  // Mapped, not from the heap: see support/mapped_buffer.h.
  MappedBuffer work(bytes.size() + 1 + 16);
  std::memcpy(work.data(), bytes.data(), bytes.size());
  rapidjson::InsituStringStream in(work.data());
  RapidHandler handler(b, bytes.find("\\u") != std::string_view::npos);
  rapidjson::Reader reader;
  // Recursive, not iterative (kParseIterativeFlag costs 20% more): the builder
  // stops it at kMaxEventDepth levels.
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
  rapidjson::ParseResult result = reader.Parse<kFlags>(in, handler);
  if (result) return "";
  if (b.too_deep()) return too_deep();
  if (b.too_many()) return too_many();
  if (!b.why().empty()) return invalid(b.why(), result.Offset());
  return invalid(clause(rapidjson::GetParseError_En(result.Code())), result.Offset());
}

}  // namespace

std::string read_event_json(std::string_view bytes, EventJson& out, EventReader reader) {
  if (reader == EventReader::BySize)
    reader = bytes.size() < kLargeEventBytes ? EventReader::BoostJson : EventReader::RapidJson;
  EventBuilder builder(out);
  return reader == EventReader::BoostJson ? read_with_boost(bytes, builder) : read_with_rapidjson(bytes, builder);
}

}  // namespace dbguard::protocol
