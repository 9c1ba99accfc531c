#include "unwrap/interpreters.h"

#include <re2/re2.h>

#include <set>

#include "support/text.h"
#include "unwrap/code_values.h"
#include "unwrap/unwrap.h"
#include "unwrap/wrappers.h"

namespace dbguard {
namespace {

std::string_view language_of(std::string_view prog) {
  if (prog.rfind("python", 0) == 0 || prog == "pypy" || prog == "pypy3") return "python";
  if (prog == "node" || prog == "nodejs" || prog == "bun" || prog == "deno") return "node";
  if (prog == "ruby") return "ruby";
  if (prog == "perl") return "perl";
  if (prog == "php") return "php";
  return "";
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
  std::string_view lang = language_of(argv[0].text);  // a literal: compared by length first
  if (lang.empty()) return std::nullopt;
  if (argv[0].text == "deno") {
    // deno eval [options] CODE; `deno run x.ts` runs a script file, not read (as for node x.js)
    if (argv.size() < 2 || argv[1].text != "eval") return std::nullopt;
    std::size_t k = skip_options(argv, 2, "", {"ext", "config", "import-map", "location", "seed", "cert"});
    if (k >= argv.size()) return std::nullopt;
    return InlineCode{std::string(lang), argv[k].text, "deno eval", argv[k].dynamic && only_placeholders(argv[k].text)};
  }
  std::vector<std::size_t> codes;  // the code's arguments: one, or several (node -e a -e b)
  bool script_named = false;
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
        return InlineCode{std::string(lang), argv[i].text, argv[0].text + " " + a, true};
      codes.push_back(i);
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
  if (!codes.empty()) {
    InlineCode c{std::string(lang), argv[codes[0]].text,
                 argv[0].text + " " + (lang == "python" ? "-c" : lang == "php" ? "-r" : "-e")};
    if (codes.size() > 1) {
      std::size_t size = 0;
      for (std::size_t i : codes) size += argv[i].text.size() + 1;
      c.joined.reserve(size);  // sized once: grown by doubling, it held three times its size
      for (std::size_t i : codes) c.joined.append(argv[i].text).push_back('\n');
    }
    return c;
  }
  if (!script_named && stdin_source.kind == Input::Kind::Text)
    return InlineCode{std::string(lang), stdin_source.content.str(), argv[0].text + " (" + stdin_source.origin + ")"};
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

namespace {

// A run-time value in a command line: a variable the shell only knows at run
// time, so that the shell analysis treats it as it treats `"$X"`.
std::string runtime_word(const CodeValue& v) {
  std::string name;
  for (char c : v.name)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') name += c;
  return "\"$__code_" + (name.empty() ? std::string("value") : name) + "\"";
}

// argv items as a command line: constants quoted, run-time items as run-time words.
std::string command_line(const std::vector<CodeValue>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ' ';
    if (item.list) out += command_line(item.items);
    else out += item.known ? shell_quote_join({item.text}) : runtime_word(item);
  }
  return out;
}

bool keyword_argument(std::string_view a) {
  static const RE2 kw(R"re(^[A-Za-z_]\w*\s*(?:=[^=]|:\s))re");  // shell=True, exception: true
  return RE2::PartialMatch(re2::StringPiece(a.data(), a.size()), kw);
}

// Calls that can only start a process: when what they run is only known at run
// time, that is eval of unknown text. Others (run(), call(), exec() as Python's,
// .exec() on a RegExp) are judged only on what the code says.
bool starts_a_process(const std::string& fn, const std::string& language, bool method) {
  if (fn == "run" || fn == "call") return false;
  if (fn == "exec" || fn == "system") return !method && language != "python";
  return true;
}

}  // namespace

CodeFindings scan_code(const InlineCode& code) {
  CodeFindings out;
  const std::string_view text = code.code();
  CodeScope scope(text, code.language);
  auto offset = [&](re2::StringPiece p) { return static_cast<std::size_t>(p.data() - text.data()); };
  // Calls that start a shell command: a string argument, a list of strings (argv
  // form), or a program followed by its arguments.
  static const RE2 shell_call(
      R"re((\.?)(os\.system|os\.popen|os\.exec[lv]p?e?|subprocess\.[A-Za-z_]+|commands\.getoutput|\bcheck_output|\bcheck_call|\bPopen|\bgetoutput|Bun\.spawnSync|Bun\.spawn|Deno\.run|Deno\.Command|\brun|\bcall|execSync|execFileSync|execFile|spawnSync|spawn|child_process\.exec|\bexec|\bsystem|IO\.popen|Open3\.[a-z0-9_]+|shell_exec|passthru|proc_open)\s*\()re");
  re2::StringPiece in(text.data(), text.size());
  re2::StringPiece dot, fn_piece;
  while (RE2::FindAndConsume(&in, shell_call, &dot, &fn_piece)) {
    std::string fn(fn_piece);
    std::size_t at = offset(fn_piece);
    std::size_t open = offset(in) - 1;
    bool strict = starts_a_process(fn, code.language, !dot.empty());
    std::string origin = code.origin + " " + fn + "()";
    auto args = split_arguments(enclosed(text, open));
    if (args.empty()) continue;
    std::string_view first = args[0];
    // An empty first argument (`execSync(, …)`, a syntax error) evaluates as unknown.
    if (!first.empty() && first.front() == '{') {  // Deno.run({cmd: [...]}), Bun.spawn({cmd: [...]})
      first = object_field(first, "cmd");
      if (first.empty()) continue;
    }
    CodeValue v = scope.evaluate(first, at);
    std::vector<CodeValue> items;
    if (v.list) {
      items = v.items;
    } else if (args.size() > 1 && v.known && v.text.find(' ') == std::string::npos) {
      // spawn('docker', ['volume', 'rm']), system("dropdb", "app"), Deno.Command("dropdb", {args: [...]})
      items.push_back(v);
      for (std::size_t k = 1; k < args.size(); ++k) {
        std::string_view a = args[k];
        if (!a.empty() && a.front() == '{') a = object_field(a, "args");
        if (a.empty() || keyword_argument(a)) continue;
        CodeValue e = scope.evaluate(a, at);
        if (e.list) items.insert(items.end(), e.items.begin(), e.items.end());
        else if (e.known || e.has_text || !e.name.empty()) items.push_back(e);
      }
      if (items.size() == 1) items.clear();
    }
    if (!items.empty()) {
      if (items[0].known && !items[0].list) out.shell.emplace_back(origin, command_line(items));
      else if (strict) out.dynamic_shell.emplace_back(origin, "program only known at run time: " + std::string(first));
      continue;
    }
    if (v.known) {
      out.shell.emplace_back(origin, v.text);
      continue;
    }
    if (strict) out.dynamic_shell.emplace_back(origin, "command line only known at run time: " + std::string(first));
    if (v.has_text) out.shell.emplace_back(origin, v.text);
    for (const auto& l : v.literals) out.shell.emplace_back(origin, l);
  }
  if (code.language == "node") {
    // Bun's and zx's $`…` shell: each ${…} is one argument (escaped), not shell text.
    static const RE2 tagged(R"re((?:^|[^\w$.]|\bBun\.)\$\s*`)re");
    re2::StringPiece tg(text.data(), text.size());
    while (RE2::FindAndConsume(&tg, tagged)) {
      std::size_t open = offset(tg) - 1;
      std::string command;
      std::size_t i = open + 1;
      for (; i < text.size() && text[i] != '`'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          command += text[++i];
        } else if (text.substr(i, 2) == "${") {
          auto inner = enclosed(text, i + 1);
          CodeValue e = scope.evaluate(inner, i);
          command += e.list ? command_line(e.items) : e.known ? shell_quote_join({e.text}) : runtime_word(e);
          i += inner.size() + 2;
        } else {
          command += text[i];
        }
      }
      out.shell.emplace_back(code.origin + " $`…`", command);
      tg = re2::StringPiece(text.data() + std::min(i + 1, text.size()), text.size() - std::min(i + 1, text.size()));
    }
  }
  static const RE2 backticks(R"re(`((?:[^`\\]|\\.)*)`|%x\(([^)]*)\)|%x\{([^}]*)\}|qx\(([^)]*)\)|qx\{([^}]*)\}|qx/([^/]*)/)re");
  if (code.language == "ruby" || code.language == "perl" || code.language == "php") {
    re2::StringPiece bt(text.data(), text.size());
    std::string g[6];
    while (RE2::FindAndConsume(&bt, backticks, &g[0], &g[1], &g[2], &g[3], &g[4], &g[5]))
      for (auto& s : g)
        if (!s.empty()) {
          out.shell.emplace_back(code.origin + " backticks", unescape(s));
          s.clear();
        }
  }
  if (code.language == "ruby" || code.language == "perl") {
    // system "dropdb app", exec "…", system "dropdb", "app", system $cmd: calls without parentheses
    static const RE2 bare_call(R"re(\b(system|exec|spawn)[ \t]+(?:([A-Za-z_]\w*)[ \t]*(?:;|\n|$)|([$@'"][^;\n]*)))re");
    static const RE2 until_tail(R"re((?s)(.*?)\s+(?:or|and|if|unless)\s)re");  // `or die …`, `if …` end the arguments
    re2::StringPiece bc(text.data(), text.size());
    re2::StringPiece fn, name_arg, args_piece;
    while (RE2::FindAndConsume(&bc, bare_call, &fn, &name_arg, &args_piece)) {
      std::string origin = code.origin + " " + std::string(fn);
      re2::StringPiece all = name_arg.empty() ? args_piece : name_arg, head;
      std::string_view args_text(all.data(), all.size());
      if (RE2::PartialMatch(all, until_tail, &head)) args_text = args_text.substr(0, head.size());
      auto args = split_arguments(args_text);
      std::vector<CodeValue> items;
      for (auto a : args) {
        CodeValue e = scope.evaluate(a, offset(fn));
        if (e.list) items.insert(items.end(), e.items.begin(), e.items.end());
        else items.push_back(e);
      }
      if (items.empty()) continue;
      if (items.size() > 1 && items[0].known && items[0].text.find(' ') == std::string::npos) {
        out.shell.emplace_back(origin, command_line(items));
      } else if (items.size() == 1 && items[0].known) {
        out.shell.emplace_back(origin, items[0].text);
      } else {
        out.dynamic_shell.emplace_back(origin, "command only known at run time: " + std::string(args_text));
        if (items[0].has_text) out.shell.emplace_back(origin, items[0].text);
      }
    }
  }
  // SQL passed to a database call: the first argument (inside text(…)/sql(…) wrappers).
  static const RE2 sql_call(
      R"re((?:\.|->)(execute|executemany|executescript|exec_driver_sql|query|exec|raw|prepare|sql|run_sql|execute_sql|do|\$executeRawUnsafe|\$queryRawUnsafe|\$executeRaw|executeRawUnsafe|queryRawUnsafe|none|any|one|many|result|simple_query|batch_execute)\s*\()re");
  // Methods that only ever run SQL: a run-time argument to them is SQL the guard cannot see.
  static const std::set<std::string> sql_only = {"execute", "executemany", "executescript", "exec_driver_sql",
                                                 "query", "run_sql", "execute_sql", "$executeRawUnsafe",
                                                 "$queryRawUnsafe", "executeRawUnsafe", "queryRawUnsafe",
                                                 "simple_query", "batch_execute"};
  static const RE2 wrapper(R"re(^[A-Za-z_.]+\s*\()re");
  re2::StringPiece sq(text.data(), text.size());
  re2::StringPiece method;
  while (RE2::FindAndConsume(&sq, sql_call, &method)) {
    std::string fn(method);
    std::string origin = code.origin + " ." + fn + "()";
    std::size_t open = offset(sq) - 1;
    auto args = split_arguments(enclosed(text, open));
    if (args.empty()) continue;
    std::string_view first = args[0];
    if (RE2::PartialMatch(re2::StringPiece(first.data(), first.size()), wrapper) && first.back() == ')') {
      auto inner = split_arguments(enclosed(first, first.find('(')));  // text("…"), sql.SQL("…")
      if (inner.size() == 1 && enclosed(first, first.find('(')).size() + first.find('(') + 2 == first.size()) first = inner[0];
    }
    CodeValue v = scope.evaluate(first, open);
    if (v.list) continue;
    if (v.known || v.has_text) out.sql.emplace_back(origin, v.text);
    for (const auto& l : v.literals) out.sql.emplace_back(origin, l);
    if (!v.known && !v.has_text && v.literals.empty() && sql_only.count(fn))
      out.dynamic_sql.emplace_back(origin, "SQL only known at run time: " + std::string(first));
  }
  if (code.language == "node") {
    // SQL as a tagged template: Prisma's $executeRaw`…`, postgres.js' and Drizzle's sql`…`.
    // Each ${…} is a bound parameter (a value, never SQL text): judged as one ($1).
    static const RE2 sql_tag(R"re((?:^|[^\w$])(\$executeRaw|\$queryRaw|\$executeRawUnsafe|\$queryRawUnsafe|sql)\s*`)re");
    re2::StringPiece st(text.data(), text.size());
    re2::StringPiece tag;
    while (RE2::FindAndConsume(&st, sql_tag, &tag)) {
      std::size_t i = offset(st);
      std::string sql;
      for (; i < text.size() && text[i] != '`'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          sql += text[++i];
        } else if (text.compare(i, 2, "${") == 0) {
          i += enclosed(text, i + 1).size() + 2;
          sql += "$1";
        } else {
          sql += text[i];
        }
      }
      out.sql.emplace_back(code.origin + " " + std::string(tag) + "`…`", sql);
      st = re2::StringPiece(text.data() + std::min(i + 1, text.size()), text.size() - std::min(i + 1, text.size()));
    }
  }
  return out;
}

}  // namespace dbguard
