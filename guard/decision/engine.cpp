#include "decision/engine.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <set>
#include <stdexcept>
#include <tuple>

#include "decision/invocation_judge.h"
#include "decision/reason.h"
#include "packs/embedded.h"
#include "policy/apply.h"
#include "policy/self_protection.h"
#include "sql/classify.h"
#include "unwrap/unwrap.h"

namespace dbguard {

namespace {

const policy::ProtectedFiles& protected_files(const EngineOptions& opt) {
  if (opt.protect) return *opt.protect;
  static const policy::ProtectedFiles defaults = policy::ProtectedFiles::from_environment();
  return defaults;
}

}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Allow: return "allow";
    case Verdict::Ask: return "ask";
    case Verdict::Deny: return "deny";
  }
  return "deny";
}

Engine::Lists::Lists(const packs::PackSet& p)
    : sql_clients(p.setting("sql_clients")),
      dynamic_program_candidates(p.setting("dynamic_program_candidates")),
      reach_programs(p.setting("reach_programs")),
      reach_words(p.setting("reach_words")),
      dynamic_arg_candidates(p.setting("dynamic_arg_candidates")),
      whole_config_destroy_rules(p.setting("whole_config_destroy_rules")),
      database_resources(p.setting("database_resources")),
      database_module_words(p.setting("database_module_words")),
      mongo_shells(p.setting("mongo_shells")),
      line_command_clients(p.setting("line_command_clients")) {}

Engine::Engine(const packs::PackSet& packs, std::unique_ptr<Matcher> matcher)
    : packs_(packs), lists_(packs), matcher_(std::move(matcher)) {
  auto strings = [this](std::string_view name) {
    auto list = packs_.setting(name);
    return std::vector<std::string>(list.begin(), list.end());
  };
  unwrap_limits_.trusted_generators = strings("trusted_generators");
  unwrap_limits_.human_gated_scripts = strings("human_gated_scripts");
  unwrap_limits_.container_safe_scripts = strings("container_safe_scripts");
  data_dirs_ = {strings("data_dir_markers"), strings("data_dir_names"), strings("data_name_words"),
                strings("data_file_suffixes"), strings("data_dir_variables")};
}

const Engine& Engine::embedded() {
  static const Engine engine = [] {
    const auto& packs = packs::embedded_packs();
    auto db = packs::embedded_database_image();
    std::string error;
    auto m = Matcher::adopt_embedded(packs, db, error);
    if (!m) throw std::runtime_error(error);
    return Engine(packs, std::move(m));
  }();
  return engine;
}

bool Engine::could_reach(std::string_view text) const {
  // A program that reaches databases or infrastructure, or a name part that suggests it.
  const auto& programs = lists_.reach_programs;
  const auto& words = lists_.reach_words;
  auto in = [](std::span<const std::string_view> v, const std::string& w) { return std::find(v.begin(), v.end(), w) != v.end(); };
  std::string program, part;
  auto flush_part = [&] {
    bool hit = !part.empty() && in(words, part);
    part.clear();
    return hit;
  };
  auto flush_program = [&] {
    bool hit = !program.empty() && in(programs, program);
    program.clear();
    return hit;
  };
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      part += static_cast<char>(std::tolower(u));
      program += c;
      continue;
    }
    if (flush_part()) return true;
    if (c == '_' || c == '-') {
      program += c;
      continue;
    }
    if (flush_program()) return true;
  }
  return flush_part() || flush_program();
}

void Engine::judge_command(std::string_view command, const std::string& cwd, int depth, Decision& d,
                           const EngineOptions& opt) const {
  // The limits hold the packs' lists: copied only when the depth changes them.
  UnwrapLimits deeper;
  if (depth > 0) {
    deeper = unwrap_limits_;
    deeper.max_depth = std::max(0, deeper.max_depth - depth);
  }
  // Each invocation is judged as the walk finds it (its text still in cache, and a
  // long command's invocations never all in memory), into its own lists so that the
  // findings keep their order: the walk's issues, the analyses', self-protection's.
  Decision judged;
  std::vector<Finding> self_protection;
  ContextMarks contexts(*matcher_, packs_);
  // The findings' long texts from COMMAND, lent until the walk is done: a copy made
  // during it was held beside the walk's own (a 4 MiB `docker exec … psql -c` with
  // a DROP held four copies of the command at once).
  std::vector<LentSegment> lent;
  auto judge = [&](const Invocation& inv) {
    InvocationJudge(*this, judged, opt, depth, contexts, &lent, command).judge(inv);
    // The guard protects itself: no command may change its policy, hooks, binary or audit log.
    policy::judge_invocation(protected_files(opt), inv, self_protection);
  };
  // By reference: the lambda's captures would be a heap block in the std::function.
  auto result = unwrap_command(command, cwd, depth > 0 ? deeper : unwrap_limits_, std::ref(judge));
  SharedText kept;  // the findings of one command share its copy
  std::string_view kept_from;
  for (const auto& [i, text] : lent) {
    if (text.data() != kept_from.data() || text.size() != kept_from.size()) {
      kept = std::string(text);
      kept_from = text;
    }
    judged.findings[i].segment = kept;
  }
  if (opt.trace && !result.parsed) d.notes.push_back("shell parse error: " + result.parse_error);
  for (auto& issue : result.issues) {
    if (issue.only_if_reach && !could_reach(issue.segment) && !could_reach(issue.reach_text)) {
      if (opt.trace) d.notes.push_back("not analysable but reaches nothing guarded: " + issue.detail);
      continue;
    }
    // Moved: the segment of a text past a bound is the whole text.
    d.findings.push_back({std::move(issue.rule), false, std::move(issue.segment), std::move(issue.detail), "command line", ""});
  }
  auto append = [](auto& to, auto& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  append(d.findings, judged.findings);
  append(d.findings, self_protection);
  append(d.trace, judged.trace);
  append(d.notes, judged.notes);
}

void Engine::finish(Decision& d) const {
  // one finding per rule, segment and detail, hard ones first; compared in place (a
  // segment may be a whole 4 MiB command: a key made of it was two more copies), the
  // segment last and one the findings share without reading it (a thousand findings
  // on one 4 MiB command read it ten thousand times: 0.6 s)
  struct Before {
    bool operator()(const Finding* a, const Finding* b) const {
      if (int c = a->rule.compare(b->rule)) return c < 0;
      if (int c = a->detail.compare(b->detail)) return c < 0;
      return !a->segment.same_as(b->segment) && a->segment.str() < b->segment.str();
    }
  };
  std::vector<Finding> unique;
  std::set<const Finding*, Before> seen;
  std::vector<bool> first(d.findings.size());
  for (std::size_t i = 0; i < d.findings.size(); ++i) first[i] = seen.insert(&d.findings[i]).second;
  for (std::size_t i = 0; i < d.findings.size(); ++i)
    if (first[i]) unique.push_back(std::move(d.findings[i]));
  std::stable_sort(unique.begin(), unique.end(), [](const Finding& a, const Finding& b) { return a.hard > b.hard; });
  d.findings = std::move(unique);
  d.hard = !d.findings.empty() && d.findings.front().hard;
  d.verdict = d.findings.empty() ? Verdict::Allow : Verdict::Deny;
  d.reason = d.findings.empty() ? "" : render_reason(d, packs_);
}

Decision Engine::decide_command(std::string_view command, const std::string& cwd, const EngineOptions& opt) const {
  Decision d;
  judge_command(command, cwd, 0, d, opt);
  finish(d);
  if (opt.policy) policy::apply(d, *opt.policy, packs_, command);
  return d;
}

Decision Engine::decide_tool(const std::string& tool_name, const nlohmann::json& tool_input, const std::string& cwd,
                             const EngineOptions& opt) const {
  if (tool_name == "Bash") {
    auto command = tool_input.is_object() ? tool_input.find("command") : tool_input.end();
    if (command == tool_input.end() || !command->is_string())
      return fail_closed("guard.no-command", "", "a Bash event without a string `command`");
    // By reference: a command may be megabytes, and the event's copy outlives the decision.
    return decide_command(command->get_ref<const std::string&>(), cwd, opt);
  }
  Decision d;
  if (tool_name.rfind("mcp__", 0) == 0) {
    judge_mcp(tool_name, tool_input, d, opt);
    judge_mcp_shell(tool_name, tool_input, cwd, d, opt);
  }
  policy::judge_tool(protected_files(opt), tool_name, tool_input, cwd, d.findings);  // Write/Edit/Read
  finish(d);
  if (opt.policy) policy::apply(d, *opt.policy, packs_, "");
  return d;
}

Decision Engine::fail_closed(const std::string& rule, const std::string& segment, const std::string& detail) const {
  Decision d;
  d.findings.push_back({rule, false, segment, detail, "hook input", ""});
  finish(d);
  return d;
}

// MCP tools that run shell commands (a shell or terminal server's run_command, exec,
// bash, start_process; any tool of a server named for a shell): the command is judged
// as the Bash tool's would be, in the directory it names. A command given as a list
// of words is quoted back into one; text given for its stdin is fed to it as a heredoc.
void Engine::judge_mcp_shell(const std::string& tool_name, const nlohmann::json& input, const std::string& cwd,
                             Decision& d, const EngineOptions& opt) const {
  if (!input.is_object()) return;
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  auto sep = tool_name.find("__", 5);
  std::string tool = lower(sep == std::string::npos ? tool_name.substr(5) : tool_name.substr(sep + 2));
  std::string server = lower(sep == std::string::npos ? "" : tool_name.substr(5, sep - 5));
  bool runs_shell = false;
  for (const char* w : {"shell", "bash", "terminal", "command", "exec", "run_script", "process"})
    runs_shell = runs_shell || tool.find(w) != std::string::npos;
  for (const char* w : {"shell", "bash", "terminal", "commands"})
    runs_shell = runs_shell || server.find(w) != std::string::npos;
  if (!runs_shell) return;
  std::string dir = cwd;
  for (const char* k : {"cwd", "workdir", "working_directory", "directory"})
    if (input.contains(k) && input[k].is_string() && input[k].get_ref<const std::string&>().rfind('/', 0) == 0) {
      dir = input[k].get<std::string>();
      break;
    }
  std::string stdin_text;
  for (const char* k : {"stdin", "input"})
    if (input.contains(k) && input[k].is_string()) stdin_text = input[k].get<std::string>();
  for (const char* k : {"command", "cmd", "script", "shell_command", "command_line", "commandLine", "cmdline", "argv"}) {
    if (!input.contains(k)) continue;
    const auto& v = input[k];
    std::string command;
    if (v.is_string()) {
      command = v.get<std::string>();
    } else if (v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const auto& w) { return w.is_string(); })) {
      std::vector<std::string> words;
      for (const auto& w : v) words.push_back(w.get<std::string>());
      command = shell_quote_join(words);
    } else {
      continue;
    }
    if (!stdin_text.empty()) {
      std::string end = "DBGUARD_MCP_STDIN";
      while (stdin_text.find(end) != std::string::npos) end += "_";
      command += " <<'" + end + "'\n" + stdin_text + (stdin_text.ends_with("\n") ? "" : "\n") + end + "\n";
    }
    judge_command(command, dir, 0, d, opt);
  }
}

void Engine::judge_mcp(const std::string& tool_name, const nlohmann::json& input, Decision& d,
                       const EngineOptions& opt) const {
  // MCP database tools: every string field is looked at. Fields named for SQL
  // are judged like psql -c; any other field only when PostgreSQL's parser
  // accepts it as SQL (prose that mentions DROP TABLE is not a statement).
  static const std::set<std::string> sql_fields = {"sql", "query", "statement", "statements", "sql_query", "command",
                                                   "migration", "script"};
  std::vector<std::pair<std::string, std::string>> strings;  // field path, value
  bool past_bound = false;
  std::function<void(const nlohmann::json&, const std::string&, int)> collect = [&](const nlohmann::json& j,
                                                                                   const std::string& path, int depth) {
    if (depth > 16 || strings.size() > 1000) {
      past_bound = true;
      return;
    }
    if (j.is_string()) {
      const std::string& s = j.get_ref<const std::string&>();
      // Some servers take their arguments as a JSON text ({"arguments": "{\"sql\": …}"}).
      auto start = s.find_first_not_of(" \t\r\n");
      if (start != std::string::npos && (s[start] == '{' || s[start] == '[')) {
        auto inner = nlohmann::json::parse(s, nullptr, false);
        if (inner.is_structured()) {
          collect(inner, path, depth + 1);
          return;
        }
      }
      strings.emplace_back(path, s);
    } else if (j.is_object())
      for (auto it = j.begin(); it != j.end(); ++it) collect(it.value(), path.empty() ? it.key() : path + "." + it.key(), depth + 1);
    else if (j.is_array())
      for (std::size_t i = 0; i < j.size(); ++i) collect(j[i], path + "[" + std::to_string(i) + "]", depth + 1);
  };
  collect(input, "", 0);
  if (past_bound)  // what was not looked at may hold anything: fail closed
    d.findings.push_back({"guard.too-complex", false, tool_name, "tool input nested deeper than 16 or over 1,000 strings",
                          "MCP tool input", ""});
  // The server's name may say where it points (mcp__prod_db__query).
  std::string production;
  if (auto sep = tool_name.find("__", 5); sep != std::string::npos) {
    std::string server = tool_name.substr(5, sep - 5);
    for (const auto& h : matcher_->scan(server))
      if (packs_.rules[h.rule].kind == packs::RuleKind::Marker) production = "MCP server " + server;
  }
  std::string lower = tool_name;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool named_for_database = false;
  for (const char* w : {"sql", "query", "postgres", "mysql", "database", "supabase", "neon", "migration", "db", "table",
                        "collection", "mongo", "redis", "schema"})
    named_for_database = named_for_database || lower.find(w) != std::string::npos;
  // Text a tool stores or sends (a file's content, an issue's body) is data, not a
  // statement: writing SQL is not running it. A database tool's fields still count.
  static const std::set<std::string> data_fields = {"content", "contents", "body", "text", "description", "title",
                                                    "message", "comment", "notes", "summary", "old_string",
                                                    "new_string", "patch", "diff"};
  bool carries_sql = false;
  for (const auto& [path, value] : strings) {
    std::string key = path.substr(path.find_last_of('.') == std::string::npos ? 0 : path.find_last_of('.') + 1);
    bool named = sql_fields.count(key) > 0;
    if (!named && !named_for_database && data_fields.count(key)) continue;
    // Judged as psql's file would be: a large text (a seed or a dump sent to a
    // database tool) has only its statements that name a destructive keyword parsed.
    // libpg_query's tree of all of a 4 MiB one took 366 MiB and two seconds.
    const bool large = value.size() >= sql::kScriptPrefilterBytes;
    auto verdict = sql::classify_script(value, opt.trace);
    if (!named && !verdict.parsed) {
      // not SQL: it may still name a production host or project
      if (production.empty() && value.size() < 512 && value.find(' ') == std::string::npos)
        for (const auto& h : matcher_->scan(value))
          if (packs_.rules[h.rule].kind == packs::RuleKind::Marker) production = path + "=" + value;
      continue;
    }
    // Its statements are listed only for a trace: a large text judged as SQL carries it.
    carries_sql = carries_sql || large || !verdict.statements.empty();
    if (opt.trace) {
      InvocationTrace t;
      t.invocation.segment = tool_name;
      t.sql.push_back({"MCP field " + path, verdict.statements, verdict.parsed, verdict.parse_error});
      d.trace.push_back(std::move(t));
    }
    for (const auto& f : verdict.findings)
      if (const auto* rule = packs_.find_sql(f.kind))
        d.findings.push_back({std::string(rule->id), rule->severity == packs::Severity::Hard, tool_name + " " + path,
                              f.detail + " — in: " + f.statement, "MCP field " + path, ""});
  }
  judge_mcp_operation(tool_name, input, d, opt);
  if (production.empty()) return;
  // A database tool aimed at production: hard, even for a read.
  for (auto& f : d.findings) {
    f.hard = true;
    f.production = production;
  }
  if (carries_sql || named_for_database)
    if (const auto* rule = packs_.find("production.db-client"))
      d.findings.push_back({std::string(rule->id), true, tool_name, "MCP database tool aimed at production", "MCP input", production});
}

void Engine::judge_mcp_operation(const std::string& tool_name, const nlohmann::json& input, Decision& d,
                                 const EngineOptions& opt) const {
  // mcp__<server>__<tool>: the server's name may itself contain "__"-free underscores.
  std::string rest = tool_name.substr(5);
  auto sep = rest.find("__");
  std::string server = sep == std::string::npos ? rest : rest.substr(0, sep);
  std::string tool = sep == std::string::npos ? "" : rest.substr(sep + 2);
  auto as_call = [&](std::vector<Arg> argv, const std::string& origin) {
    Invocation call;
    call.argv = std::move(argv);
    call.segment = tool_name;
    std::size_t before = d.findings.size();
    ContextMarks none(*matcher_, packs_);  // a tool call has no wrapper
    InvocationJudge(*this, d, opt, 0, none).judge(call);
    for (std::size_t i = before; i < d.findings.size(); ++i) d.findings[i].source = origin;
  };
  // The tool itself (patterns/mcp.toml), with ` filter={}` when a filter is missing or empty.
  std::vector<Arg> argv = {{"mcp-tool", false}, {server, false}, {tool, false}};
  const nlohmann::json* filter = nullptr;
  for (const char* key : {"filter", "query", "where"})
    if (input.is_object() && input.contains(key)) filter = &input[key];
  if (!filter || (filter->is_object() && filter->empty()) || (filter->is_string() && (filter->get<std::string>() == "{}" || filter->get<std::string>().empty())))
    argv.push_back({"filter={}", false});
  as_call(std::move(argv), "MCP tool name");
  // Commands a Redis tool passes through are judged as redis-cli would run them.
  std::string lower = server + " " + tool;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("redis") == std::string::npos || !input.is_object()) return;
  for (const char* key : {"command", "cmd", "args"}) {
    if (!input.contains(key)) continue;
    std::vector<Arg> words = {{"redis-cli", false}};
    auto add_words = [&](const std::string& text) {
      std::size_t i = 0;
      while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        std::size_t j = i;
        while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
        if (j > i) words.push_back({text.substr(i, j - i), false});
        i = j;
      }
    };
    const auto& v = input[key];
    if (v.is_string()) add_words(v.get<std::string>());
    else if (v.is_array())
      for (const auto& e : v)
        if (e.is_string()) words.push_back({e.get<std::string>(), false});
    if (words.size() > 1) as_call(std::move(words), std::string("MCP field ") + key);
  }
}

}  // namespace dbguard
