#include "decision/invocation_judge.h"

#include <re2/re2.h>

#include <algorithm>
#include <optional>

#include <filesystem>
#include <map>
#include <memory>

#include "clients/kube_manifests.h"
#include "clients/sql_sources.h"
#include "clients/terraform_config.h"
#include "decision/data_dirs.h"
#include "policy/policy.h"
#include "policy/production_extras.h"
#include "support/files.h"
#include "support/text.h"
#include "unwrap/file_writes.h"
#include "sql/classify.h"

namespace dbguard {
namespace {

// `unless` patterns are compiled on first use only: the hook compiles no
// regular expression unless a rule with a second look has already matched.
const RE2& cached_re2(std::string_view pattern) {
  static std::map<std::string, std::unique_ptr<RE2>, std::less<>> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    std::string text(pattern);
    auto re = std::make_unique<RE2>(text, RE2::Quiet);
    it = cache.emplace(std::move(text), std::move(re)).first;
  }
  return *it->second;
}

// Whether the command's run-time words may stand for many values (rules with
// when_dynamic = "many"): it runs once per item, or the shell splits one of them.
bool many_dynamic_values(const Invocation& inv) {
  if (inv.repeated) return true;
  return std::any_of(inv.argv.begin() + (inv.argv.empty() ? 0 : 1), inv.argv.end(), [](const Arg& a) {
    return a.dynamic && (a.splits || a.text.find("$@") != std::string::npos || a.text.find("$*") != std::string::npos ||
                         a.text.find("${@") != std::string::npos || a.text.find("${*") != std::string::npos);
  });
}

// Shorter texts are copied at once: cheaper than remembering where they are.
constexpr std::size_t kLentSegmentBytes = 4096;

}  // namespace

void InvocationJudge::judge(const Invocation& inv) {
  judged_ = &inv;
  segment_.clear();
  segment_from_ = nullptr;
  segment_lent_ = false;
  InvocationTrace* trace = nullptr;
  if (opt_.trace) {
    d_.trace.push_back(InvocationTrace{inv, {}, {}, {}, {}});
    trace = &d_.trace.back();
  }
  Seen seen = analyse(inv, trace);
  judge_stdin_script(inv, seen);
  judge_human_gate(inv, seen);
  if (inv.program_dynamic) judge_dynamic_program(inv, seen);
  else if (seen.findings.empty()) judge_dynamic_arguments(inv, seen);
  if (trace) trace->production = seen.production;
  for (auto& f : seen.findings) {
    if (!seen.production.empty()) {
      f.hard = true;  // anything destructive aimed at production is a hard block
      f.production = seen.production;
    }
    if (segment_lent_ && f.segment.empty()) lent_->push_back({d_.findings.size(), inv.segment});
    d_.findings.push_back(std::move(f));
  }
}

InvocationJudge::Seen InvocationJudge::analyse(const Invocation& inv, InvocationTrace* trace) {
  Seen seen = match_patterns(inv, trace);
  judge_sql(inv, seen, trace);
  judge_destroyed_databases(inv, seen);
  judge_script_input(inv, seen);
  judge_removed_data_dirs(inv, seen);
  judge_kube_manifests(inv, seen);
  // Opaque data piped into any database client (psql is judged with its SQL above).
  const auto& clients = engine_.lists_.sql_clients;
  // A heredoc / here-string with run-time parts is partly opaque the same way.
  if (!inv.argv.empty() && !inv.argv[0].dynamic && !clients::is_sql_client(inv) &&
      (inv.stdin_source.kind == Input::Kind::Opaque ||
       (inv.stdin_source.kind == Input::Kind::Text && inv.stdin_source.partial)) &&
      std::find(clients.begin(), clients.end(), inv.argv[0].text) != clients.end()) {
    seen.findings.push_back({"guard.opaque-input", false, inv.pipeline.empty() ? segment(inv) : inv.pipeline,
                             inv.argv[0].text + " reads statements from " + inv.stdin_source.origin +
                                 (inv.stdin_source.kind == Input::Kind::Text ? " with parts only known at run time" : ""),
                             "stdin", ""});
  }
  return seen;
}

InvocationJudge::Seen InvocationJudge::match_patterns(const Invocation& inv, InvocationTrace* trace) {
  Seen seen;
  const auto& rules = engine_.packs_.rules;
  // What many commands share first, each looked at once for all of them: the
  // exported variables and the wrappers' lines. Then the policy's production: what
  // they copy is not held beside the haystack (4 MiB each at the bound).
  std::string via;  // what the first that marks says
  for (std::size_t i = 0; i < inv.exported.size() && via.empty(); ++i) via = contexts_.env_production(inv.exported[i]);
  for (std::size_t i = 0; i < inv.context.size() && via.empty(); ++i)
    via = contexts_.production(inv.context[i], i + 1 < inv.context.size());
  std::string by_policy;  // used where the packs' markers find nothing
  if (opt_.policy) {
    const auto& extras = opt_.policy->production;
    by_policy = policy::production_marker(
        extras, inv,
        {[&](const SharedText& line) { return contexts_.policy_production(line, extras); },
         [&](const SharedEnv& env) { return contexts_.policy_env(env, extras); }});
  }
  Haystack hay = build_haystack(inv);
  auto hits = engine_.matcher_->scan(hay.text);
  seen.production = production_marker(inv, hits, hay, via);
  if (seen.production.empty()) seen.production = terraform_production(inv);
  if (opt_.policy) {  // production as the policy names it: hosts, markers, databases, scripts
    if (seen.production.empty()) seen.production = cut_text(by_policy, kShownProductionBytes);
    if (auto script = policy::production_script(opt_.policy->production, inv); !script.empty())
      seen.findings.push_back({"production.script", true, {}, script, "policy [production] scripts", ""});
  }
  // A view: a 4 MiB `psql -c` argument is not copied for the second looks.
  const std::string_view line = std::string_view(hay.text).substr(0, hay.command_end);
  for (const auto& hit : hits) {
    const auto& rule = rules[hit.rule];
    if (rule.kind != packs::RuleKind::Command || hit.end > hay.command_end) continue;
    if (trace) trace->matched.push_back(std::string(rule.id));
    bool cleared = false;
    for (const auto& u : rule.unless) {
      if (RE2::PartialMatch(line, cached_re2(u))) {
        if (trace) trace->cleared.push_back(std::string(rule.id) + " (second look: " + std::string(u) + ")");
        cleared = true;
        break;
      }
    }
    if (cleared) continue;
    bool fed = !rule.needs_fed_stdin || inv.stdin_source.kind != Input::Kind::None;
    bool many = !rule.needs_many_dynamic || many_dynamic_values(inv);
    bool production = !rule.requires_production || !seen.production.empty();
    if (many && production && rule.id == "containers.confirmation-fed") seen.gated = true;
    if (!fed) continue;
    if (!many) {
      if (trace) trace->cleared.push_back(std::string(rule.id) + " (its run-time words stand for one value each)");
      continue;
    }
    if (!production) {
      if (trace) trace->cleared.push_back(std::string(rule.id) + " (applies to production targets only)");
      continue;
    }
    Finding f;
    f.rule = rule.id;
    f.hard = rule.severity == packs::Severity::Hard;
    f.detail = printable(cut_text(line, kShownDetailBytes));
    f.source = inv.via.empty() ? "command line" : "command run through " + inv.via.back();
    seen.findings.push_back(std::move(f));
  }
  // The findings' copy of the command's text is made once the haystack (as long) is
  // let go: both were held at once.
  std::string().swap(hay.text);
  for (auto& f : seen.findings) f.segment = segment(inv);
  return seen;
}

SharedText InvocationJudge::segment(const Invocation& inv) {
  // A long text of the call's command is lent, not copied while the walk holds the
  // command's words, its wrapper's line and its tree: copied when the walk is done.
  // Only INV's own (the copies analysed for run-time values hold theirs).
  if (const std::string_view text = inv.segment; lent_ && &inv == judged_ && text.size() >= kLentSegmentBytes &&
                                                 std::less_equal<const char*>()(command_.data(), text.data()) &&
                                                 std::less_equal<const char*>()(text.data() + text.size(),
                                                                                command_.data() + command_.size())) {
    segment_lent_ = true;
    return {};
  }
  // Read from where it was copied: the same text, unless that storage could have been
  // given to other text. Within one judge() call (which forgets it first) the segments
  // asked for are INV's and its copies': one text. Compared in full otherwise: each
  // compare of a 4 MiB segment costs what its copy did.
  const std::string_view text = inv.segment;
  const bool same = !segment_.empty() && segment_.size() == text.size() &&
                    (segment_from_ == text.data() || segment_.str() == text);
  if (!same) segment_ = std::string(text);
  segment_from_ = text.data();
  return segment_;
}

bool InvocationJudge::marks_production(std::string_view piece) const {
  return dbguard::marks_production(*engine_.matcher_, engine_.packs_, piece);
}

std::string InvocationJudge::terraform_production(const Invocation& inv) const {
  // The workspace selected earlier (.terraform/environment) and the directory
  // terraform acts in (`cd infra/prod && terraform destroy`, like -chdir=envs/prod).
  if (inv.argv.empty() || inv.argv[0].dynamic) return "";
  std::string_view prog = inv.argv[0].text;  // compared with literals by length first
  if (prog != "terraform" && prog != "tofu" && prog != "terragrunt") return "";
  std::string dir = clients::terraform_dir(inv);
  std::string ws = clients::selected_workspace(dir);
  if (!ws.empty() && marks_production("TF_WORKSPACE=" + ws))
    return "terraform workspace " + ws + " (" + dir + "/.terraform/environment)";
  for (std::size_t start = 0; start < dir.size();) {
    std::size_t end = dir.find('/', start);
    if (end == std::string::npos) end = dir.size();
    std::string part = dir.substr(start, end - start);
    if (!part.empty() && marks_production(part)) return "directory " + dir;
    start = end + 1;
  }
  return "";
}

std::string InvocationJudge::production_marker(const Invocation& inv, const std::vector<PatternHit>& hits,
                                               const Haystack& hay, const std::string& via) const {
  const auto& rules = engine_.packs_.rules;
  bool any = false;
  for (const auto& h : hits)
    if (rules[h.rule].kind == packs::RuleKind::Marker) any = true;
  if (!any && via.empty()) return "";
  // Name the piece that marks production: rescan each piece on its own. Cut: each
  // finding holds the name, and an argument may be megabytes.
  auto named = [](std::string piece) { return cut_text(printable(std::move(piece)), kShownProductionBytes); };
  for (const auto& a : inv.argv)
    if (std::string c = canonical_arg(a); marks_production(c)) return named(std::move(c));
  for (const auto& [name, value] : inv.env)
    if (std::string c = name + "=" + canonical_arg(value); marks_production(c)) return named(std::move(c));
  for (const auto& ref : inv.var_refs)
    if (marks_production("$" + ref)) return named("$" + ref);
  if (!via.empty()) return via;
  return named(hay.text.substr(0, hay.command_end));
}

const sql::SqlVerdict& InvocationJudge::classified(clients::SqlSource&& src, bool list_statements) {
  const std::string_view sql = src.sql();
  for (const auto& j : judged_sql_)
    if (j.listed == list_statements && j.sql == sql) return j.verdict;
  sql::SqlVerdict verdict = sql::classify_script(sql, list_statements);
  judged_sql_.push_front({std::move(src.text), {}, list_statements, std::move(verdict)});
  JudgedSql& j = judged_sql_.front();
  j.sql = j.text.empty() ? sql : std::string_view(j.text.str());
  return j.verdict;
}

void InvocationJudge::judge_sql(const Invocation& inv, Seen& seen, InvocationTrace* trace) {
  std::vector<clients::SqlSource> sources;
  for (const auto& [origin, text] : inv.embedded_sql) sources.push_back({clients::SqlSource::Kind::Sql, text, origin});
  if (clients::is_sql_client(inv)) {
    // Lent by the invocation judged, which outlives this judge and is never changed:
    // not by the copies analysed for a run-time word's values, each gone after its turn.
    clients::SourceLimits limits;
    limits.lend_arguments = &inv == judged_;
    auto more = clients::sql_sources(inv, limits);
    sources.insert(sources.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  for (auto& src : sources) {
    switch (src.kind) {
      case clients::SqlSource::Kind::Sql: {
        const sql::SqlVerdict& verdict = classified(std::move(src), trace != nullptr);
        if (trace) trace->sql.push_back({src.origin, verdict.statements, verdict.parsed, verdict.parse_error});
        for (const auto& f : verdict.findings) {
          const packs::Rule* rule = engine_.packs_.find_sql(f.kind);
          if (!rule) continue;
          seen.findings.push_back({std::string(rule->id), rule->severity == packs::Severity::Hard, segment(inv),
                                   f.detail + " — in: " + cut_text(f.statement, kShownDetailBytes), src.origin, ""});
        }
        break;
      }
      case clients::SqlSource::Kind::Destructive: {
        const packs::Rule* rule = engine_.packs_.find_sql(src.sql_kind);
        if (rule)
          seen.findings.push_back({std::string(rule->id), rule->severity == packs::Severity::Hard, segment(inv), src.text, src.origin, ""});
        break;
      }
      case clients::SqlSource::Kind::Shell:
        engine_.judge_command(src.text.str(), inv.cwd, depth_ + 1, d_, opt_);
        break;
      case clients::SqlSource::Kind::Unreadable:
        seen.findings.push_back({"guard.sql-file-unreadable", false, segment(inv), src.text, src.origin, ""});
        break;
      case clients::SqlSource::Kind::Opaque:
        seen.findings.push_back({"guard.opaque-input", false,
                                 inv.pipeline.empty() || inv.stdin_source.kind == Input::Kind::None ? segment(inv)
                                                                                                    : inv.pipeline,
                                 src.text, src.origin, ""});
        break;
    }
  }
}

void InvocationJudge::judge_dynamic_program(const Invocation& inv, Seen& seen) {
  // Split at run time, the word can be a whole command line (`$CMD`,
  // `docker${IFS}volume${IFS}rm${IFS}x`): that is eval of unknown text. So is a
  // run-time program started inside a container, where nothing else is visible.
  static const std::vector<std::string_view> in_container = {"docker exec", "podman exec", "docker compose exec",
                                                             "docker compose run", "podman compose exec",
                                                             "docker run", "podman run",
                                                             "kubectl exec", "oc exec"};
  for (const auto& v : inv.via)
    for (auto prefix : in_container)
      if (v.rfind(prefix, 0) == 0) {
        seen.findings.push_back({"guard.dynamic-program", false, segment(inv),
                                 "the program `" + inv.argv[0].text + "` run through " + v +
                                     " is only known at run time: inside the container it can be any command",
                                 "command line", ""});
        return;
      }
  if (inv.program_splits) {
    seen.findings.push_back({"guard.dynamic-program", false, segment(inv),
                             "program word `" + inv.argv[0].text +
                                 "` is split into words at run time: like eval of unknown text, it can be any "
                                 "command line (quote it, \"$VAR\", or name the program literally)",
                             "command line", ""});
    return;
  }
  // The program is only known at run time. Ask what it would do as each program
  // that can reach a database or infrastructure; if any of them is blocked, so is this.
  for (const auto& candidate : engine_.lists_.dynamic_program_candidates) {
    Invocation as = inv;
    as.argv[0] = Arg{std::string(candidate), false};
    as.program_dynamic = false;
    Seen s = analyse(as, nullptr);
    if (s.findings.empty()) continue;
    seen.findings.push_back({"guard.dynamic-program", false, segment(inv),
                             "program name `" + inv.argv[0].text + "` is only known at run time; as `" + std::string(candidate) +
                                 "` this is " + s.findings.front().rule,
                             "command line", ""});
    return;
  }
}

void InvocationJudge::judge_stdin_script(const Invocation& inv, Seen& seen) {
  // `python - < prod_db_exec.py`, `cat prod_db_exec.py | python`: the script an
  // interpreter reads on stdin is judged by its name, as if named on the line.
  if (inv.argv.empty() || inv.argv[0].dynamic || inv.stdin_source.kind != Input::Kind::File) return;
  Invocation as = inv;
  as.argv = {inv.argv[0], Arg{inv.stdin_source.content, false}};
  as.stdin_source = Input{};
  as.embedded_sql.clear();
  for (auto& f : analyse(as, nullptr).findings)
    if (f.rule == "production.script") {
      f.segment = inv.pipeline.empty() ? segment(inv) : inv.pipeline;
      f.source = inv.stdin_source.origin;
      seen.findings.push_back(std::move(f));
    }
}

void InvocationJudge::judge_human_gate(const Invocation& inv, Seen& seen) {
  // make down-volumes / make restore and the safe wrappers refuse inside Claude
  // Code (CLAUDECODE) and ask on the terminal: clearing CLAUDECODE or driving
  // them from a pseudo-terminal lets an agent answer for the person.
  if (inv.argv.empty() || inv.argv[0].dynamic) return;
  // Is this a human-gated target? The rule that catches fed input says so, and the
  // pattern stage has answered as if something were fed (Seen::gated). Or `expect`.
  const bool expect = std::string_view(inv.argv[0].text) == "expect";
  if (!expect && !seen.gated) return;  // most commands: the rule is not even looked up
  const packs::Rule* rule = engine_.packs_.find("containers.confirmation-driven");
  if (!rule) return;
  auto add = [&](const std::string& detail) {
    seen.findings.push_back({std::string(rule->id), rule->severity == packs::Severity::Hard, segment(inv), detail, "command line", ""});
  };
  if (expect) {  // expect FILE: the dialogue it drives
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
      const Arg& a = inv.argv[i];
      if (a.dynamic || a.text.empty() || a.text[0] == '-') continue;
      std::string text, error;
      if (!read_file_bounded(resolve_path(inv.cwd, a.text), 1u << 20, text, error)) continue;
      for (const char* target : {"down-volumes", "safe-docker-down", "restore.sh", "make restore"})
        if (text.find(target) != std::string::npos) return add("expect script " + a.text + " drives `" + target + "`");
    }
    return;
  }
  if (auto* e = find_env(inv, [](const auto& kv) { return kv.first == "CLAUDECODE" && kv.second.text != "1"; }))
    return add("CLAUDECODE is cleared (`" + e->first + "=" + e->second.text +
               "`): the wrapper would take the agent for a person");
  static const std::vector<std::string_view> drivers = {"script -c", "unbuffer", "expect", "socat", "empty", "zpty"};
  for (const auto& v : inv.via)
    for (auto d : drivers)
      if (v.rfind(d, 0) == 0) return add("run under `" + v + "`, a pseudo-terminal the agent controls");
}

void InvocationJudge::judge_dynamic_arguments(const Invocation& inv, Seen& seen) {
  // `docker volume $ACTION pgdata`, `terraform $CMD -auto-approve`: an argument
  // known only at run time, on a program that reaches databases or
  // infrastructure. Try the words that make such commands destructive.
  const auto& programs = engine_.lists_.reach_programs;
  if (inv.argv.empty() || std::find(programs.begin(), programs.end(), inv.argv[0].text) == programs.end()) return;
  const auto& words = engine_.lists_.dynamic_arg_candidates;
  std::optional<Invocation> as;  // one copy, its argument i set to each candidate in turn
  for (std::size_t i = 1; i < inv.argv.size(); ++i) {
    const Arg& a = inv.argv[i];
    if (!a.dynamic || a.text.empty() || a.text[0] != '$') continue;
    if (!as) as = inv;
    for (const auto& w : words) {
      as->argv[i] = Arg{std::string(w), false};
      Seen s = analyse(*as, nullptr);
      if (s.findings.empty()) continue;
      seen.findings.push_back({"guard.dynamic-argument", false, segment(inv),
                               "argument `" + a.text + "` is only known at run time; as `" + std::string(w) + "` this is " +
                                   s.findings.front().rule,
                               "command line", ""});
      return;
    }
    as->argv[i] = a;
  }
}

void InvocationJudge::judge_destroyed_databases(const Invocation& inv, Seen& seen) {
  // An untargeted destroy destroys everything the configuration declares: when
  // that includes a database, it is the hard rule, marker or not.
  const auto& packs = engine_.packs_;
  const auto& destroying = engine_.lists_.whole_config_destroy_rules;
  std::string via_rule;
  for (const auto& f : seen.findings)
    if (std::find(destroying.begin(), destroying.end(), f.rule) != destroying.end()) via_rule = f.rule;
  if (via_rule.empty()) return;
  for (const auto& a : inv.argv)
    if (a.text.rfind("-target", 0) == 0) return;  // targeted: judged by the patterns
  std::string db = clients::declared_database(clients::terraform_dir(inv), engine_.lists_.database_resources,
                                              engine_.lists_.database_module_words);
  if (db.empty()) return;
  const packs::Rule* rule = packs.find("terraform.destroy-database");
  if (!rule) return;
  seen.findings.push_back({std::string(rule->id), true, segment(inv), via_rule + " of a configuration that declares " + db,
                           "*.tf in " + clients::terraform_dir(inv), ""});
}

namespace {

// JavaScript with its string literals emptied: text inside quotes is data.
std::string without_string_literals(const std::string& code) {
  std::string out;
  char quote = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) {
        out += c;
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') quote = c;
    out += c;
  }
  return out;
}

}  // namespace

void InvocationJudge::judge_script_input(const Invocation& inv, Seen& seen) {
  // mongosh/mongo run JavaScript and redis-cli runs commands from options, files
  // and stdin; each is judged as a synthetic command line the packs describe.
  if (inv.argv.empty() || inv.argv[0].dynamic) return;
  const std::string& prog = inv.argv[0].text;
  auto listed = [&](std::span<const std::string_view> v) { return std::find(v.begin(), v.end(), prog) != v.end(); };
  auto judge_as = [&](std::vector<Arg> argv, const std::string& origin) {
    Invocation as = inv;
    as.argv = std::move(argv);
    as.embedded_sql.clear();
    as.stdin_source = Input{};
    Seen s = analyse(as, nullptr);
    for (auto& f : s.findings) {
      f.segment = segment(inv);
      f.source = origin;
      seen.findings.push_back(std::move(f));
    }
  };
  auto read = [&](const std::string& path, std::string& text) {
    std::string error;
    if (std::string why; written_earlier(inv, path, &why)) {
      seen.findings.push_back({"guard.opaque-input", false, segment(inv),
                               path + " is " + why + ": what it holds is only known at run time", prog, ""});
      return false;
    }
    if (read_file_bounded(resolve_path(inv.cwd, path), 8u << 20, text, error)) return true;
    seen.findings.push_back({"guard.sql-file-unreadable", false, segment(inv), "cannot read " + path + ": " + error, prog, ""});
    return false;
  };
  if (listed(engine_.lists_.mongo_shells)) {
    std::vector<std::pair<std::string, std::string>> code;  // origin, JavaScript
    bool explicit_code = false;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
      const Arg& a = inv.argv[i];
      std::string value;
      bool eval = false, file = false;
      if ((a.text == "--eval" || a.text == "--file" || a.text == "-f") && i + 1 < inv.argv.size()) {
        eval = a.text == "--eval";
        file = !eval;
        value = inv.argv[++i].text;
        if (inv.argv[i].dynamic) {
          seen.findings.push_back({"guard.opaque-input", false, segment(inv), prog + " runs code only known at run time", a.text, ""});
          return;
        }
      } else if (a.text.rfind("--eval=", 0) == 0) {
        eval = true;
        value = a.text.substr(7);
      } else if (!a.text.empty() && a.text[0] != '-' && a.text.size() > 3 && a.text.ends_with(".js")) {
        file = true;
        value = a.text;
      }
      std::string text;
      if (eval) code.emplace_back("--eval", value);
      else if (file && read(value, text)) code.emplace_back("file " + value, text);
      explicit_code = explicit_code || eval || file;
    }
    if (!explicit_code) {
      std::string text;
      if (inv.stdin_source.kind == Input::Kind::Text && !only_placeholders(inv.stdin_source.content))
        code.emplace_back(inv.stdin_source.origin, inv.stdin_source.content);
      else if (inv.stdin_source.kind == Input::Kind::File && read(inv.stdin_source.content, text))
        code.emplace_back(inv.stdin_source.origin, text);
    }
    for (const auto& [origin, js] : code) judge_as({Arg{"mongosh-code", false}, Arg{without_string_literals(js), false}}, origin);
  }
  if (listed(engine_.lists_.line_command_clients)) {
    std::string text;
    if (inv.stdin_source.kind == Input::Kind::Text) text = inv.stdin_source.content;
    else if (inv.stdin_source.kind == Input::Kind::File && !read(inv.stdin_source.content, text)) return;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t nl = text.find('\n', start);
      std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      start = nl == std::string::npos ? text.size() : nl + 1;
      std::vector<Arg> argv = inv.argv;
      std::string word;
      for (char c : line + " ") {
        if (c == ' ' || c == '\t' || c == '\r') {
          if (!word.empty()) argv.push_back(Arg{word, false});
          word.clear();
        } else {
          word += c;
        }
      }
      if (argv.size() > inv.argv.size()) judge_as(std::move(argv), inv.stdin_source.origin);
    }
  }
}

void InvocationJudge::judge_kube_manifests(const Invocation& inv, Seen& seen) {
  // kubectl delete -f / -k: judged by the kinds its manifests declare, as
  // `kubectl delete pvc|pv|namespace` is by its words; unread manifests deny.
  auto found = clients::delete_manifests(inv);
  if (!found.applies) return;
  const auto& packs = engine_.packs_;
  auto add = [&](const char* id, const std::string& detail) {
    if (const packs::Rule* rule = packs.find(id))
      seen.findings.push_back({std::string(rule->id), rule->severity == packs::Severity::Hard,
                               inv.pipeline.empty() || inv.stdin_source.kind == Input::Kind::None ? segment(inv)
                                                                                                  : inv.pipeline,
                               detail, "manifests", ""});
  };
  for (const auto& s : found.storage) add("kubernetes.delete-storage", "deletes a " + s);
  for (const auto& u : found.unreadable) add("kubernetes.delete-unread-manifest", u);
  for (const auto& o : found.oversize) add("guard.file-too-large", o);
}

void InvocationJudge::judge_removed_data_dirs(const Invocation& inv, Seen& seen) {
  // What rm / find / truncate / a redirect would remove or empty on disk: a
  // database's data directory whatever its name, or a database file.
  const auto& packs = engine_.packs_;
  for (const auto& hit : datadirs::judge(inv, engine_.data_dirs_, dir_searches_)) {
    const packs::Rule* rule = packs.find(hit.removes_dir ? "datadirs.rm-database-dir" : "datadirs.empty-database-file");
    if (!rule) continue;
    seen.findings.push_back({std::string(rule->id), rule->severity == packs::Severity::Hard, segment(inv), hit.detail, "filesystem", ""});
  }
}

}  // namespace dbguard
