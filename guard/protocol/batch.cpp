#include "protocol/batch.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "decision/engine.h"
#include "protocol/event.h"
#include "protocol/hook_output.h"
#include "protocol/hook_runner.h"

namespace dbguard::protocol {
namespace {

// Splits the input into lines without ever holding more than `max` bytes of one
// line: the rest of an over-long line is skipped, and the line is reported as such.
class LineReader {
 public:
  explicit LineReader(std::FILE* in) : in_(in), buf_(1u << 20) {
    // From a pipe, a read returns at most what the pipe holds (64 KiB by default)
    // and the reader sleeps whenever it is empty: a larger pipe means fewer of
    // both. Best effort: a pipe that cannot grow is read as it is.
    struct stat st;
    int fd = fileno(in);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) (void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
  }

  // The next line (without its '\n') in `line`. False at end of input.
  bool next(std::string& line, bool& too_long, std::size_t max) {
    line.clear();
    too_long = false;
    bool any = false;
    for (;;) {
      if (pos_ == end_ && !fill()) return any;  // a last line without '\n' still counts
      any = true;
      const char* start = buf_.data() + pos_;
      const void* nl = std::memchr(start, '\n', end_ - pos_);
      std::size_t n = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : end_ - pos_;
      if (!too_long) {
        if (line.size() + n > max) {
          too_long = true;
          std::string().swap(line);
        } else {
          line.append(start, n);
        }
      }
      pos_ += n;
      if (nl) {
        ++pos_;
        return true;
      }
    }
  }

 private:
  bool fill() {
    pos_ = 0;
    end_ = std::fread(buf_.data(), 1, buf_.size(), in_);
    return end_ > 0;
  }

  std::FILE* in_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
};

// An internal error as a deny, without relying on the engine (which may be what failed).
Decision internal_error(const std::string& what) {
  Decision d;
  d.verdict = Verdict::Deny;
  d.findings.push_back({"guard.internal-error", false, "", what, "", ""});
  d.reason = "dbguard blocked this command (rule guard.internal-error): " + what + "\n";
  return d;
}

Decision decide_line(const std::string& line, bool too_long, std::chrono::milliseconds budget) {
  auto start = std::chrono::steady_clock::now();
  Decision d;
  try {
    d = decide_event_bytes(line, too_long);
    if (std::chrono::steady_clock::now() - start > budget)
      d = Engine::embedded().fail_closed(
          "guard.timeout", "",
          "analysing the call took longer than the guard's time budget of " + std::to_string(budget.count()) +
              " ms; the hook would have denied it");
  } catch (const std::exception& e) {
    d = internal_error(e.what());
  } catch (...) {
    d = internal_error("unknown error");
  }
  return d;
}

}  // namespace

BatchStats run_batch(std::FILE* in, std::FILE* out) {
  // Exactly what render_check_json prints for a plain allow (tested to stay so).
  static const std::string kAllowLine = "{\"decision\":\"allow\",\"hard\":false,\"rules\":[],\"reason\":\"\"}\n";
  const std::chrono::milliseconds budget(time_budget_ms());
  BatchStats stats;
  LineReader reader(in);
  std::string line, pending;
  bool too_long = false;
  auto flush = [&] {
    std::fwrite(pending.data(), 1, pending.size(), out);
    pending.clear();
  };
  while (reader.next(line, too_long, kMaxEventBytes)) {
    Decision d = decide_line(line, too_long, budget);
    ++stats.events;
    switch (d.verdict) {
      case Verdict::Allow: ++stats.allowed; break;
      case Verdict::Ask: ++stats.asked; break;
      case Verdict::Deny: ++stats.denied; break;
    }
    if (d.verdict == Verdict::Allow && d.findings.empty()) {
      pending += kAllowLine;
    } else {
      pending += render_check_json(d);
      pending += '\n';
    }
    if (pending.size() >= (64u << 10)) flush();
  }
  flush();
  std::fflush(out);
  return stats;
}

int batch_exit_code(const BatchStats& stats) {
  if (stats.denied) return 2;
  if (stats.asked) return 3;
  return 0;
}

}  // namespace dbguard::protocol
