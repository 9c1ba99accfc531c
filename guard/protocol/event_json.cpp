#include "protocol/event_json.h"

#include <charconv>
#include <cmath>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>

namespace dbguard::protocol {
namespace {

namespace bj = boost::json;
using Json = nlohmann::json;

enum class Field { Other, ToolName, ToolInput, Cwd, SessionId, ToolUseId, HookEventName };

Field field_named(std::string_view key, bool read_ids) {
  if (key == "tool_name") return Field::ToolName;
  if (key == "tool_input") return Field::ToolInput;
  if (key == "cwd") return Field::Cwd;
  if (key == "session_id") return read_ids ? Field::SessionId : Field::Other;
  if (key == "tool_use_id") return read_ids ? Field::ToolUseId : Field::Other;
  if (key == "hook_event_name") return Field::HookEventName;
  return Field::Other;
}

// basic_parser's handler. Values inside `tool_input` are built as nlohmann_json
// (what the engine and the audit record read), with an explicit stack of the
// open containers, as nlohmann's own DOM parser does.
class EventHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  EventHandler(EventJson& out, std::size_t input_size) : out_(out), input_size_(input_size) {}

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_object_begin(bj::error_code&) { return open(Json::value_t::object); }
  bool on_object_end(std::size_t, bj::error_code&) { return close(); }
  bool on_array_begin(bj::error_code&) { return open(Json::value_t::array); }
  bool on_array_end(std::size_t, bj::error_code&) { return close(); }

  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    if (building() || at_field()) key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code&) {
    if (building()) {
      key_.append(s.data(), s.size());
    } else if (at_field()) {
      key_.append(s.data(), s.size());
      field_ = field_named(key_, out_.read_ids);
      key_.clear();
    }
    return true;
  }

  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    if (!keeps_value()) return true;
    // A long string comes in parts of a few KiB. Grown by doubling, a 1 MiB command
    // was copied a dozen times, each into fresh pages; no string is longer than the
    // input, and room not written to costs no memory.
    if (text_.empty()) text_.reserve(input_size_);
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
    if (!keeps_value()) return true;
    // One copy of the text (a 1 MiB command is copied once, not byte by byte).
    std::string v = text_.empty() ? std::string(s.data(), s.size()) : std::move(text_.append(s.data(), s.size()));
    text_.clear();
    // One of many long strings (a MultiEdit's) keeps no room for the whole input.
    if (v.capacity() > 2 * v.size() + 65536) v.shrink_to_fit();
    if (building() || field_ == Field::ToolInput) add(Json(std::move(v)));
    else set_field(std::move(v));
    return true;
  }

  bool on_number_part(bj::string_view s, bj::error_code&) {
    if (keeps_value()) number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, bj::string_view, bj::error_code&) {
    number_.clear();
    // nlohmann_json reads a non-negative integer as unsigned: kept so for the record.
    return scalar(i >= 0 ? Json(static_cast<std::uint64_t>(i)) : Json(i));
  }
  bool on_uint64(std::uint64_t u, bj::string_view, bj::error_code&) {
    number_.clear();
    return scalar(Json(u));
  }
  bool on_double(double d, bj::string_view s, bj::error_code& ec) {
    // Past a double's range: refused, as before (JSON.parse would read Infinity).
    if (!std::isfinite(d)) {
      ec = bj::error::exponent_overflow;
      return false;
    }
    if (keeps_value()) {
      // Boost 1.81 may be one unit off in the last place; the record shows the number as sent.
      number_.append(s.data(), s.size());
      double exact = d;
      auto r = std::from_chars(number_.data(), number_.data() + number_.size(), exact);
      if (r.ec == std::errc()) d = exact;
    }
    number_.clear();
    return scalar(Json(d));
  }
  bool on_bool(bool b, bj::error_code&) { return scalar(Json(b)); }
  bool on_null(bj::error_code&) { return scalar(Json(nullptr)); }
  // Comments are refused by the parse options; never called.
  bool on_comment_part(bj::string_view, bj::error_code&) { return false; }
  bool on_comment(bj::string_view, bj::error_code&) { return false; }

 private:
  // Inside `tool_input`'s tree.
  bool building() const { return !stack_.empty(); }
  // Directly in the root object: the value of a top-level field.
  bool at_field() const { return out_.root_is_object && depth_ == 1; }
  bool keeps_value() const { return building() || (at_field() && field_ != Field::Other); }

  // A new value: into `tool_input`'s tree, as `tool_input`, or nowhere (null).
  Json* add(Json v) {
    if (building()) {
      Json& parent = *stack_.back();
      if (parent.is_array()) {
        parent.push_back(std::move(v));
        return &parent.back();
      }
      Json& slot = parent[key_];  // a key given twice keeps its last value
      key_.clear();
      slot = std::move(v);
      return &slot;
    }
    if (at_field() && field_ == Field::ToolInput) {
      out_.tool_input = std::move(v);
      return &*out_.tool_input;
    }
    return nullptr;
  }

  bool scalar(Json v) {
    if (building() || (at_field() && field_ == Field::ToolInput)) add(std::move(v));
    else if (at_field()) set_field(std::nullopt);
    return true;
  }

  bool open(Json::value_t type) {
    if (depth_ == 0) {
      out_.root_is_object = type == Json::value_t::object;
    } else if (building() || (at_field() && field_ == Field::ToolInput)) {
      stack_.push_back(add(Json(type)));
    } else if (at_field()) {
      set_field(std::nullopt);
    }
    ++depth_;
    return true;
  }

  bool close() {
    --depth_;
    if (building()) stack_.pop_back();
    return true;
  }

  void set_field(std::optional<std::string> v) {
    auto str = [&]() { return v ? std::move(*v) : std::string(); };
    switch (field_) {
      case Field::ToolName: out_.tool_name = std::move(v); break;
      case Field::Cwd: out_.cwd = str(); break;
      case Field::SessionId: out_.session_id = str(); break;
      case Field::ToolUseId: out_.tool_use_id = str(); break;
      case Field::HookEventName: out_.hook_event_name = str(); break;
      case Field::ToolInput:
      case Field::Other: break;
    }
  }

  EventJson& out_;
  std::size_t depth_ = 0;      // containers open
  Field field_ = Field::Other;  // the top-level key being read
  std::vector<Json*> stack_;    // `tool_input`'s open containers
  std::string key_, text_, number_;  // a key, string or number read in parts
  std::size_t input_size_;
};

}  // namespace

std::string read_event_json(std::string_view bytes, EventJson& out) {
  bj::parse_options options;  // strict: no comments, trailing commas or invalid UTF-8
  options.max_depth = kMaxEventDepth;
  bj::basic_parser<EventHandler> parser(options, out, bytes.size());
  bj::error_code ec;
  std::size_t used = parser.write_some(false, bytes.data(), bytes.size(), ec);
  if (ec == bj::error::too_deep)
    return "the event nests deeper than " + std::to_string(kMaxEventDepth) + " levels";
  if (!ec && used != bytes.size()) ec = bj::error::extra_data;
  if (ec) return "stdin is not valid JSON (" + ec.message() + " at byte " + std::to_string(used) + ")";
  return "";
}

}  // namespace dbguard::protocol
