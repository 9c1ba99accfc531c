#include "support/text.h"

#include <cctype>

namespace dbguard {

bool only_placeholders(const std::string& text) {
  std::string s = text;
  for (const std::string marker : {"$(…)", "<(…)"})
    for (auto p = s.find(marker); p != std::string::npos; p = s.find(marker)) s.erase(p, marker.size());
  bool in_var = false;
  for (char c : s) {
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

}  // namespace dbguard
