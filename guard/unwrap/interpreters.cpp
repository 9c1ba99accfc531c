#include "unwrap/interpreters.h"

#include <re2/re2.h>

#include "support/text.h"
#include "unwrap/unwrap.h"

namespace dbguard {
namespace {

std::string language_of(const std::string& prog) {
  if (prog.rfind("python", 0) == 0 || prog == "pypy" || prog == "pypy3") return "python";
  if (prog == "node" || prog == "nodejs" || prog == "bun" || prog == "deno") return "node";
  if (prog == "ruby") return "ruby";
  if (prog == "perl") return "perl";
  if (prog == "php") return "php";
  return "";
}

// The string-literal alternatives (Python's triple-quoted first, then single,
// double, backtick-quoted); group per kind.
const char* kLiteral =
    R"re((?:'''((?s:.)*?)'''|"""((?s:.)*?)"""|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`))re";

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Every string literal in `text`, in order.
std::vector<std::string> literals(const std::string& text) {
  static const RE2 lit(kLiteral);
  std::vector<std::string> out;
  re2::StringPiece in(text);
  std::string g[5];
  while (RE2::FindAndConsume(&in, lit, &g[0], &g[1], &g[2], &g[3], &g[4])) {
    std::string value;
    for (auto& s : g)
      if (value.empty() && !s.empty()) value = s;
    out.push_back(unescape(value));
    for (auto& s : g) s.clear();
  }
  return out;
}

bool ends_with_name(const std::string& path, const std::string& name) {
  return path == name || (path.size() > name.size() && path.compare(path.size() - name.size(), name.size(), name) == 0 &&
                          path[path.size() - name.size() - 1] == '/');
}

// Framework consoles that take code on the command line: `manage.py shell -c CODE`
// (Django, Python) and `rails runner CODE` (Ruby; a *.rb file there is a script).
std::optional<InlineCode> framework_code(const std::vector<Arg>& argv) {
  std::size_t at = 0;
  if (argv.size() > 1 && language_of(argv[0].text) == "python") at = 1;
  if (at < argv.size() && (ends_with_name(argv[at].text, "manage.py") || argv[at].text == "django-admin")) {
    for (std::size_t i = at + 1; i < argv.size(); ++i) {
      if (argv[i].text != "shell") continue;
      for (std::size_t k = i + 1; k + 1 < argv.size(); ++k)
        if (argv[k].text == "-c" || argv[k].text == "--command")
          return InlineCode{"python", argv[k + 1].text, argv[at].text + " shell -c",
                            argv[k + 1].dynamic && only_placeholders(argv[k + 1].text)};
      return std::nullopt;
    }
    return std::nullopt;
  }
  std::size_t r = argv.size() > 1 && argv[0].text == "bundle" && argv[1].text == "exec" ? 2 : 0;
  if (r + 2 < argv.size() && ends_with_name(argv[r].text, "rails") && (argv[r + 1].text == "runner" || argv[r + 1].text == "r")) {
    std::size_t k = r + 2;
    while (k < argv.size() && argv[k].text.rfind("-", 0) == 0) k += (argv[k].text == "-e" || argv[k].text == "--environment") ? 2 : 1;
    if (k >= argv.size() || argv[k].text.ends_with(".rb")) return std::nullopt;
    return InlineCode{"ruby", argv[k].text, argv[r].text + " runner", argv[k].dynamic && only_placeholders(argv[k].text)};
  }
  return std::nullopt;
}

}  // namespace

std::optional<InlineCode> inline_code(const std::vector<Arg>& argv, const Input& stdin_source) {
  if (argv.empty() || argv[0].dynamic) return std::nullopt;
  if (auto framework = framework_code(argv)) return framework;
  std::string lang = language_of(argv[0].text);
  if (lang.empty()) return std::nullopt;
  std::string code;
  bool found = false, script_named = false;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    // python3 -Sc CODE: flags without a value clustered before c
    bool python_c = a.size() >= 2 && a[0] == '-' && a[1] != '-' && a.back() == 'c' &&
                    a.find_first_not_of("bBdEhiIOPqsSuvxc", 1) == std::string::npos;
    bool code_flag = (lang == "python" && python_c) || (lang == "node" && (a == "-e" || a == "--eval" || a == "-p" || a == "--print")) ||
                     ((lang == "ruby" || lang == "perl") && a.size() >= 2 && a[0] == '-' && a[1] != '-' &&
                      (a.back() == 'e' || a.back() == 'E')) ||
                     (lang == "php" && a == "-r");
    if (code_flag && i + 1 < argv.size()) {
      ++i;
      if (argv[i].dynamic && only_placeholders(argv[i].text))
        return InlineCode{lang, argv[i].text, argv[0].text + " " + a, true};
      code += argv[i].text + "\n";
      found = true;
      if (lang == "python") break;  // the rest are sys.argv
      continue;
    }
    if (lang == "python" && (a == "-m" || a == "-W" || a == "-X")) {
      if (a == "-m") return std::nullopt;  // a module runs, not inline code
      ++i;
      continue;
    }
    if (!a.empty() && a[0] != '-') {
      script_named = true;
      break;
    }
  }
  if (found) return InlineCode{lang, code, argv[0].text + " " + (lang == "python" ? "-c" : lang == "php" ? "-r" : "-e")};
  if (!script_named && stdin_source.kind == Input::Kind::Text)
    return InlineCode{lang, stdin_source.content, argv[0].text + " (" + stdin_source.origin + ")"};
  return std::nullopt;
}

bool interpreter_reads_stdin(const std::vector<Arg>& argv) {
  if (argv.empty() || argv[0].dynamic || language_of(argv[0].text).empty()) return false;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i].text;
    if (a == "-") return true;
    if (a == "-c" || a == "-e" || a == "-m" || a == "-r" || a == "--eval" || a == "-p" || a == "-E") return false;
    if (!a.empty() && a[0] != '-') return false;  // a script file
  }
  return true;
}

CodeFindings scan_code(const InlineCode& code) {
  CodeFindings out;
  // Calls that start a shell command: a string argument, or a list of strings (argv form).
  static const RE2 shell_call(
      R"re((os\.system|os\.popen|os\.exec[lv]p?e?|subprocess\.[A-Za-z_]+|commands\.getoutput|\bcheck_output|\bcheck_call|\bPopen|\brun|\bcall|\bgetoutput|execSync|execFileSync|execFile|spawnSync|spawn|child_process\.exec|\bexec|\bsystem|IO\.popen|Open3\.[a-z0-9_]+|shell_exec|passthru|proc_open)\s*\(((?:[^()'"`]|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`|\((?:[^()'"]|'[^']*'|"[^"]*")*\))*)\))re");
  static const RE2 backticks(R"re(`((?:[^`\\]|\\.)*)`|%x\(([^)]*)\)|%x\{([^}]*)\}|qx\(([^)]*)\)|qx\{([^}]*)\}|qx/([^/]*)/)re");
  static const RE2 sql_call(
      R"re((?:\.|->)(execute|executemany|executescript|exec_driver_sql|query|exec|raw|prepare|sql|run_sql|execute_sql|do|\$executeRawUnsafe|\$queryRawUnsafe|\$executeRaw|executeRawUnsafe|queryRawUnsafe|none|any|one|many|result|simple_query|batch_execute)\s*\(\s*(?:[A-Za-z_.]+\(\s*)?[rfbu]?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`))re");
  re2::StringPiece in(code.code);
  std::string fn, arg;
  while (RE2::FindAndConsume(&in, shell_call, &fn, &arg)) {
    // A list, or several strings whose first names a program (spawn('docker',
    // ['volume','rm']), system("dropdb", "app")), is an argv; one string is a command line.
    std::size_t first = arg.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    auto parts = literals(arg[first] == '[' ? arg.substr(first, arg.find(']') - first) : arg);
    if (parts.empty()) continue;
    bool argv_form = arg[first] == '[' || (parts.size() > 1 && parts[0].find(' ') == std::string::npos);
    out.shell.emplace_back(code.origin + " " + fn + "()", argv_form ? shell_quote_join(parts) : parts[0]);
  }
  if (code.language == "ruby" || code.language == "perl" || code.language == "php") {
    re2::StringPiece bt(code.code);
    std::string g[6];
    while (RE2::FindAndConsume(&bt, backticks, &g[0], &g[1], &g[2], &g[3], &g[4], &g[5]))
      for (auto& s : g)
        if (!s.empty()) {
          out.shell.emplace_back(code.origin + " backticks", unescape(s));
          s.clear();
        }
  }
  if (code.language == "ruby" || code.language == "perl") {
    // system "dropdb app", exec "…", system "dropdb", "app": calls without parentheses
    static const RE2 bare_call(
        R"re(\b(system|exec|spawn)\s+((?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")(?:\s*,\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))*))re");
    re2::StringPiece bc(code.code);
    std::string args;
    while (RE2::FindAndConsume(&bc, bare_call, &fn, &args)) {
      auto parts = literals(args);
      if (parts.empty()) continue;
      bool argv_form = parts.size() > 1 && parts[0].find(' ') == std::string::npos;
      out.shell.emplace_back(code.origin + " " + fn, argv_form ? shell_quote_join(parts) : parts[0]);
    }
  }
  re2::StringPiece sq(code.code);
  while (RE2::FindAndConsume(&sq, sql_call, &fn, &arg)) {
    auto parts = literals(arg);
    if (!parts.empty()) out.sql.emplace_back(code.origin + " ." + fn + "()", parts[0]);
  }
  return out;
}

}  // namespace dbguard
