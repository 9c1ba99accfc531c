// The chain fields of one audit JSON line (a record, or the head file), read
// without building the line's tree: the tail record and the head are read by
// every hook call, and a DOM parse of a record was a tenth of a trivial call's
// instructions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dbguard::audit {

struct ChainFields {
  bool is_object = false;
  // Each set when the line's top-level object has that key and its (last) value
  // has the type the chain uses: an unsigned integer, a string.
  std::optional<std::uint64_t> seq;
  std::optional<std::string> hash, mac;
};

// False when `line` is not one valid JSON document (strict: no comments,
// trailing commas or invalid UTF-8).
bool read_chain_fields(std::string_view line, ChainFields& out);

}  // namespace dbguard::audit
