// The audit log: one JSON line per decision, chained by hash. Appends from
// many hook processes at once are serialised by an exclusive flock on a
// sidecar lock file (PATH.lock): lock, read the tail record's hash, append the
// line with a single write (two lines when a torn last line is recovered
// first), record the head, unlock. The chain never forks
// and lines never interleave. Rotation by size renames PATH to PATH.N (N
// increasing, oldest lowest) under the same lock, and the chain continues into
// the new PATH.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace dbguard::audit {

struct AuditConfig {
  std::string path;                        // the current log file
  std::string key_file;                    // HMAC key; empty: plain SHA-256
  bool required = false;                   // an unwritable log denies every call
  bool log_allows = true;                  // record allow decisions too
  std::uint64_t rotate_bytes = 64u << 20;  // rotate before the file would pass this size
};

// $XDG_STATE_HOME/dbguard/audit.jsonl, else ~/.local/state/dbguard/audit.jsonl.
std::string default_audit_path();

// The lock file beside the log; it also holds the head (last seq and hash), so
// that records deleted from the end of the log are detected.
std::string lock_path(const std::string& log_path);

// Rotated files (PATH.1, PATH.2, …) oldest first, then PATH itself (if present).
std::vector<std::string> log_files(const std::string& path);

struct Head {
  std::uint64_t seq = 0;
  std::string hash;
  std::string mac;  // HMAC-SHA256 of seq and hash under the audit key; empty without a key
};
bool read_head(const std::string& log_path, Head& head);

// The head's HMAC under `key`: without it a keyed chain's head could be edited
// to match a log whose last records were cut off.
std::string head_mac(std::uint64_t seq, const std::string& hash, const std::string& key);

// Reads a key file (trailing newline removed). False with `error` when unreadable or empty.
bool read_key(const std::string& key_file, std::string& key, std::string& error);

struct AppendResult {
  bool ok = false;
  std::string error;
  std::uint64_t seq = 0;
  std::string hash;
};

// Adds seq, alg, prev and hash to `record` and appends it. Waits for the lock
// at most `lock_timeout_ms`. When the log ends in a torn line (a crash
// mid-append), a torn-tail-recovered record is chained before `record`, in the
// same write (torn_tail.h); the result is `record`'s seq and hash.
AppendResult append_record(const AuditConfig& config, nlohmann::json record, int lock_timeout_ms = 3000);

// Whether the log could be appended to, without writing anything.
bool probe_writable(const std::string& path, std::string& error);

// The canonical form a record's hash covers: the record without `hash`,
// compact, keys sorted, invalid UTF-8 replaced. With `hash_at`, a record object
// also gets the offset where its `hash` member goes: after the member it follows
// (1, right after `{`, when it is the first).
std::string canonical(const nlohmann::json& record_without_hash, std::size_t* hash_at = nullptr);

// The line of a record: its canonical text (canonical(record, &hash_at)) with a
// `hash` member in its place, as if the record with `hash` were dumped.
std::string with_hash_member(std::string_view canonical_text, std::size_t hash_at, std::string_view hash);

}  // namespace dbguard::audit
