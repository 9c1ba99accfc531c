#include "audit/chain_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace dbguard::audit {
namespace {

// The hook starts once per tool call: skip reading openssl.cnf, which costs
// more than the hash itself.
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

}  // namespace

std::string chain_hash(std::string_view prev, std::string_view canonical, std::string_view key) {
  init_once();
  std::string msg;
  msg.reserve(prev.size() + 1 + canonical.size());
  msg.append(prev).append("\n").append(canonical);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (key.empty()) {
    if (EVP_Digest(msg.data(), msg.size(), md, &len, EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("SHA-256 failed");
  } else {
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(msg.data()),
              msg.size(), md, &len))
      throw std::runtime_error("HMAC-SHA256 failed");
  }
  return hex(md, len);
}

std::string sha256_hex(std::string_view bytes) {
  init_once();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return hex(md, len);
}

}  // namespace dbguard::audit
