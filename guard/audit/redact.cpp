#include "audit/redact.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace dbguard::audit {
namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }
bool word_end(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == ';' || c == '|' || c == '&' || c == ')' || c == '(' ||
         c == '<' || c == '>' || c == '`';
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Length of a shell-ish value starting at `p`: a quoted string (with its
// quotes) or an unquoted run up to a word boundary.
std::size_t value_length(std::string_view s, std::size_t p) {
  if (p >= s.size()) return 0;
  char q = s[p];
  if (q == '\'' || q == '"') {
    std::size_t e = p + 1;
    while (e < s.size() && s[e] != q) e += (q == '"' && s[e] == '\\' && e + 1 < s.size()) ? 2 : 1;
    return (e < s.size() ? e + 1 : s.size()) - p;
  }
  std::size_t e = p;
  while (e < s.size() && !word_end(s[e]) && s[e] != '\'' && s[e] != '"') ++e;
  return e - p;
}

struct Span {
  std::size_t begin, end;
  std::string replacement;
};

void assignments(std::string_view s, std::vector<Span>& out) {
  // NAME=VALUE (environment, conninfo, key=value config) with a secret-looking NAME.
  for (std::size_t eq = s.find('='); eq != std::string_view::npos; eq = s.find('=', eq + 1)) {
    std::size_t b = eq;
    while (b > 0 && name_char(s[b - 1])) --b;
    if (b == eq || !is_secret_name(s.substr(b, eq - b))) continue;
    if (eq + 1 < s.size() && s[eq + 1] == '=') continue;  // ==
    std::size_t len = value_length(s, eq + 1);
    if (len > 0) out.push_back({eq + 1, eq + 1 + len, std::string(kRedacted)});
  }
}

void options(std::string_view s, std::vector<Span>& out) {
  // --password VALUE, --password=VALUE, --token VALUE, ...
  for (std::size_t p = s.find("--"); p != std::string_view::npos; p = s.find("--", p + 2)) {
    if (p > 0 && !std::isspace(static_cast<unsigned char>(s[p - 1])) && s[p - 1] != '\'' && s[p - 1] != '"') continue;
    std::size_t e = p + 2;
    while (e < s.size() && name_char(s[e]) && s[e] != '.') ++e;
    if (!is_secret_name(s.substr(p + 2, e - p - 2))) continue;
    if (e < s.size() && s[e] == '=') {
      std::size_t len = value_length(s, e + 1);
      if (len > 0) out.push_back({e + 1, e + 1 + len, std::string(kRedacted)});
      continue;
    }
    std::size_t v = e;
    while (v < s.size() && (s[v] == ' ' || s[v] == '\t')) ++v;
    if (v == e || v >= s.size() || s[v] == '-' || word_end(s[v])) continue;  // a flag without a value
    std::size_t len = value_length(s, v);
    if (len > 0) out.push_back({v, v + len, std::string(kRedacted)});
  }
}

void uris(std::string_view s, std::vector<Span>& out) {
  // scheme://user:password@host → scheme://user:***@host
  for (std::size_t p = s.find("://"); p != std::string_view::npos; p = s.find("://", p + 3)) {
    std::size_t b = p + 3, e = b;
    while (e < s.size() && s[e] != '/' && s[e] != '@' && !word_end(s[e]) && s[e] != '\'' && s[e] != '"') ++e;
    if (e >= s.size() || s[e] != '@') continue;
    // userinfo may itself contain '@' in a badly escaped password: take the last '@' before the host part
    std::size_t at = e;
    for (std::size_t k = e + 1; k < s.size() && s[k] != '/' && !word_end(s[k]) && s[k] != '\'' && s[k] != '"'; ++k)
      if (s[k] == '@') at = k;
    std::size_t colon = s.substr(b, at - b).find(':');
    if (colon == std::string_view::npos) continue;
    out.push_back({b + colon + 1, at, std::string(kRedacted)});
  }
}

void aws_key_ids(std::string_view s, std::vector<Span>& out) {
  // From one 'A' to the next (memchr), not a four-byte comparison at every byte of
  // a long command (the audit record redacts up to 80 KiB of it).
  for (std::size_t p = s.find('A'); p != std::string_view::npos && p + 20 <= s.size(); p = s.find('A', p + 1)) {
    std::string_view pre = s.substr(p, 4);
    if (pre != "AKIA" && pre != "ASIA") continue;
    if (p > 0 && std::isalnum(static_cast<unsigned char>(s[p - 1]))) continue;
    bool ok = true;
    for (std::size_t k = p + 4; k < p + 20 && ok; ++k)
      ok = std::isupper(static_cast<unsigned char>(s[k])) || std::isdigit(static_cast<unsigned char>(s[k]));
    if (!ok || (p + 20 < s.size() && std::isalnum(static_cast<unsigned char>(s[p + 20])))) continue;
    out.push_back({p + 4, p + 20, "****************"});
    p += 19;
  }
}

void bearer(std::string_view s, std::vector<Span>& out) {
  for (std::string_view word : {"Bearer ", "bearer ", "Basic ", "basic "}) {
    for (std::size_t p = s.find(word); p != std::string_view::npos; p = s.find(word, p + 1)) {
      std::size_t v = p + word.size();
      std::size_t e = v;
      while (e < s.size() && !word_end(s[e]) && s[e] != '\'' && s[e] != '"') ++e;
      if (e > v) out.push_back({v, e, std::string(kRedacted)});
    }
  }
}

void mysql_attached_password(std::string_view s, std::vector<Span>& out) {
  // mysql -pSECRET / mariadb -pSECRET (psql's -p is a port: only for MySQL clients)
  if (s.find("mysql") == std::string_view::npos && s.find("mariadb") == std::string_view::npos) return;
  for (std::size_t p = s.find(" -p"); p != std::string_view::npos; p = s.find(" -p", p + 1)) {
    std::size_t v = p + 3;
    if (v >= s.size() || word_end(s[v])) continue;
    std::size_t len = value_length(s, v);
    if (len > 0) out.push_back({v, v + len, std::string(kRedacted)});
  }
}

// The value of the word after `at` (skipping blanks), when there is one.
void next_word_value(std::string_view s, std::size_t at, std::vector<Span>& out) {
  std::size_t v = at;
  while (v < s.size() && (s[v] == ' ' || s[v] == '\t')) ++v;
  if (v == at || v >= s.size() || word_end(s[v])) return;
  std::size_t len = value_length(s, v);
  if (len > 0) out.push_back({v, v + len, std::string(kRedacted)});
}

void configure_set_values(std::string_view s, std::vector<Span>& out) {
  // aws configure set aws_secret_access_key VALUE (also profile.x.aws_session_token):
  // the secret is the positional word after a secret-looking setting name.
  constexpr std::string_view kSet = "configure set ";
  for (std::size_t p = s.find(kSet); p != std::string_view::npos; p = s.find(kSet, p + 1)) {
    std::size_t b = p + kSet.size();
    while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
    std::size_t e = b;
    while (e < s.size() && name_char(s[e])) ++e;
    std::string name = upper(s.substr(b, e - b));
    // aws_access_key_id is an identifier: aws_key_ids masks all but its prefix.
    bool id = name.size() > 3 && name.compare(name.size() - 3, 3, "_ID") == 0;
    if (e > b && !id && is_secret_name(name)) next_word_value(s, e, out);
  }
}

void redis_cli_password(std::string_view s, std::vector<Span>& out) {
  // redis-cli -a PASSWORD (--pass PASSWORD is an ordinary secret option).
  // Only for the Redis clients: -a means something else to most programs.
  if (s.find("redis-cli") == std::string_view::npos && s.find("valkey-cli") == std::string_view::npos &&
      s.find("keydb-cli") == std::string_view::npos)
    return;
  for (std::size_t p = s.find(" -a"); p != std::string_view::npos; p = s.find(" -a", p + 1)) {
    std::size_t e = p + 3;
    if (e < s.size() && (s[e] == ' ' || s[e] == '\t')) next_word_value(s, e, out);
  }
}

}  // namespace

bool is_secret_name(std::string_view name) {
  std::string u = upper(name);
  for (auto& c : u)
    if (c == '-' || c == '.') c = '_';
  for (const char* w : {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY",
                        "CREDENTIAL", "AUTH_KEY", "SESSION_KEY", "CLIENT_KEY", "MASTER_KEY"})
    if (u.find(w) != std::string::npos) return true;
  return u == "PASS" || u == "PGPASS" || u == "PWD_SECRET";
}

std::string redact(std::string_view text) {
  std::vector<Span> spans;
  assignments(text, spans);
  options(text, spans);
  uris(text, spans);
  aws_key_ids(text, spans);
  bearer(text, spans);
  mysql_attached_password(text, spans);
  configure_set_values(text, spans);
  redis_cli_password(text, spans);
  if (spans.empty()) return std::string(text);
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::string out;
  std::size_t at = 0;
  for (const auto& sp : spans) {
    if (sp.begin < at) {  // overlapping: extend the previous redaction
      at = std::max(at, sp.end);
      continue;
    }
    out.append(text.substr(at, sp.begin - at));
    out += sp.replacement;
    at = sp.end;
  }
  out.append(text.substr(at));
  return out;
}

nlohmann::json redact_json(const nlohmann::json& value, int depth) {
  if (value.is_string()) return redact(value.get_ref<const std::string&>());
  if (value.is_structured() && depth >= kMaxRecordDepth) return std::string(kTooDeep);
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : value) out.push_back(redact_json(v, depth + 1));
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (is_secret_name(it.key()) && it.value().is_primitive() && !it.value().is_null())
        out[it.key()] = std::string(kRedacted);
      else
        out[it.key()] = redact_json(it.value(), depth + 1);
    }
    return out;
  }
  return value;
}

}  // namespace dbguard::audit
