#include "protocol/event_builder.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace dbguard::protocol {

using Json = nlohmann::json;

bool number_value(std::string_view text, Json& out) {
  if (text.empty()) return false;
  const char* first = text.data();
  const char* last = first + text.size();
  if (text.find_first_of(".eE") == std::string_view::npos) {
    if (text[0] == '-') {
      std::int64_t i = 0;
      if (auto r = std::from_chars(first, last, i); r.ec == std::errc() && r.ptr == last) {
        out = i == 0 ? Json(std::uint64_t{0}) : Json(i);  // -0 is 0
        return true;
      }
    } else {
      std::uint64_t u = 0;
      if (auto r = std::from_chars(first, last, u); r.ec == std::errc() && r.ptr == last) {
        out = Json(u);
        return true;
      }
    }
  }
  double d = 0;
  auto r = std::from_chars(first, last, d);
  if (r.ec == std::errc::result_out_of_range) {
    // Past a double's range either way: strtod tells which (an underflow is 0, as
    // JSON.parse reads it). The text is ASCII digits, and the guard never sets a
    // locale, so its decimal point is '.'.
    d = std::strtod(std::string(text).c_str(), nullptr);
  } else if (r.ec != std::errc() || r.ptr != last) {
    return false;
  }
  if (!std::isfinite(d)) return false;
  out = Json(d);
  return true;
}

}  // namespace dbguard::protocol
