// Finding the last record of an audit file without reading all of it.
#pragma once

#include <cstdint>
#include <string>

namespace dbguard::audit {

struct TailRecord {
  bool found = false;        // a complete, parseable record with seq and hash
  std::uint64_t seq = 0;
  std::string hash;
  bool unterminated = false;  // the file does not end with a newline (a torn write)
  // The unterminated last line is not a whole record (a whole record that
  // lacks only its newline is `found` instead): it starts at `torn_offset`.
  bool torn = false;
  std::uint64_t torn_offset = 0;
};

// Reads backwards from `size` in growing chunks until the last record that
// parses is found (a torn last line is skipped).
TailRecord read_tail(int fd, std::uint64_t size);

}  // namespace dbguard::audit
