#include "audit/verify.h"

#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "audit/chain_hash.h"
#include "audit/torn_tail.h"
#include "support/files.h"

namespace dbguard::audit {
namespace {

struct Entry {
  std::size_t file = 0;  // index into files
  std::size_t line = 0;
  bool terminated = true;
  bool parsed = false;
  std::string text;  // the line itself, kept only when it is not a record
  nlohmann::json record;
  std::uint64_t seq = 0;
  bool has_chain = false;
};

// A rotated log file holds at most the configured rotation size plus one record.
constexpr std::size_t kMaxLogFileBytes = std::size_t{4} << 30;

bool read_all(const std::string& path, std::string& out) {
  std::string error;
  return read_file_bounded(path, kMaxLogFileBytes, out, error);
}

std::string range(std::uint64_t a, std::uint64_t b) {
  return a == b ? "seq " + std::to_string(a) : "seq " + std::to_string(a) + "–" + std::to_string(b);
}

}  // namespace

VerifyResult verify_chain(const std::string& path, const std::string& key) {
  VerifyResult r;
  std::vector<std::string> files = log_files(path);
  r.files = files.size();
  if (files.empty()) {
    r.file = path;
    r.problem = "no audit log here";
    return r;
  }
  std::vector<Entry> entries;
  for (std::size_t fi = 0; fi < files.size(); ++fi) {
    std::string text;
    if (!read_all(files[fi], text)) {
      r.file = files[fi];
      r.problem = "cannot be read";
      return r;
    }
    std::size_t pos = 0, line = 0;
    while (pos < text.size()) {
      std::size_t nl = text.find('\n', pos);
      Entry e;
      e.file = fi;
      e.line = ++line;
      e.terminated = nl != std::string::npos;
      std::string body = text.substr(pos, e.terminated ? nl - pos : std::string::npos);
      pos = e.terminated ? nl + 1 : text.size();
      // nlohmann_json's parser stops at a NUL byte as at the end of the text, so
      // bytes after one would be outside every check. The guard never writes a
      // NUL (JSON escapes it): a line holding one is no record.
      if (body.find('\0') == std::string::npos) e.record = nlohmann::json::parse(body, nullptr, false);
      e.parsed = e.record.is_object();
      if (!e.parsed) e.text = std::move(body);
      if (e.parsed) {
        const auto& j = e.record;
        e.has_chain = j.contains("seq") && j["seq"].is_number_unsigned() && j.contains("prev") &&
                      j["prev"].is_string() && j.contains("hash") && j["hash"].is_string();
        if (e.has_chain) e.seq = j["seq"].get<std::uint64_t>();
      }
      entries.push_back(std::move(e));
    }
  }
  std::map<std::uint64_t, std::size_t> where;  // seq -> first entry index holding it
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (entries[i].has_chain) where.emplace(entries[i].seq, i);

  auto fail = [&](const Entry& e, std::string problem) {
    r.ok = false;
    r.file = files[e.file];
    r.line = e.line;
    r.problem = std::move(problem);
    return r;
  };
  auto loc = [&](std::size_t i) {
    return (entries[i].file == entries.back().file ? std::string("line ") : files[entries[i].file] + " line ") +
           std::to_string(entries[i].line);
  };

  std::string prev_hash(kGenesis);
  std::uint64_t prev_seq = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    bool last = i + 1 == entries.size();
    if (!e.parsed) {
      // A torn line from a crash that a later append recovered: the next record
      // in the same file vouches for exactly these bytes (and is itself checked
      // by the chain below, so the note cannot be forged without the hash/key).
      if (e.terminated && !last && entries[i + 1].file == e.file && vouches_for(entries[i + 1].record, e.text)) {
        r.recovered.push_back(files[e.file] + ":" + std::to_string(e.line) + " (" + std::to_string(e.text.size()) +
                              " bytes)");
        continue;
      }
      if (!e.terminated && last) return fail(e, "torn last line: an incomplete record (a write was interrupted)");
      if (!e.terminated) return fail(e, "torn record at the end of a rotated file (a write was interrupted)");
      return fail(e, "not a JSON record (corrupted or edited by hand)");
    }
    if (!e.has_chain) return fail(e, "not an audit record: seq, prev or hash missing");
    if (is_torn_tail_record(e.record) &&
        (i == 0 || entries[i - 1].parsed || entries[i - 1].file != e.file || !vouches_for(e.record, entries[i - 1].text)))
      return fail(e, "a torn-tail-recovered record without the torn line it vouches for just before it "
                     "(the fragment was removed or edited)");
    nlohmann::json body = e.record;
    std::string stored = body["hash"].get<std::string>();
    body.erase("hash");
    std::string alg = body.contains("alg") && body["alg"].is_string() ? body["alg"].get<std::string>() : "sha256";
    if (alg == "hmac-sha256" && key.empty())
      return fail(e, "the record is signed with HMAC-SHA256: the audit key file is needed to verify it");
    if (alg != "sha256" && alg != "hmac-sha256") return fail(e, "unknown hash algorithm `" + alg + "`");
    // With a key, the record's own `alg` is not trusted: a plain SHA-256 record
    // is one anybody could have written (a downgrade), so it is a bad line.
    if (!key.empty() && alg != "hmac-sha256")
      return fail(e, "record not signed with the audit key (alg " + alg +
                         " in a keyed chain): forged or written without the key (seq " + std::to_string(e.seq) + ")");
    std::string computed = chain_hash(body["prev"].get<std::string>(), canonical(body), key);
    if (computed != stored) return fail(e, "record modified: its hash does not match its content (seq " +
                                               std::to_string(e.seq) + ")");
    std::uint64_t expect = prev_seq + 1;
    bool file_start = e.line == 1 && i > 0;
    const std::string& prev_field = body["prev"].get_ref<const std::string&>();
    if (e.seq == expect) {
      if (prev_field != prev_hash) {
        if (file_start)
          return fail(e, "chain broken across rotation: prev does not match the last record of " +
                             files[entries[i - 1].file]);
        if (i == 0) return fail(e, "chain broken: the first record does not start from the genesis hash");
        return fail(e, "chain broken: prev does not match the hash of the record before it (" + loc(i - 1) +
                           "): a record was rewritten or inserted");
      }
    } else if (e.seq > expect) {
      auto it = where.find(expect);
      if (it != where.end() && it->second > i)
        return fail(e, "record out of order: seq " + std::to_string(e.seq) + " where seq " + std::to_string(expect) +
                           " belongs (seq " + std::to_string(expect) + " is at " + loc(it->second) + ")");
      std::uint64_t n = e.seq - expect;
      if (i == 0)
        return fail(e, std::to_string(n) + " record(s) deleted before the first line (" + range(expect, e.seq - 1) +
                           " missing)");
      if (file_start)
        return fail(e, "records missing across rotation: " + range(expect, e.seq - 1) + " absent after " +
                           files[entries[i - 1].file] + " (a rotated file deleted or cut?)");
      return fail(e, std::to_string(n) + " record(s) deleted before this line (" + range(expect, e.seq - 1) +
                         " missing)");
    } else {
      auto it = where.find(e.seq);
      std::string first = it != where.end() && it->second < i ? " (seq " + std::to_string(e.seq) + " is at " +
                                                                     loc(it->second) + ")"
                                                               : "";
      return fail(e, "record out of order or duplicated: seq " + std::to_string(e.seq) + " after seq " +
                         std::to_string(prev_seq) + first);
    }
    if (!e.terminated && !last) return fail(e, "record not terminated by a newline in the middle of the log");
    prev_hash = stored;
    prev_seq = e.seq;
    ++r.records;
  }
  Entry end;
  end.file = files.size() - 1;
  end.line = 1;
  for (const auto& e : entries)
    if (e.file == end.file) end.line = e.line + 1;
  Head head;
  bool have_head = read_head(path, head);
  // Without a key the head is a plain file anybody can rewrite together with
  // the log; with a key it carries a MAC, so cutting records off the end and
  // editing the head to match is detected.
  if (!key.empty()) {
    if (!have_head)
      return fail(end, "the signed head in " + lock_path(path) +
                           " is missing: records cut from the end of the log cannot be ruled out");
    if (head.mac.empty() || head.mac != head_mac(head.seq, head.hash, key))
      return fail(end, "the head in " + lock_path(path) + " is not signed with the audit key (edited?)");
  }
  if (have_head && head.seq > prev_seq)
    return fail(end, std::to_string(head.seq - prev_seq) + " record(s) deleted at the end of the log (" +
                         range(prev_seq + 1, head.seq) + " recorded in " + lock_path(path) + " are missing)");
  if (have_head && head.seq == prev_seq && head.hash != prev_hash)
    return fail(end, "the last record does not match the head in " + lock_path(path) +
                         ": the end of the log was rewritten");
  r.ok = true;
  return r;
}

std::string describe(const VerifyResult& r) {
  if (r.ok) {
    std::string out = std::to_string(r.records) + " records, chain intact";
    if (!r.recovered.empty()) {
      out += "; " + std::to_string(r.recovered.size()) + " torn record(s) from a crash recovered, their content lost:";
      for (const auto& where : r.recovered) out += " " + where;
    }
    return out;
  }
  if (r.line == 0) return r.file + ": " + r.problem;
  return r.file + ":" + std::to_string(r.line) + ": " + r.problem;
}

}  // namespace dbguard::audit
