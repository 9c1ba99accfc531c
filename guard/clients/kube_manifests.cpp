#include "clients/kube_manifests.h"

#include <re2/re2.h>

#include <algorithm>
#include <filesystem>

#include "support/files.h"
#include "unwrap/file_writes.h"

// Manifests are scanned line by line, not parsed: only the `kind:` of each
// document matters, a YAML library would be a new dependency for one field, and
// whatever the scan cannot place (flow style, JSON on one line, a kind nested in
// a List) is counted wherever it appears — it can only over-report.

namespace dbguard::clients {
namespace {

namespace fs = std::filesystem;

bool storage_kind(const std::string& kind) {
  std::string k = kind.ends_with("List") ? kind.substr(0, kind.size() - 4) : kind;
  return k == "PersistentVolumeClaim" || k == "PersistentVolume" || k == "Namespace";
}

struct Reader {
  const Invocation& inv;
  const ManifestLimits& limits;
  ManifestFindings& out;
  std::size_t files = 0;

  bool bounded_read(const std::string& path, const std::string& shown, std::string& text) {
    if (++files > limits.max_files) {
      out.unreadable.push_back("more than " + std::to_string(limits.max_files) + " manifest files");
      return false;
    }
    if (std::string why; written_earlier(inv, path, &why)) {
      out.unreadable.push_back(shown + " is " + why + ": its objects are only known at run time");
      return false;
    }
    std::string error;
    bool too_large = false;
    if (read_file_bounded(path, limits.max_file_bytes, text, error, &too_large)) return true;
    if (too_large) out.oversize.push_back("manifest " + shown + " not read: " + error);
    else out.unreadable.push_back("cannot read manifest " + shown + ": " + error);
    return false;
  }

  void scan(const std::string& text, const std::string& shown) {
    for (auto& s : storage_kinds(text, shown)) out.storage.push_back(std::move(s));
  }

  static bool manifest_name(const fs::path& p) {
    auto ext = p.extension().string();
    return ext == ".yaml" || ext == ".yml" || ext == ".json";
  }

  // -f FILE|DIR: a directory's manifests (and its subdirectories' under -R), as kubectl reads them.
  void filename(const std::string& value, bool recursive) {
    std::string path = resolve_path(inv.cwd, value);
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      std::string text;
      if (bounded_read(path, value, text)) scan(text, value);
      return;
    }
    std::vector<fs::path> found;
    auto add = [&](const fs::directory_entry& e) {
      if (e.is_regular_file(ec) && manifest_name(e.path())) found.push_back(e.path());
    };
    if (recursive) {
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) add(*it);
    } else {
      for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) add(*it);
    }
    if (ec) out.unreadable.push_back("cannot list " + value + ": " + ec.message());
    std::sort(found.begin(), found.end());
    for (const auto& f : found) {
      std::string text;
      std::string shown = (fs::path(value) / f.lexically_relative(path)).string();
      if (bounded_read(f.string(), shown, text)) scan(text, shown);
    }
  }

  // -k DIR: kustomization.yaml's resources (files, directories of other
  // kustomizations); what kustomize would fetch or generate cannot be read.
  void kustomize(const std::string& dir, const std::string& shown, int depth) {
    if (depth > limits.max_depth) {
      out.unreadable.push_back("kustomizations nested deeper than " + std::to_string(limits.max_depth));
      return;
    }
    if (shown.find("://") != std::string::npos || shown.find("?ref=") != std::string::npos ||
        shown.rfind("github.com/", 0) == 0) {
      out.unreadable.push_back("kustomization " + shown + " is remote: its objects are only known when fetched");
      return;
    }
    std::string text, file;
    for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
      std::error_code ec;
      if (fs::exists(fs::path(dir) / name, ec)) {
        file = (fs::path(dir) / name).string();
        break;
      }
    }
    if (file.empty()) {
      out.unreadable.push_back("no kustomization.yaml in " + shown);
      return;
    }
    if (!bounded_read(file, shown + "/" + fs::path(file).filename().string(), text)) return;
    // top-level list keys: resources/bases/components name inputs; generators,
    // transformers and helmCharts make objects only kustomize knows
    static const RE2 key(R"(^([A-Za-z]+)\s*:)");
    static const RE2 item(R"(^\s*-\s*["']?([^"'#\s]+))");
    std::string section;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t nl = text.find('\n', start);
      std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      start = nl == std::string::npos ? text.size() : nl + 1;
      std::string name, entry;
      if (RE2::PartialMatch(line, key, &name)) {
        section = name;
        if (section == "generators" || section == "transformers" || section == "helmCharts" ||
            section == "helmChartInflationGenerator")
          out.unreadable.push_back("kustomization " + shown + " uses " + section +
                                   ": the objects they make are only known to kustomize");
        continue;
      }
      if ((section != "resources" && section != "bases" && section != "components") ||
          !RE2::PartialMatch(line, item, &entry))
        continue;
      std::string path = resolve_path(dir, entry);
      std::string entry_shown = shown + "/" + entry;
      std::error_code ec;
      if (entry.find("://") != std::string::npos || entry.find("?ref=") != std::string::npos)
        out.unreadable.push_back("kustomization resource " + entry + " is remote: its objects are only known when fetched");
      else if (fs::is_directory(path, ec))
        kustomize(path, entry_shown, depth + 1);
      else if (std::string body; bounded_read(path, entry_shown, body))
        scan(body, entry_shown);
    }
  }
};

}  // namespace

std::vector<std::string> storage_kinds(const std::string& text, const std::string& origin) {
  static const RE2 top_kind(R"(^kind\s*:\s*["']?([A-Za-z]+))");
  static const RE2 any_kind(R"(["']?kind["']?\s*:\s*["']?([A-Za-z]+))");
  static const RE2 deletes_claims(R"(["']?whenDeleted["']?\s*:\s*["']?Delete)");
  std::vector<std::string> out;
  // documents: split at `---` lines
  std::vector<std::string> docs(1);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? text.size() : nl + 1;
    if (line.rfind("---", 0) == 0) docs.emplace_back();
    else docs.back() += line + "\n";
  }
  for (const auto& doc : docs) {
    // the document's own kind: a `kind:` line at the left margin
    std::string kind;
    for (std::size_t ls = 0; ls < doc.size() && kind.empty();) {
      std::size_t nl = doc.find('\n', ls);
      RE2::PartialMatch(doc.substr(ls, nl == std::string::npos ? std::string::npos : nl - ls), top_kind, &kind);
      ls = nl == std::string::npos ? doc.size() : nl + 1;
    }
    if (!kind.empty() && kind != "List" && !kind.ends_with("List")) {
      if (storage_kind(kind)) out.push_back(kind + " in " + origin);
      // persistentVolumeClaimRetentionPolicy: deleting the StatefulSet deletes its claims
      else if (kind == "StatefulSet" && RE2::PartialMatch(doc, deletes_claims))
        out.push_back("StatefulSet whose claims go with it (whenDeleted: Delete) in " + origin);
      continue;
    }
    if (!kind.empty() && storage_kind(kind)) {  // PersistentVolumeClaimList and the like
      out.push_back(kind + " in " + origin);
      continue;
    }
    // a List, JSON, flow style: every kind it names counts (List items are deleted too)
    re2::StringPiece input(doc);
    std::string found;
    while (RE2::FindAndConsume(&input, any_kind, &found))
      if (storage_kind(found)) out.push_back(found + " in " + origin);
  }
  return out;
}

ManifestFindings delete_manifests(const Invocation& inv, const ManifestLimits& limits) {
  ManifestFindings out;
  const auto& argv = inv.argv;
  if (argv.empty() || argv[0].dynamic || (argv[0].text != "kubectl" && argv[0].text != "oc")) return out;
  std::size_t verb = 1;
  while (verb < argv.size() && !(argv[verb].text == "delete" && !argv[verb].dynamic)) ++verb;
  if (verb == argv.size()) return out;
  std::vector<Arg> files, kustomizations;
  bool recursive = false;
  for (std::size_t i = verb + 1; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    if (a == "--") break;
    auto value = [&](std::size_t skip) {
      if (a.size() > skip) return Arg{a.substr(skip), argv[i].dynamic};
      return i + 1 < argv.size() ? argv[++i] : Arg{"", true};
    };
    if (a == "--filename") files.push_back(value(a.size()));
    else if (a.rfind("--filename=", 0) == 0) files.push_back(value(11));
    else if (a == "--kustomize") kustomizations.push_back(value(a.size()));
    else if (a.rfind("--kustomize=", 0) == 0) kustomizations.push_back(value(12));
    else if (a == "--recursive" || a == "--recursive=true") recursive = true;
    else if (a.size() > 1 && a[0] == '-' && a[1] != '-') {
      // shorthand flags combine as in kubectl's flag parser: -Rf DIR, -fFILE, -f=FILE
      for (std::size_t k = 1; k < a.size(); ++k) {
        char c = a[k];
        if (c == 'R') recursive = true;
        if (c == 'R' || c == 'A' || c == 'i') continue;  // flags without a value
        if (c == 'f' || c == 'k') {
          std::size_t skip = k + 1 < a.size() && a[k + 1] == '=' ? k + 2 : k + 1;
          (c == 'f' ? files : kustomizations).push_back(value(skip));
        }
        break;  // any other letter takes the rest (or the next word) as its value
      }
    }
  }
  if (files.empty() && kustomizations.empty()) return out;
  out.applies = true;
  Reader r{inv, limits, out};
  for (const auto& f : files) {
    if (f.dynamic) {
      out.unreadable.push_back("manifest named only at run time: " + f.text);
    } else if (f.text.rfind("http://", 0) == 0 || f.text.rfind("https://", 0) == 0) {
      out.unreadable.push_back("manifest " + f.text + " is a URL: its objects are only known when fetched");
    } else if (f.text == "-") {
      const Input& in = inv.stdin_source;
      if (in.kind == Input::Kind::Text && !in.partial) r.scan(in.content, in.origin);
      else if (in.kind == Input::Kind::File) {
        if (std::string text; r.bounded_read(in.content, in.origin, text)) r.scan(text, in.origin);
      } else {
        out.unreadable.push_back("manifest read from stdin (" + (in.origin.empty() ? "the terminal" : in.origin) +
                                 "): its objects are only known at run time");
      }
    } else {
      r.filename(f.text, recursive);
    }
  }
  for (const auto& k : kustomizations) {
    if (k.dynamic) out.unreadable.push_back("kustomization named only at run time: " + k.text);
    else r.kustomize(resolve_path(inv.cwd, k.text), k.text, 0);
  }
  return out;
}

}  // namespace dbguard::clients
