#include "unwrap/expand.h"

namespace dbguard {
namespace {

using shell::WordPart;

std::vector<std::string> split_fields(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace

void expand_word(const shell::Word& word, const Scope& scope, bool split, Expansion& out) {
  std::vector<Arg> fields(1);
  bool any_quoted = false;
  bool produced = false;  // saw anything at all (an unquoted empty $X yields no field)
  for (const WordPart& p : word.parts) {
    if (p.quoted) any_quoted = true;
    switch (p.kind) {
      case WordPart::Kind::Literal:
        fields.back().text += p.text;
        produced = true;
        break;
      case WordPart::Kind::Param: {
        out.var_refs.push_back(p.text);
        auto it = scope.vars.find(p.text);
        if (it == scope.vars.end()) {
          fields.back().text += "$" + p.text;
          fields.back().dynamic = true;
          produced = true;
        } else if (split && !p.quoted) {
          auto parts = split_fields(it->second);
          for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i > 0) fields.emplace_back();
            fields.back().text += parts[i];
            produced = true;
          }
        } else {
          fields.back().text += it->second;
          produced = true;
        }
        break;
      }
      case WordPart::Kind::ComplexParam: {
        std::size_t n = 0;
        while (n < p.text.size() && (std::isalnum(static_cast<unsigned char>(p.text[n])) || p.text[n] == '_')) ++n;
        if (n > 0) out.var_refs.push_back(p.text.substr(0, n));
        fields.back().text += "${" + p.text + "}";
        fields.back().dynamic = true;
        produced = true;
        break;
      }
      case WordPart::Kind::CommandSub:
        out.substitutions.push_back(p.sub);
        fields.back().text += "$(…)";
        fields.back().dynamic = true;
        produced = true;
        break;
      case WordPart::Kind::ProcessSub:
        out.substitutions.push_back(p.sub);
        fields.back().text += "<(…)";
        fields.back().dynamic = true;
        produced = true;
        break;
      case WordPart::Kind::Arith:
        fields.back().text += "$((" + p.text + "))";
        fields.back().dynamic = true;
        produced = true;
        break;
    }
  }
  if (!produced && !any_quoted) return;
  for (auto& f : fields) out.args.push_back(std::move(f));
}

Arg expand_single(const shell::Word& word, const Scope& scope, Expansion& out) {
  Expansion local;
  expand_word(word, scope, false, local);
  out.var_refs.insert(out.var_refs.end(), local.var_refs.begin(), local.var_refs.end());
  out.substitutions.insert(out.substitutions.end(), local.substitutions.begin(), local.substitutions.end());
  if (local.args.empty()) return Arg{};
  return local.args.front();
}

}  // namespace dbguard
