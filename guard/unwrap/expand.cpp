#include "unwrap/expand.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>

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

// Bash brace expansion over `text`, where active[i] says the character was
// unquoted (only those braces and commas count). Results are capped: a word
// that would expand past the cap is returned as one run-time word.
constexpr std::size_t kMaxBraceWords = 256;

bool brace_expand(const std::string& text, const std::string& active, std::vector<std::string>& out,
                  std::vector<std::string>* out_active = nullptr) {
  for (std::size_t open = 0; open < text.size(); ++open) {
    if (text[open] != '{' || active[open] != '1') continue;
    int depth = 0;
    std::vector<std::size_t> commas;
    std::size_t close = std::string::npos;
    for (std::size_t i = open; i < text.size(); ++i) {
      if (active[i] != '1') continue;
      if (text[i] == '{') ++depth;
      else if (text[i] == '}' && --depth == 0) { close = i; break; }
      else if (text[i] == ',' && depth == 1) commas.push_back(i);
    }
    if (close == std::string::npos) break;
    std::vector<std::pair<std::string, std::string>> alts;  // text, mask
    std::string body = text.substr(open + 1, close - open - 1);
    if (commas.empty()) {
      auto dots = body.find("..");
      if (dots == std::string::npos || body.size() < 4) continue;
      std::string a = body.substr(0, dots), b = body.substr(dots + 2);
      bool chars = a.size() == 1 && b.size() == 1 && std::isalpha(static_cast<unsigned char>(a[0])) &&
                   std::isalpha(static_cast<unsigned char>(b[0]));
      bool nums = !a.empty() && !b.empty() && a.size() < 9 && b.size() < 9 &&
                  a.find_first_not_of("0123456789", a[0] == '-' ? 1 : 0) == std::string::npos &&
                  b.find_first_not_of("0123456789", b[0] == '-' ? 1 : 0) == std::string::npos &&
                  a != "-" && b != "-";
      if (!chars && !nums) continue;
      long x = chars ? a[0] : std::stol(a), y = chars ? b[0] : std::stol(b);
      if (std::labs(y - x) >= static_cast<long>(kMaxBraceWords)) return false;
      for (long v = x;; v += (y >= x ? 1 : -1)) {
        std::string s = chars ? std::string(1, static_cast<char>(v)) : std::to_string(v);
        alts.emplace_back(s, std::string(s.size(), '0'));
        if (v == y) break;
      }
    } else {
      std::size_t from = open + 1;
      commas.push_back(close);
      for (std::size_t c : commas) {
        alts.emplace_back(text.substr(from, c - from), active.substr(from, c - from));
        from = c + 1;
      }
    }
    std::string pre = text.substr(0, open), pre_m = active.substr(0, open);
    std::string post = text.substr(close + 1), post_m = active.substr(close + 1);
    for (const auto& [alt, mask] : alts) {
      if (!brace_expand(pre + alt + post, pre_m + mask + post_m, out, out_active)) return false;
      if (out.size() > kMaxBraceWords) return false;
    }
    return true;
  }
  out.push_back(text);
  if (out_active) out_active->push_back(active);
  return out.size() <= kMaxBraceWords;
}

void expand_plain(const shell::Word& word, const Scope& scope, bool split, Expansion& out);

// Marks where a run-time part ($X, $(…)) stood in the text brace expansion works
// on: \x01 INDEX \x02, never active, so no brace or comma inside one counts.
constexpr char kPartOpen = '\x01', kPartClose = '\x02';

// One brace alternative back as a word: literal runs (quoted as written) and the
// run-time parts the markers name, expanded like any word, so `{rm,ls} $V`
// gives `rm` and `ls` and `/data/{$X,pg}` gives a run-time word and `/data/pg`.
shell::Word rebuild(const std::string& text, const std::string& active, const std::vector<WordPart>& parts) {
  shell::Word w;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == kPartOpen) {
      std::size_t close = text.find(kPartClose, i);
      w.parts.push_back(parts[std::stoul(text.substr(i + 1, close - i - 1))]);
      i = close + 1;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != kPartOpen && active[j] == active[i]) ++j;
    WordPart lit;
    lit.text = shell::PartText::copy_of(std::string_view(text).substr(i, j - i));
    lit.quoted = active[i] != '1';
    w.parts.push_back(std::move(lit));
    i = j;
  }
  return w;
}

// A word with an unquoted `{`: its brace expansion. Brace expansion comes before
// every other expansion, so run-time parts are carried through as they are.
bool expand_braces(const shell::Word& word, const Scope& scope, Expansion& out) {
  // Most words have no unquoted `{`: nothing to build.
  if (!word.has_unquoted_brace()) return false;
  std::string text, active;
  bool any = false, literal_only = true;
  for (std::size_t k = 0; k < word.parts.size(); ++k) {
    const WordPart& p = word.parts[k];
    if (p.kind != WordPart::Kind::Literal) {
      literal_only = false;
      std::string mark = kPartOpen + std::to_string(k) + kPartClose;
      text += mark;
      active += std::string(mark.size(), '0');
      continue;
    }
    const std::string_view t = p.text;
    if (std::any_of(t.begin(), t.end(), [](char c) { return c == '\x01' || c == '\x02'; }))
      return false;  // cannot carry markers
    text += t;
    active += std::string(t.size(), p.quoted ? '0' : '1');
    any = any || (!p.quoted && t.find('{') != std::string_view::npos);
  }
  if (!any) return false;
  std::vector<std::string> words, masks;
  if (!brace_expand(text, active, words, &masks)) {
    // past the cap: not knowable here
    out.args.push_back(Arg{literal_only || word.source().empty() ? text : std::string(word.source()), true});
    return true;
  }
  if (literal_only) {
    for (auto& w : words) out.args.push_back(Arg{std::move(w), false});
    return true;
  }
  for (std::size_t k = 0; k < words.size(); ++k) expand_plain(rebuild(words[k], masks[k], word.parts), scope, true, out);
  return true;
}

}  // namespace

void expand_word(const shell::Word& word, const Scope& scope, bool split, Expansion& out) {
  if (split && expand_braces(word, scope, out)) return;  // brace expansion applies to command words, not assignments
  expand_plain(word, scope, split, out);
}

namespace {

void expand_plain(const shell::Word& word, const Scope& scope, bool split, Expansion& out) {
  // The word's fields are built in place at the end of out.args (no vector per word).
  const std::size_t first = out.args.size();
  out.args.emplace_back();
  // A word of many parts (a here-document body can hold 200,000) is built in one
  // allocation of about its size: grown by doubling, the text would leave freed
  // copies behind it nearly its own size. Its parts' texts, with room for the `$`,
  // braces and markers around them.
  if (word.parts.size() > 2) {
    std::size_t size = 0;
    for (const WordPart& p : word.parts) size += p.text.size() + 6;
    out.args.back().text.reserve(size);
  }
  bool any_quoted = false;
  bool produced = false;  // saw anything at all (an unquoted empty $X yields no field)
  for (const WordPart& p : word.parts) {
    if (p.quoted) any_quoted = true;
    const std::string_view t = p.text;
    switch (p.kind) {
      case WordPart::Kind::Literal:
        out.args.back().text += t;
        produced = true;
        break;
      case WordPart::Kind::Param: {
        if (out.collect_refs) out.var_refs.emplace_back(t);
        const std::string* value = scope.value(t);
        if (!value) {
          out.args.back().text += '$';
          out.args.back().text += t;
          out.args.back().dynamic = true;
          out.args.back().splits = out.args.back().splits || (split && !p.quoted);
          produced = true;
        } else if (split && !p.quoted) {
          auto parts = split_fields(*value);
          for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i > 0) out.args.emplace_back();
            out.args.back().text += parts[i];
            produced = true;
          }
        } else {
          out.args.back().text += *value;
          produced = true;
        }
        break;
      }
      case WordPart::Kind::ComplexParam: {
        std::size_t n = 0;
        while (n < t.size() && (std::isalnum(static_cast<unsigned char>(t[n])) || t[n] == '_')) ++n;
        if (n > 0 && out.collect_refs) out.var_refs.emplace_back(t.substr(0, n));
        out.args.back().text.append("${").append(t).append("}");
        out.args.back().dynamic = true;
        // "${arr[@]}" yields one word per element even when quoted
        out.args.back().splits = out.args.back().splits || (split && (!p.quoted || t.find("[@]") != std::string_view::npos));
        produced = true;
        break;
      }
      case WordPart::Kind::CommandSub:
        out.substitutions.push_back(p.sub);
        out.args.back().text += "$(…)";
        out.args.back().dynamic = true;
        out.args.back().splits = out.args.back().splits || (split && !p.quoted);
        produced = true;
        break;
      case WordPart::Kind::ProcessSub:
        out.substitutions.push_back(p.sub);
        out.args.back().text += "<(…)";
        out.args.back().dynamic = true;
        produced = true;
        break;
      case WordPart::Kind::Arith:
        out.args.back().text.append("$((").append(t).append("))");
        out.args.back().dynamic = true;
        produced = true;
        break;
    }
  }
  if (!produced && !any_quoted) out.args.resize(first);
}

}  // namespace

Arg expand_single(const shell::Word& word, const Scope& scope, Expansion& out) {
  Expansion local;
  local.collect_refs = out.collect_refs;
  expand_word(word, scope, false, local);
  out.var_refs.insert(out.var_refs.end(), std::make_move_iterator(local.var_refs.begin()),
                      std::make_move_iterator(local.var_refs.end()));
  out.substitutions.insert(out.substitutions.end(), std::make_move_iterator(local.substitutions.begin()),
                           std::make_move_iterator(local.substitutions.end()));
  if (local.args.empty()) return Arg{};
  return std::move(local.args.front());
}

std::vector<std::string> brace_expansions(const std::string& text) {
  if (text.find('{') == std::string::npos) return {text};  // most words: no group
  std::vector<std::string> out;
  if (!brace_expand(text, std::string(text.size(), '1'), out) || out.size() > kMaxBraceWords) {
    out.resize(std::min(out.size(), kMaxBraceWords - 1));
    out.push_back(text);
  }
  return out;
}

}  // namespace dbguard
