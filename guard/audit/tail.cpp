#include "audit/tail.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace dbguard::audit {
namespace {

bool parse_record(const std::string& line, TailRecord& out) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("seq") || !j["seq"].is_number_unsigned() || !j.contains("hash") ||
      !j["hash"].is_string())
    return false;
  out.seq = j["seq"].get<std::uint64_t>();
  out.hash = j["hash"].get<std::string>();
  out.found = true;
  return true;
}

}  // namespace

TailRecord read_tail(int fd, std::uint64_t size) {
  TailRecord t;
  if (size == 0) return t;
  std::uint64_t chunk = 8192;
  while (true) {
    std::uint64_t start = size > chunk ? size - chunk : 0;
    std::string buf(static_cast<std::size_t>(size - start), '\0');
    std::size_t got = 0;
    while (got < buf.size()) {
      ssize_t n = ::pread(fd, buf.data() + got, buf.size() - got, static_cast<off_t>(start + got));
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    buf.resize(got);
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
