// libFuzzer target: arbitrary bytes as the audit log an appending hook reads.
// The log is a file an agent could have written to; the hook reads its last
// record (and the head, the same way) to chain the next one. The reader must
// agree with a DOM parse of the line (nlohmann_json, which writes the log) on
// whether it is a record and on its seq and hash, and finding the tail of the
// bytes as a file must take the last line that is one (tests/audit/chain_oracle.h).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "audit/chain_fields.h"
#include "audit/tail.h"
#include "../audit/chain_oracle.h"

namespace {

using dbguard::audit::ChainFields;
using dbguard::audit::oracle::dom_record;

bool sax_record(std::string_view line, std::uint64_t& seq, std::string& hash) {
  ChainFields f;
  if (!dbguard::audit::read_chain_fields(line, f) || !f.is_object || !f.seq || !f.hash) return false;
  seq = *f.seq;
  hash = *f.hash;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The whole input as one line.
  std::uint64_t dseq = 0, sseq = 0;
  std::string dhash, shash;
  const bool dom = dom_record(bytes, dseq, dhash);
  const bool sax = sax_record(bytes, sseq, shash);
  if (dom != sax || (dom && (dseq != sseq || dhash != shash))) std::abort();

  // The input as a log file: the tail found is the last complete line (or the
  // unterminated last line) that is a record, as the DOM reads it.
  int fd = ::memfd_create("audit", 0);
  if (fd < 0) return 0;
  if (size > 0 && ::write(fd, data, size) != static_cast<ssize_t>(size)) {
    ::close(fd);
    return 0;
  }
  dbguard::audit::TailRecord t = dbguard::audit::read_tail(fd, size);
  ::close(fd);
  bool want = false;
  std::uint64_t wseq = 0;
  std::string whash;
  std::size_t end = bytes.size();
  if (end > 0 && bytes.back() == '\n') --end;
  while (true) {
    std::size_t nl = end == 0 ? std::string_view::npos : bytes.rfind('\n', end - 1);
    std::size_t b = nl == std::string_view::npos ? 0 : nl + 1;
    if (end > b && dom_record(bytes.substr(b, end - b), wseq, whash)) {
      want = true;
      break;
    }
    if (nl == std::string_view::npos || nl == 0) break;
    end = nl;
  }
  if (t.found != want || (want && (t.seq != wseq || t.hash != whash))) std::abort();
  return 0;
}
