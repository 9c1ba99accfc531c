#include "match/haystack.h"

namespace dbguard {

std::string canonical_arg(const Arg& a) {
  std::string out;
  out.reserve(a.text.size() + 1);
  if (a.dynamic) out += '\x1e';
  for (char c : a.text) out += (c == ' ' || c == '\t' || c == '\n' || c == '\r') ? '\x1f' : c;
  return out;
}

std::string canonical_line(const std::vector<Arg>& argv) {
  std::string line;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (i) line += ' ';
    line += canonical_arg(argv[i]);
  }
  return line;
}

Haystack build_haystack(const Invocation& inv) {
  Haystack h;
  h.text = canonical_line(inv.argv);
  h.command_end = h.text.size();
  for (const auto& [name, value] : inv.env) h.text += "\n" + name + "=" + canonical_arg(value);
  for (const auto& ref : inv.var_refs) h.text += "\n$" + ref;
  for (const auto& ctx : inv.context) {
    std::string line = ctx;
    for (auto& c : line)
      if (c == '\n' || c == '\r') c = '\x1f';
    h.text += "\n" + line;
  }
  return h;
}

}  // namespace dbguard
