// The audit chain's hash: SHA-256 (OpenSSL libcrypto) over the previous
// record's hash and this record's canonical form, or HMAC-SHA256 with a key so
// that someone without the key cannot rewrite the chain and recompute it.
#pragma once

#include <string>
#include <string_view>

namespace dbguard::audit {

constexpr std::string_view kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// Lower-case hex of SHA-256 (empty key) or HMAC-SHA256 (key) over
// `prev` + "\n" + `canonical`.
std::string chain_hash(std::string_view prev, std::string_view canonical, std::string_view key);

// Lower-case hex SHA-256 of arbitrary bytes (cache keys, digests).
std::string sha256_hex(std::string_view bytes);

}  // namespace dbguard::audit
