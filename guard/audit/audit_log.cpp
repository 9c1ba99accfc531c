#include "audit/audit_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "audit/chain_fields.h"
#include "audit/chain_hash.h"
#include "audit/tail.h"
#include "audit/torn_tail.h"

namespace dbguard::audit {
namespace fs = std::filesystem;
namespace {

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Closes a descriptor (and with it the flock) on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool lock_with_deadline(int fd, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto pause = std::chrono::microseconds(100);
  while (true) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno != EWOULDBLOCK && errno != EINTR) return false;
    if (std::chrono::steady_clock::now() >= deadline) {
      errno = ETIMEDOUT;
      return false;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(5000));
  }
}

bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// `old_size`: the bytes the head file held (read_head_fd).
void write_head(int lock_fd, std::uint64_t seq, const std::string& hash, const std::string& key,
                std::size_t old_size) {
  nlohmann::json head{{"seq", seq}, {"hash", hash}};
  if (!key.empty()) head["mac"] = head_mac(seq, hash, key);
  std::string line = head.dump() + "\n";
  // Overwrite in place, then cut what a longer old head left: the head is never
  // empty, and a same-length head (the usual case) costs the file system no
  // truncate (which dirties the inode even when the size does not change).
  if (::pwrite(lock_fd, line.data(), line.size(), 0) == static_cast<ssize_t>(line.size()) &&
      old_size > line.size()) {
    int ignored = ::ftruncate(lock_fd, static_cast<off_t>(line.size()));
    (void)ignored;
  }
}

// The rotated files PATH.N, by N (higher is newer).
std::vector<std::pair<unsigned long, std::string>> rotated_files(const std::string& path) {
  std::vector<std::pair<unsigned long, std::string>> rotated;
  fs::path p(path);
  std::string prefix = p.filename().string() + ".";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(p.parent_path().empty() ? "." : p.parent_path(), ec)) {
    std::string name = e.path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    std::string num = name.substr(prefix.size());
    if (num.find_first_not_of("0123456789") != std::string::npos || num.size() > 9) continue;
    rotated.emplace_back(std::stoul(num), e.path().string());
  }
  std::sort(rotated.begin(), rotated.end());
  return rotated;
}

// PATH.N with the highest N, or 0 when there is none.
unsigned long highest_rotation(const std::string& path) {
  auto rotated = rotated_files(path);
  return rotated.empty() ? 0 : rotated.back().first;
}

// Bytes [from, to) of a file.
bool read_range(int fd, std::uint64_t from, std::uint64_t to, std::string& out) {
  out.assign(static_cast<std::size_t>(to - from), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(from + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

// Chains `record` after (seq, prev), advances them to it, and returns its line.
std::string chain_line(nlohmann::json record, std::uint64_t& seq, std::string& prev, const std::string& key) {
  record.erase("hash");
  record["seq"] = ++seq;
  record["prev"] = prev;
  record["alg"] = key.empty() ? "sha256" : "hmac-sha256";
  std::size_t hash_at = 0;
  std::string text = canonical(record, &hash_at);
  prev = chain_hash(prev, text, key);
  // Not a second dump of the record (a large command is escaped again
  // character by character): one insertion.
  return with_hash_member(text, hash_at, prev) + "\n";
}

}  // namespace

std::string default_audit_path() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state && *state == '/') return std::string(state) + "/dbguard/audit.jsonl";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/root") + "/.local/state/dbguard/audit.jsonl";
}

std::string lock_path(const std::string& log_path) { return log_path + ".lock"; }

std::vector<std::string> log_files(const std::string& path) {
  auto rotated = rotated_files(path);
  std::vector<std::string> out;
  for (auto& r : rotated) out.push_back(r.second);
  std::error_code ec;
  if (fs::exists(path, ec)) out.push_back(path);
  return out;
}

namespace {

// The head file holds one short JSON line; anything this long is not ours.
constexpr std::size_t kHeadMax = 512;

// `bytes`: what the file held, kHeadMax when it may hold more.
bool read_head_fd(int lock_fd, Head& head, std::size_t& bytes) {
  char buf[kHeadMax];
  ssize_t n = ::pread(lock_fd, buf, sizeof buf, 0);
  bytes = n > 0 ? static_cast<std::size_t>(n) : 0;
  if (n <= 0 || bytes == sizeof buf) return false;  // empty, unreadable, or no head of ours
  ChainFields f;
  if (!read_chain_fields(std::string_view(buf, bytes), f) || !f.is_object || !f.seq || !f.hash) return false;
  head.seq = *f.seq;
  head.hash = std::move(*f.hash);
  head.mac = f.mac ? std::move(*f.mac) : std::string();
  return true;
}

}  // namespace

bool read_head(const std::string& log_path, Head& head) {
  int fd = ::open(lock_path(log_path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::size_t ignored = 0;
  bool ok = read_head_fd(fd, head, ignored);
  ::close(fd);
  return ok;
}

std::string head_mac(std::uint64_t seq, const std::string& hash, const std::string& key) {
  // A prefix of its own keeps a head MAC from ever equalling a record hash.
  return chain_hash("dbguard-audit-head", std::to_string(seq) + "\n" + hash, key);
}

bool read_key(const std::string& key_file, std::string& key, std::string& error) {
  int fd = ::open(key_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = errno_text("cannot read the audit key file", key_file);
    return false;
  }
  key.clear();
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 && key.size() < (1u << 16)) key.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.empty()) {
    error = "the audit key file " + key_file + " is empty";
    return false;
  }
  return true;
}

std::string canonical(const nlohmann::json& record_without_hash, std::size_t* hash_at) {
  constexpr auto replace = nlohmann::json::error_handler_t::replace;
  if (!hash_at || !record_without_hash.is_object()) return record_without_hash.dump(-1, ' ', false, replace);
  // Member by member, as dump() writes an object (compact: `{"k":v,"k":v}`), to
  // note where `hash` goes: before the first key that sorts after it.
  std::string out = "{";
  *hash_at = std::string::npos;
  for (auto it = record_without_hash.begin(); it != record_without_hash.end(); ++it) {
    if (*hash_at == std::string::npos && it.key() > "hash") *hash_at = out.size();
    if (out.size() > 1) out += ',';
    out += nlohmann::json(it.key()).dump(-1, ' ', false, replace);
    out += ':';
    out += it.value().dump(-1, ' ', false, replace);
  }
  if (*hash_at == std::string::npos) *hash_at = out.size();
  out += '}';
  return out;
}

std::string with_hash_member(std::string_view canonical_text, std::size_t hash_at, std::string_view hash) {
  const bool first = hash_at == 1;                // no member sorts before it
  const bool only = canonical_text.size() == 2;   // "{}"
  const std::string member = nlohmann::json(hash).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string line;
  line.reserve(canonical_text.size() + member.size() + 10);  // and the caller's newline
  line.append(canonical_text.substr(0, hash_at));
  if (!first) line += ',';
  line.append("\"hash\":").append(member);
  if (first && !only) line += ',';
  line.append(canonical_text.substr(hash_at));
  return line;
}

AppendResult append_record(const AuditConfig& config, nlohmann::json record, int lock_timeout_ms) {
  AppendResult r;
  if (config.path.empty()) {
    r.error = "no audit log path";
    return r;
  }
  std::string key;
  if (!config.key_file.empty() && !read_key(config.key_file, key, r.error)) return r;

  fs::path parent = fs::path(config.path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) {
      r.error = "cannot create " + parent.string() + ": " + ec.message();
      return r;
    }
    ::chmod(parent.c_str(), 0700);
  }

  Fd lock;
  lock.fd = ::open(lock_path(config.path).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock.fd < 0) {
    r.error = errno_text("cannot open", lock_path(config.path));
    return r;
  }
  if (!lock_with_deadline(lock.fd, lock_timeout_ms)) {
    r.error = errno_text("cannot lock", lock_path(config.path));
    return r;
  }

  Fd log;
  log.fd = ::open(config.path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (log.fd < 0) {
    r.error = errno_text("cannot open", config.path);
    return r;
  }
  struct stat st {};
  if (::fstat(log.fd, &st) != 0) {
    r.error = errno_text("cannot stat", config.path);
    return r;
  }

  // The tail: the last record of PATH, or of the newest rotated file when PATH is empty.
  TailRecord tail = read_tail(log.fd, static_cast<std::uint64_t>(st.st_size));
  if (!tail.found) {  // empty, or only a torn line: the chain continues from the newest rotated file
    if (unsigned long n = highest_rotation(config.path)) {
      Fd old;
      old.fd = ::open((config.path + "." + std::to_string(n)).c_str(), O_RDONLY | O_CLOEXEC);
      struct stat ost {};
      if (old.fd >= 0 && ::fstat(old.fd, &ost) == 0) {
        TailRecord older = read_tail(old.fd, static_cast<std::uint64_t>(ost.st_size));
        tail.found = older.found;  // PATH's own torn line is still the one to recover
        tail.seq = older.seq;
        tail.hash = older.hash;
      }
    }
  }
  std::uint64_t seq = tail.found ? tail.seq : 0;
  std::string prev = tail.found ? tail.hash : std::string(kGenesis);
  // Records cut from the end of the log: continue from the head, so the gap stays visible.
  // Read through the lock file already open (and locked) for the append.
  Head head;
  std::size_t head_bytes = 0;
  if (read_head_fd(lock.fd, head, head_bytes) && head.seq > seq) {
    seq = head.seq;
    prev = head.hash;
  }

  // A torn last line (a crash mid-append) stays where it is, terminated, and a
  // chained record that vouches for its bytes goes right after it: verify can
  // then tell a recovered crash from a line edited by hand.
  std::string line;
  if (tail.torn) {
    std::string fragment;
    if (!read_range(log.fd, tail.torn_offset, static_cast<std::uint64_t>(st.st_size), fragment)) {
      r.error = errno_text("cannot read the torn last line of", config.path);
      return r;
    }
    line = chain_line(torn_tail_record(fragment), seq, prev, key);
  }
  line += chain_line(std::move(record), seq, prev, key);
  bool need_newline = tail.unterminated;

  // Not while recovering a torn line: its recovery record must follow it in the same file.
  if (!tail.torn && st.st_size > 0 && static_cast<std::uint64_t>(st.st_size) + line.size() > config.rotate_bytes) {
    std::string rotated = config.path + "." + std::to_string(highest_rotation(config.path) + 1);
    if (::rename(config.path.c_str(), rotated.c_str()) != 0) {
      r.error = errno_text("cannot rotate", config.path);
      return r;
    }
    ::close(log.fd);
    log.fd = ::open(config.path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (log.fd < 0) {
      r.error = errno_text("cannot open", config.path);
      return r;
    }
    need_newline = false;
  }
  if (need_newline) line.insert(line.begin(), '\n');
  if (!write_all(log.fd, line)) {
    r.error = errno_text("cannot write", config.path);
    return r;
  }
  write_head(lock.fd, seq, prev, key, head_bytes);
  r.ok = true;
  r.seq = seq;
  r.hash = prev;
  return r;
}

bool probe_writable(const std::string& path, std::string& error) {
  if (path.empty()) {
    error = "no audit log path";
    return false;
  }
  std::error_code ec;
  if (fs::exists(path, ec)) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
      error = errno_text("cannot open", path);
      return false;
    }
    ::close(fd);
    return true;
  }
  // Not there yet: the nearest existing directory above it must be writable.
  fs::path dir = fs::path(path).parent_path();
  while (!dir.empty() && !fs::exists(dir, ec)) dir = dir.parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec) || ::access(dir.c_str(), W_OK | X_OK) != 0) {
    error = "cannot create " + path + ": " + dir.string() + " is not a writable directory";
    return false;
  }
  return true;
}

}  // namespace dbguard::audit
