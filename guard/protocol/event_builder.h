// What the event's JSON readers (event_json.cpp) do with what they read, shared by
// both: the top-level string fields the guard reads, and `tool_input` built as
// nlohmann_json (what the engine and the audit record read); every other value is
// dropped.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/event_json.h"

namespace dbguard::protocol {

// A JSON number's text as nlohmann_json reads it: a non-negative integer as
// unsigned, a negative one as signed, any other (or one past 64 bits) as a double,
// exact. False past a double's range (JSON.parse would read Infinity).
bool number_value(std::string_view text, nlohmann::json& out);

class EventBuilder {
 public:
  explicit EventBuilder(EventJson& out) : out_(out) {}

  // Each returns false to stop the reader; why() then says why (too_deep() for
  // nesting past kMaxEventDepth).
  bool open_object() { return open(nlohmann::json::value_t::object); }
  bool open_array() { return open(nlohmann::json::value_t::array); }
  bool close();
  bool key(std::string_view k);
  // Whether a key or string is read at all: a reader that gathers one in parts
  // need not gather what is dropped.
  bool reads_key() const { return building() || at_field(); }
  bool keeps_value() const { return building() || (at_field() && field_ != Field::Other); }
  bool string(std::string v);
  bool number(std::string_view text);  // as written in the JSON (its grammar checked)
  bool boolean(bool b) { return scalar(nlohmann::json(b)); }
  bool null() { return scalar(nlohmann::json(nullptr)); }

  bool too_deep() const { return too_deep_; }
  bool too_many() const { return too_many_; }  // past kMaxToolInputValues
  const std::string& why() const { return why_; }
  void refuse(std::string why) { why_ = std::move(why); }

 private:
  enum class Field { Other, ToolName, ToolInput, Cwd, SessionId, ToolUseId, HookEventName };

  // Inside `tool_input`'s tree.
  bool building() const { return !stack_.empty(); }
  // Directly in the root object: the value of a top-level field.
  bool at_field() const { return out_.root_is_object && depth_ == 1; }
  nlohmann::json* add(nlohmann::json v);
  bool scalar(nlohmann::json v);
  bool open(nlohmann::json::value_t type);
  void set_field(std::optional<std::string> v);

  EventJson& out_;
  std::size_t depth_ = 0;               // containers open
  std::size_t values_ = 0;              // values added to `tool_input`'s tree
  Field field_ = Field::Other;          // the top-level key being read
  std::vector<nlohmann::json*> stack_;  // `tool_input`'s open containers
  std::string key_;                     // the key of the value being read in `tool_input`'s tree
  bool too_deep_ = false;
  bool too_many_ = false;
  std::string why_;
};

// Inline: called for every key and value of every event (a batch reads them by the million).

inline bool EventBuilder::key(std::string_view k) {
  if (building()) {
    key_.assign(k);
  } else if (at_field()) {
    if (k == "tool_name") field_ = Field::ToolName;
    else if (k == "tool_input") field_ = Field::ToolInput;
    else if (k == "cwd") field_ = Field::Cwd;
    else if (k == "session_id") field_ = out_.read_ids ? Field::SessionId : Field::Other;
    else if (k == "tool_use_id") field_ = out_.read_ids ? Field::ToolUseId : Field::Other;
    else if (k == "hook_event_name") field_ = Field::HookEventName;
    else field_ = Field::Other;
  }
  return true;
}

inline bool EventBuilder::string(std::string v) {
  if (!keeps_value()) return true;
  if (building() || field_ == Field::ToolInput) return add(nlohmann::json(std::move(v))) != nullptr;
  set_field(std::move(v));
  return true;
}

inline bool EventBuilder::number(std::string_view text) {
  nlohmann::json v;
  if (!number_value(text, v)) {
    why_ = "a number past a double's range";
    return false;
  }
  return scalar(std::move(v));
}

// Null outside `tool_input`, and past kMaxToolInputValues: the reader stops there.
inline nlohmann::json* EventBuilder::add(nlohmann::json v) {
  if (!building() && !(at_field() && field_ == Field::ToolInput)) return nullptr;
  if (++values_ > kMaxToolInputValues) {
    too_many_ = true;
    return nullptr;
  }
  if (building()) {
    nlohmann::json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    nlohmann::json& slot = parent[key_];  // a key given twice keeps its last value
    slot = std::move(v);
    return &slot;
  }
  out_.tool_input = std::move(v);
  return &*out_.tool_input;
}

inline bool EventBuilder::scalar(nlohmann::json v) {
  if (building() || (at_field() && field_ == Field::ToolInput)) return add(std::move(v)) != nullptr;
  if (at_field()) set_field(std::nullopt);
  return true;
}

inline bool EventBuilder::open(nlohmann::json::value_t type) {
  // Both readers recurse once per level: the bound keeps their stacks small.
  if (depth_ >= kMaxEventDepth) {
    too_deep_ = true;
    return false;
  }
  if (depth_ == 0) {
    out_.root_is_object = type == nlohmann::json::value_t::object;
  } else if (building() || (at_field() && field_ == Field::ToolInput)) {
    nlohmann::json* container = add(nlohmann::json(type));
    if (!container) return false;
    stack_.push_back(container);
  } else if (at_field()) {
    set_field(std::nullopt);
  }
  ++depth_;
  return true;
}

inline bool EventBuilder::close() {
  --depth_;
  if (building()) stack_.pop_back();
  return true;
}

inline void EventBuilder::set_field(std::optional<std::string> v) {
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


}  // namespace dbguard::protocol
