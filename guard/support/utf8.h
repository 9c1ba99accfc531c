// UTF-8 checked, and invalid UTF-8 made valid for text handed to libraries that
// emit JSON (libpg_query's parse tree): one invalid byte there makes the whole
// tree unreadable, and an unreadable tree must not read as "no statements".
#pragma once

#include <string>
#include <string_view>

namespace dbguard {

// Every byte that does not start a well-formed UTF-8 sequence becomes U+FFFD.
// High-bit bytes stay high-bit bytes, so PostgreSQL's scanner tokenizes the
// result exactly as it would the original (they are identifier characters).
std::string valid_utf8(std::string_view text);

// How many bytes at the start of `text` are well-formed UTF-8 (RFC 3629: no
// overlong forms, surrogates or code points past U+10FFFF): text.size() when all are.
std::size_t valid_utf8_prefix(std::string_view text);

}  // namespace dbguard
