#include "support/text.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string_view>

namespace dbguard {

bool only_placeholders(const std::string& text) {
  // One pass, the substitutions' markers stepped over as if erased: the text can be
  // a 4 MiB here-document (a copy erased marker by marker was quadratic, too).
  constexpr std::string_view markers[] = {"$(…)", "<(…)"};
  bool in_var = false;
  for (std::size_t i = 0; i < text.size();) {
    std::string_view rest = std::string_view(text).substr(i);
    auto marker = std::find_if(std::begin(markers), std::end(markers),
                               [&](std::string_view m) { return rest.starts_with(m); });
    if (marker != std::end(markers)) {
      i += marker->size();
      continue;
    }
    char c = text[i++];
    if (c == '$') {
      in_var = true;
      continue;
    }
    if (in_var && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '{' || c == '}')) continue;
    in_var = false;
    if (std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string cut_text(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // not inside a character
  return std::string(text.substr(0, end)) + "…";
}

std::string printable(std::string s) {
  for (auto& c : s) {
    if (c == '\x1f') c = ' ';
    if (c == '\x1e') c = '~';
  }
  return s;
}

}  // namespace dbguard
