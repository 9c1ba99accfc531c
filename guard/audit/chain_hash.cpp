#include "audit/chain_hash.h"

// OpenSSL 3 marks the low-level SHA256_* calls deprecated in favour of EVP, but
// EVP's first digest fetches the algorithm from the provider (building its name
// map): about 0.8 ms of CPU a process, more than all of a trivial hook call's
// analysis. SHA256_* is the same implementation (same assembly) without the fetch.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace dbguard::audit {
namespace {

// HMAC goes through EVP: skip reading openssl.cnf, which costs more than the hash itself.
void init_once() {
  static const bool done = [] {
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
    return true;
  }();
  (void)done;
}

std::string hex(const unsigned char* md, unsigned len) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 0xf];
  }
  return out;
}

// SHA-256 over the concatenation of `parts`.
std::string sha256_of(std::initializer_list<std::string_view> parts) {
  SHA256_CTX ctx;
  unsigned char md[SHA256_DIGEST_LENGTH];
  if (SHA256_Init(&ctx) != 1) throw std::runtime_error("SHA-256 failed");
  for (auto p : parts)
    if (SHA256_Update(&ctx, p.data(), p.size()) != 1) throw std::runtime_error("SHA-256 failed");
  if (SHA256_Final(md, &ctx) != 1) throw std::runtime_error("SHA-256 failed");
  return hex(md, SHA256_DIGEST_LENGTH);
}

}  // namespace

std::string chain_hash(std::string_view prev, std::string_view canonical, std::string_view key) {
  if (key.empty()) return sha256_of({prev, "\n", canonical});
  init_once();
  std::string msg;
  msg.reserve(prev.size() + 1 + canonical.size());
  msg.append(prev).append("\n").append(canonical);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(msg.data()),
            msg.size(), md, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return hex(md, len);
}

std::string sha256_hex(std::string_view bytes) { return sha256_of({bytes}); }

}  // namespace dbguard::audit
