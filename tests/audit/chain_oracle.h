// The audit chain fields as read before the SAX reader: nlohmann_json's DOM
// parser. The oracle of differential tests (chain_fields_test and the
// audit_tail fuzz target): on any line, read_chain_fields must agree with it on
// whether the line is JSON and on seq, hash and mac.
//
// One difference is intended: the DOM parser stops at a NUL byte as at the end
// of the text; a line holding one is no JSON document here (nor, since then, a
// record for `audit verify`).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "audit/chain_fields.h"

namespace dbguard::audit::oracle {

// The fields a DOM parse of `line` gives; `valid`: whether the line is JSON.
inline ChainFields dom_chain_fields(std::string_view line, bool& valid) {
  ChainFields f;
  valid = false;
  if (line.find('\0') != std::string_view::npos) return f;
  auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  valid = !j.is_discarded();
  if (!valid || !j.is_object()) return f;
  f.is_object = true;
  if (j.contains("seq") && j["seq"].is_number_unsigned()) f.seq = j["seq"].get<std::uint64_t>();
  if (j.contains("hash") && j["hash"].is_string()) f.hash = j["hash"].get<std::string>();
  if (j.contains("mac") && j["mac"].is_string()) f.mac = j["mac"].get<std::string>();
  return f;
}

// Whether the line is a record the chain can continue from, as the DOM reads it.
inline bool dom_record(std::string_view line, std::uint64_t& seq, std::string& hash) {
  bool valid = false;
  ChainFields f = dom_chain_fields(line, valid);
  if (!f.is_object || !f.seq || !f.hash) return false;
  seq = *f.seq;
  hash = *f.hash;
  return true;
}

}  // namespace dbguard::audit::oracle
