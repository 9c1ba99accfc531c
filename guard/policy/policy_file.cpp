#include "policy/policy_file.h"

#include <re2/re2.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <toml++/toml.h>

#include "support/files.h"

namespace dbguard::policy {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxPolicyBytes = 1u << 20;

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

class Reader {
 public:
  Reader(LayerData& out) : out_(out) {}

  void error(const toml::node* n, const std::string& key, const std::string& message) {
    out_.errors.push_back({out_.path, n ? line_of(*n) : 0, key, message});
  }

  Origin origin(const toml::node& n) const { return {out_.layer, out_.path, line_of(n)}; }

  // A path in the file: `~/` is the home directory, relative paths are relative to the file.
  std::string path_value(const std::string& v) const {
    if (v.rfind("~/", 0) == 0) {
      const char* home = std::getenv("HOME");
      return std::string(home ? home : "") + v.substr(1);
    }
    if (!v.empty() && v[0] == '/') return v;
    return (fs::path(out_.path).parent_path() / v).lexically_normal().string();
  }

  bool strings(const toml::node& n, const std::string& key, std::vector<Sourced<std::string>>& dst,
               bool is_path = false) {
    const toml::array* arr = n.as_array();
    if (!arr) {
      error(&n, key, "must be an array of strings");
      return false;
    }
    for (const auto& e : *arr) {
      auto s = e.value<std::string>();
      if (!s) {
        error(&e, key, "must hold only strings");
        return false;
      }
      if (s->empty()) {
        error(&e, key, "holds an empty string");
        return false;
      }
      dst.push_back({is_path ? path_value(*s) : *s, origin(e)});
    }
    return true;
  }

  void production(const toml::table& t) {
    for (const auto& [k, v] : t) {
      std::string key = "production." + std::string(k.str());
      if (k == "hosts") strings(v, key, out_.production.hosts);
      else if (k == "markers") strings(v, key, out_.production.markers);
      else if (k == "scripts") strings(v, key, out_.production.scripts);
      else if (k == "databases") strings(v, key, out_.production.databases);
      else error(&v, key, "unknown key (expected hosts, markers, scripts or databases)");
    }
  }

  // [rules] may be written with quoted ids ("containers.volume-rm" = "ask") or
  // dotted keys (containers.volume-rm = "ask"), which TOML nests: flatten both.
  void rules(const toml::table& t, const std::string& prefix) {
    for (const auto& [k, v] : t) {
      std::string id = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      if (const auto* sub = v.as_table()) {
        rules(*sub, id);
        continue;
      }
      auto s = v.value<std::string>();
      if (!s) {
        error(&v, "rules." + id, "must be a string: \"deny\", \"ask\" or \"allow\"");
        continue;
      }
      if (*s != "deny" && *s != "ask" && *s != "allow") {
        error(&v, "rules." + id, "must be \"deny\", \"ask\" or \"allow\", not \"" + *s + "\"");
        continue;
      }
      out_.rules.push_back({id, {*s, origin(v)}});
    }
  }

  void allow(const toml::node& n) {
    const toml::array* arr = n.as_array();
    if (!arr) {
      error(&n, "allow", "must be an array of tables ([[allow]])");
      return;
    }
    int index = 0;
    for (const auto& e : *arr) {
      ++index;
      std::string key = "allow[" + std::to_string(index) + "]";
      const toml::table* t = e.as_table();
      if (!t) {
        error(&e, key, "must be a table");
        continue;
      }
      AllowEntry a;
      a.origin = origin(e);
      bool ok = true;
      for (const auto& [k, v] : *t) {
        auto s = v.value<std::string>();
        if (k != "command" && k != "pattern" && k != "reason") {
          error(&v, key + "." + std::string(k.str()), "unknown key (expected command, pattern, reason)");
          ok = false;
        } else if (!s) {
          error(&v, key + "." + std::string(k.str()), "must be a string");
          ok = false;
        } else if (k == "command") {
          a.command = *s;
        } else if (k == "pattern") {
          a.pattern = *s;
        } else {
          a.reason = *s;
        }
      }
      if (!ok) continue;
      if (a.command.empty() == a.pattern.empty()) {
        error(&e, key, "needs exactly one of `command` (exact) or `pattern` (RE2, whole segment)");
        continue;
      }
      if (a.reason.empty()) {
        error(&e, key + ".reason", "every [[allow]] entry needs a reason");
        continue;
      }
      if (!a.pattern.empty()) {
        RE2 re(a.pattern, RE2::Quiet);
        if (!re.ok()) {
          error(t->get("pattern"), key + ".pattern", "does not compile: " + re.error());
          continue;
        }
      }
      out_.allow.push_back(std::move(a));
    }
  }

  void packs(const toml::table& t) {
    for (const auto& [k, v] : t) {
      if (k == "extra") strings(v, "packs.extra", out_.extra_packs, true);
      else error(&v, "packs." + std::string(k.str()), "unknown key (expected extra)");
    }
  }

  void audit(const toml::table& t) {
    for (const auto& [k, v] : t) {
      std::string key = "audit." + std::string(k.str());
      if (k == "path" || k == "key_file") {
        auto s = v.value<std::string>();
        if (!s || s->empty()) {
          error(&v, key, "must be a non-empty string (a file path)");
          continue;
        }
        Sourced<std::string> val{path_value(*s), origin(v)};
        (k == "path" ? out_.audit_path : out_.key_file) = val;
      } else if (k == "required" || k == "log_allows") {
        auto b = v.value<bool>();
        if (!v.is_boolean() || !b) {
          error(&v, key, "must be true or false");
          continue;
        }
        (k == "required" ? out_.required : out_.log_allows) = Sourced<bool>{*b, origin(v)};
      } else if (k == "rotate_bytes") {
        auto i = v.value<int64_t>();
        if (!v.is_integer() || !i || *i < 4096) {
          error(&v, key, "must be an integer of at least 4096 (bytes)");
          continue;
        }
        out_.rotate_bytes = Sourced<std::uint64_t>{static_cast<std::uint64_t>(*i), origin(v)};
      } else {
        error(&v, key, "unknown key (expected path, key_file, required, log_allows, rotate_bytes)");
      }
    }
  }

  void document(const toml::table& doc) {
    for (const auto& [k, v] : doc) {
      std::string key(k.str());
      const toml::table* t = v.as_table();
      if (key == "allow") {
        allow(v);
      } else if (!t) {
        error(&v, key, "unknown top-level key (expected [production], [rules], [[allow]], [packs], [audit])");
      } else if (key == "production") {
        production(*t);
      } else if (key == "rules") {
        rules(*t, "");
      } else if (key == "packs") {
        packs(*t);
      } else if (key == "audit") {
        audit(*t);
      } else {
        error(&v, key, "unknown table (expected [production], [rules], [[allow]], [packs], [audit])");
      }
    }
  }

 private:
  LayerData& out_;
};

}  // namespace

LayerData parse_policy_text(const std::string& text, const std::string& path, Layer layer) {
  LayerData out;
  out.layer = layer;
  out.path = path;
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    out.errors.push_back({path, static_cast<int>(e.source().begin.line), "", "invalid TOML: " + std::string(e.description())});
    return out;
  }
  Reader(out).document(doc);
  return out;
}

LayerData parse_policy_file(const std::string& path, Layer layer) {
  std::string text, error;
  // A policy larger than this is not a policy someone wrote by hand: refuse it.
  if (!read_file_bounded(path, kMaxPolicyBytes, text, error)) {
    LayerData out;
    out.layer = layer;
    out.path = path;
    out.errors.push_back({path, 0, "", "cannot be read (" + error + ")"});
    return out;
  }
  return parse_policy_text(text, path, layer);
}

}  // namespace dbguard::policy
