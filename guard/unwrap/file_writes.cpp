#include "unwrap/file_writes.h"

#include <re2/re2.h>

#include <map>
#include <memory>

#include "support/files.h"
#include "unwrap/wrappers.h"

namespace dbguard {
namespace {

// Non-option operands from `from` on (after `--` everything is an operand).
std::vector<const Arg*> operands(const std::vector<Arg>& argv, std::size_t from, std::string_view short_with_value,
                                 const std::vector<std::string_view>& long_with_value) {
  std::vector<const Arg*> out;
  for (std::size_t i = from; i < argv.size();) {
    std::size_t next = skip_options(argv, i, short_with_value, long_with_value);
    if (next != i) {
      i = next;
      continue;
    }
    out.push_back(&argv[i]);
    ++i;
  }
  return out;
}

// DEST of cp/mv/ln/install/rsync: DEST itself, and DEST/basename(SRC) when
// DEST is a directory (or -t DIR names it).
void copy_dest(const std::vector<const Arg*>& ops, const std::string& target_dir, const std::string& cwd,
               std::vector<std::string>& out, DirectoryProbe& dirs) {
  auto add_into = [&](const std::string& dir, const std::vector<const Arg*>& sources) {
    for (const Arg* s : sources) {
      if (s->dynamic) continue;
      std::string base = s->text.substr(s->text.find_last_of('/') == std::string::npos ? 0 : s->text.find_last_of('/') + 1);
      out.push_back(resolve_path(dir, base));
    }
  };
  if (!target_dir.empty()) {
    add_into(resolve_path(cwd, target_dir), ops);
    return;
  }
  if (ops.empty() || ops.back()->dynamic) return;
  std::string dest = resolve_path(cwd, ops.back()->text);
  out.push_back(dest);
  // A long command copies into thousands of destinations, mostly under a few
  // directories it creates: DirectoryProbe answers those without a stat each.
  if (ops.size() >= 2 && dirs.is_directory(dest))
    add_into(dest, std::vector<const Arg*>(ops.begin(), ops.end() - 1));
}

}  // namespace

std::string dynamic_target_pattern(const std::string& target, const std::string& cwd) {
  // `..` after a run-time part is not knowable lexically ($D/.. need not be cwd), nor is ~
  if (target.empty() || target.find("..") != std::string::npos || target[0] == '~') return ".*";
  bool leads_dynamic = target[0] == '$' || target.rfind("<(", 0) == 0;
  std::string text = leads_dynamic ? target : normal_path(resolve_path(cwd, target));
  std::string re;
  for (std::size_t i = 0; i < text.size();) {
    static const std::string sub = "$(…)", proc = "<(…)";  // how expand_word shows them
    if (text.compare(i, sub.size(), sub) == 0 || text.compare(i, proc.size(), proc) == 0) {
      re += ".*";
      i += sub.size();
    } else if (text.compare(i, 3, "$((") == 0 || text.compare(i, 2, "${") == 0) {
      char open = text[i + 1] == '{' ? '{' : '(', close = open == '{' ? '}' : ')';
      int level = 0;
      std::size_t j = i + 1;
      for (; j < text.size(); ++j) {
        if (text[j] == open) ++level;
        else if (text[j] == close && --level == 0) break;
      }
      re += ".*";
      i = j + 1;
    } else if (text[i] == '$') {
      std::size_t j = i + 1;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
      if (j == i + 1 && j < text.size()) ++j;  // $1 $@ $$
      re += ".*";
      i = j;
    } else {
      re += RE2::QuoteMeta(std::string(1, text[i]));
      ++i;
    }
  }
  return re + "(?:/.*)?";
}

bool could_be_written(const WrittenFiles& written, const std::string& path, std::size_t seen, std::string* why) {
  if (written.written_within(path, seen)) {
    if (why) *why = "written earlier in this command";
    return true;
  }
  // compiled once per pattern: a call may read many files after many run-time writes
  static std::map<std::string, std::unique_ptr<RE2>> compiled;
  if (compiled.size() > 4096) compiled.clear();
  for (const auto& d : written.dynamic()) {
    if (d.at >= seen) break;
    auto& re = compiled[d.pattern];
    if (!re) re = std::make_unique<RE2>(d.pattern, RE2::Quiet);
    if (!re->ok() || RE2::FullMatch(path, *re)) {
      if (why) *why = "possibly the file `" + d.shown + "` an earlier command in this call writes (its name is only known at run time)";
      return true;
    }
  }
  return false;
}

bool written_earlier(const Invocation& inv, const std::string& path, std::string* why) {
  return inv.written && inv.written_seen > 0 &&
         could_be_written(*inv.written, normal_path(resolve_path(inv.cwd, path)), inv.written_seen, why);
}

std::vector<std::string> files_written(const std::vector<Arg>& argv, const std::string& cwd, DirectoryProbe& dirs,
                                       std::vector<std::string>* dynamic) {
  std::vector<std::string> out;
  if (argv.empty() || argv[0].dynamic) return out;
  std::string_view prog = argv[0].text;  // compared with literals by length first
  auto add = [&](const Arg& a) {
    if (a.dynamic && dynamic) dynamic->push_back(a.text);
    else if (!a.dynamic && !a.text.empty() && a.text != "-") out.push_back(resolve_path(cwd, a.text));
  };
  // value of -X VALUE / -XVALUE / --long VALUE / --long=VALUE
  auto option_values = [&](char short_opt, std::string_view long_opt) {
    std::string lng = "--" + std::string(long_opt);
    for (std::size_t i = 1; i < argv.size(); ++i) {
      const std::string& a = argv[i].text;
      if (a == "--") break;
      if (a == lng && i + 1 < argv.size()) {
        add(argv[++i]);
      } else if (a.rfind(lng + "=", 0) == 0) {
        add(Arg{a.substr(lng.size() + 1), argv[i].dynamic});
      } else if (a.size() > 1 && a[0] == '-' && a[1] != '-') {
        // a cluster (-sSo FILE, -qO FILE, -oFILE): the value follows the option letter
        auto at = a.find(short_opt, 1);
        if (at == std::string::npos) continue;
        if (at + 1 == a.size()) {
          if (i + 1 < argv.size()) add(argv[++i]);
        } else {
          add(Arg{a.substr(at + 1), argv[i].dynamic});
        }
      }
    }
  };
  if (prog == "tee") {
    for (const Arg* a : operands(argv, 1, "", {})) add(*a);
  } else if (prog == "cp" || prog == "mv" || prog == "ln" || prog == "install" || prog == "rsync" || prog == "scp") {
    std::string target_dir;
    for (std::size_t i = 1; i < argv.size(); ++i) {
      const std::string& a = argv[i].text;
      if (a == "-t" && i + 1 < argv.size()) target_dir = argv[i + 1].text;
      else if (a.rfind("--target-directory=", 0) == 0) target_dir = a.substr(19);
    }
    std::string with_value = prog == "install" ? "tmgoS" : prog == "rsync" ? "eBfT" : prog == "scp" ? "cFiJloPS" : "tS";
    auto ops = operands(argv, 1, with_value, {"target-directory", "suffix", "mode", "owner", "group", "rsh", "filter"});
    if (dynamic && target_dir.empty() && !ops.empty() && ops.back()->dynamic) dynamic->push_back(ops.back()->text);
    copy_dest(ops, target_dir, cwd, out, dirs);
  } else if (prog == "sed" || prog == "perl") {
    // sed -i[SUFFIX] [-e SCRIPT]… [SCRIPT] FILE…: every file operand is rewritten in place
    bool in_place = false, explicit_script = false;
    for (std::size_t i = 1; i < argv.size(); ++i) {
      const std::string& a = argv[i].text;
      if (a.rfind("-i", 0) == 0 || a == "--in-place" || a.rfind("--in-place=", 0) == 0 ||
          (a.size() > 1 && a[0] == '-' && a[1] != '-' && a.find('i') != std::string::npos && a.find_first_of("ef") == std::string::npos))
        in_place = true;
      if (a == "-e" || a == "-f" || a == "--expression" || a == "--file" || (prog == "perl" && a.size() > 1 && a[0] == '-' && a.find('e') != std::string::npos)) explicit_script = true;
    }
    if (!in_place) return out;
    auto ops = operands(argv, 1, prog == "sed" ? "ef" : "eEIMm", {"expression", "file"});
    for (std::size_t k = explicit_script ? 0 : 1; k < ops.size(); ++k) add(*ops[k]);
  } else if (prog == "curl") {
    option_values('o', "output");
  } else if (prog == "wget") {
    option_values('O', "output-document");
  } else if (prog == "dd") {
    for (std::size_t i = 1; i < argv.size(); ++i)
      if (argv[i].text.rfind("of=", 0) == 0) add(Arg{argv[i].text.substr(3), argv[i].dynamic});
  }
  return out;
}

}  // namespace dbguard
