#include "audit/tail.h"

#include <unistd.h>

#include <memory>
#include <string_view>

#include "audit/chain_fields.h"

namespace dbguard::audit {
namespace {

bool parse_record(std::string_view line, TailRecord& out) {
  ChainFields f;
  if (!read_chain_fields(line, f) || !f.is_object || !f.seq || !f.hash) return false;
  out.seq = *f.seq;
  out.hash = std::move(*f.hash);
  out.found = true;
  return true;
}

}  // namespace

TailRecord read_tail(int fd, std::uint64_t size) {
  TailRecord t;
  if (size == 0) return t;
  // A record is usually a few hundred bytes: one page first (read by every hook call).
  std::uint64_t chunk = 4096;
  while (true) {
    std::uint64_t start = size > chunk ? size - chunk : 0;
    const auto want = static_cast<std::size_t>(size - start);
    std::unique_ptr<char[]> storage(new char[want]);  // not zero-filled: pread writes it
    std::size_t got = 0;
    while (got < want) {
      ssize_t n = ::pread(fd, storage.get() + got, want - got, static_cast<off_t>(start + got));
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    const std::string_view buf(storage.get(), got);
    if (buf.empty()) return t;
    t.unterminated = buf.back() != '\n';
    // Walk the complete lines of the chunk from the end.
    std::size_t end = buf.size();
    if (!t.unterminated) --end;  // drop the final newline
    while (true) {
      std::size_t nl = buf.rfind('\n', end == 0 ? std::string::npos : end - 1);
      if (nl == std::string::npos && start > 0) break;  // the line may begin before this chunk
      std::size_t b = nl == std::string::npos ? 0 : nl + 1;
      if (end > b && parse_record(buf.substr(b, end - b), t)) return t;
      if (t.unterminated && end == buf.size()) {  // the unterminated last line did not parse
        t.torn = true;
        t.torn_offset = start + b;
      }
      if (nl == std::string::npos) return t;  // reached the start of the file
      end = nl;
      if (end == 0) return t;
    }
    if (chunk >= size) return t;
    chunk *= 8;
  }
}

}  // namespace dbguard::audit
