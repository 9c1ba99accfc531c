#include "audit/chain_fields.h"

#include <limits>

#include <boost/json/basic_parser_impl.hpp>

namespace dbguard::audit {
namespace {

namespace bj = boost::json;

enum class Key { Other, Seq, Hash, Mac };

// basic_parser's handler: follows the depth, keeps the values of the three keys
// of the top-level object (a key given twice keeps its last value, as a DOM
// parse does) and skips everything else.
class ChainHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  explicit ChainHandler(ChainFields& out) : out_(out) {}

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_object_begin(bj::error_code&) {
    if (depth_ == 0) out_.is_object = true;
    else other_value();
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, bj::error_code&) { return close(); }
  bool on_array_begin(bj::error_code&) {
    other_value();
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t, bj::error_code&) { return close(); }

  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    if (depth_ == 1) part_.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code&) {
    if (depth_ != 1) return true;
    part_.append(s.data(), s.size());
    key_ = part_ == "seq" ? Key::Seq : part_ == "hash" ? Key::Hash : part_ == "mac" ? Key::Mac : Key::Other;
    part_.clear();
    return true;
  }

  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    if (at_chain_key()) part_.append(s.data(), s.size());
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
    if (!at_chain_key()) return true;
    part_.append(s.data(), s.size());
    other_value();  // a string seq is no seq
    if (key_ == Key::Hash) out_.hash = std::move(part_);
    if (key_ == Key::Mac) out_.mac = std::move(part_);
    part_.clear();
    return true;
  }

  bool on_number_part(bj::string_view, bj::error_code&) { return true; }
  bool on_int64(std::int64_t i, bj::string_view text, bj::error_code&) {
    // A non-negative integer is unsigned, as nlohmann_json (which writes the log) reads it; -0 is not.
    if (i >= 0 && !(text.size() > 0 && text[0] == '-')) unsigned_value(static_cast<std::uint64_t>(i));
    else other_value();
    return true;
  }
  bool on_uint64(std::uint64_t u, bj::string_view, bj::error_code&) {
    unsigned_value(u);
    return true;
  }
  bool on_double(double, bj::string_view, bj::error_code&) { return scalar(); }
  bool on_bool(bool, bj::error_code&) { return scalar(); }
  bool on_null(bj::error_code&) { return scalar(); }
  // Comments are refused by the parse options; never called.
  bool on_comment_part(bj::string_view, bj::error_code&) { return false; }
  bool on_comment(bj::string_view, bj::error_code&) { return false; }

 private:
  bool at_chain_key() const { return depth_ == 1 && key_ != Key::Other; }
  bool scalar() {
    other_value();
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  // A value of the wrong type for its key (a key given twice keeps its last value).
  void other_value() {
    if (!at_chain_key()) return;
    if (key_ == Key::Seq) out_.seq.reset();
    if (key_ == Key::Hash) out_.hash.reset();
    if (key_ == Key::Mac) out_.mac.reset();
  }
  void unsigned_value(std::uint64_t u) {
    if (!at_chain_key()) return;
    other_value();
    if (key_ == Key::Seq) out_.seq = u;
  }

  ChainFields& out_;
  std::size_t depth_ = 0;
  Key key_ = Key::Other;
  std::string part_;  // a key or string read in parts
};

}  // namespace

bool read_chain_fields(std::string_view line, ChainFields& out) {
  out = ChainFields{};
  bj::parse_options options;  // strict: no comments, trailing commas or invalid UTF-8
  // A record holds the event's tool_input, nested as deep as the event was; the
  // parser keeps its own stack (no recursion).
  options.max_depth = std::numeric_limits<std::size_t>::max();
  bj::basic_parser<ChainHandler> parser(options, out);
  bj::error_code ec;
  std::size_t used = parser.write_some(false, line.data(), line.size(), ec);
  return !ec && used == line.size();
}

}  // namespace dbguard::audit
