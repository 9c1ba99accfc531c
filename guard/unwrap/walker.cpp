// Walks the syntax tree and produces Invocations: every simple command that
// could run, with its stdin source, environment and wrapper chain.
#include <fnmatch.h>

#include <algorithm>
#include <forward_list>
#include <functional>
#include <map>
#include <memory>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <re2/re2.h>

#include "shell/parser.h"
#include "support/files.h"
#include "support/text.h"
#include "unwrap/expand.h"
#include "unwrap/file_writes.h"
#include "unwrap/interpreters.h"
#include "unwrap/makefile.h"
#include "unwrap/package_scripts.h"
#include "unwrap/script_dir.h"
#include "unwrap/unwrap.h"
#include "unwrap/wrappers.h"

namespace dbguard {
namespace {

using shell::Command;
using shell::List;
using shell::SimpleCommand;

// How much of a text past a parse bound its issue quotes.
constexpr std::size_t kBoundQuoteBytes = 4096;

struct Ctx {
  int depth = 0;
  std::vector<std::string> via;
  std::string_view source;
  Env env;
  std::vector<SharedEnv> exported;  // as Invocation::exported: shared, not copied
  std::vector<SharedText> context;  // copied with the Ctx at each level: shared, not copied
  SharedText pipeline;  // source text of the enclosing pipeline (for stdin-fed findings)
  std::size_t stage = 0, stages = 1;
  bool in_container = false;  // peeled out of docker exec/run, kubectl exec: local paths are not its files
  bool repeated = false;      // in a loop or function body, under xargs or find -exec (Invocation::repeated)
  // When `source` is a script read from a file: its name as written and where
  // its lines start, so each command's origin carries its line (reset.sh:4).
  std::string script;
  std::shared_ptr<const std::vector<std::size_t>> line_starts;
};

std::shared_ptr<const std::vector<std::size_t>> line_starts_of(std::string_view text) {
  auto starts = std::make_shared<std::vector<std::size_t>>(1, 0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts->push_back(i + 1);
  return starts;
}

// "reset.sh:4": the script line holding OFFSET.
std::string script_line(const Ctx& ctx, std::size_t offset) {
  const auto& starts = *ctx.line_starts;
  auto line = std::upper_bound(starts.begin(), starts.end(), offset) - starts.begin();
  return ctx.script + ":" + std::to_string(line);
}

std::string join_args(const std::vector<Arg>& argv, std::size_t from = 0) {
  std::string s;
  for (std::size_t i = from; i < argv.size(); ++i) {
    if (i > from) s += ' ';
    s += argv[i].text;
  }
  return s;
}

// argv[0] as the program: basename, and docker-compose spelled as docker compose.
void normalize_program(std::vector<Arg>& argv) {
  if (argv.empty() || argv[0].dynamic) return;
  // npx prisma@5, npx @scope/tool@1.2: the package's version is not part of its name
  if (auto at = argv[0].text.find('@', 1); at != std::string::npos && argv[0].text.find('/') == std::string::npos)
    argv[0].text.erase(at);
  std::string& prog = argv[0].text;
  prog.erase(0, prog.size() - basename_of(prog).size());  // the directory part goes, in place
  if (std::string_view p = prog; p == "docker-compose" || p == "podman-compose") {
    std::string engine = argv[0].text.substr(0, argv[0].text.find('-'));
    argv[0].text = "compose";
    argv.insert(argv.begin(), Arg{engine, false});
  }
}

// printf FORMAT ARGS…: %s/%b/%d take the next argument; the format repeats while
// arguments remain, as the shell's printf does, unless it took none (`%%`, a
// trailing `%`): bash prints such a format once.
std::string printf_text(const std::vector<Arg>& argv) {
  if (argv.size() < 2) return "";
  const std::string& fmt = argv[1].text;
  std::size_t next = 2;
  std::string out;
  for (;;) {
    std::size_t before = next;
    for (std::size_t i = 0; i < fmt.size(); ++i) {
      if (fmt[i] == '%' && i + 1 < fmt.size()) {
        char c = fmt[++i];
        if (c == '%') out += '%';
        else out += next < argv.size() ? argv[next++].text : "";
      } else {
        out += fmt[i];
      }
    }
    if (next >= argv.size() || next == before) return out;
  }
}

std::string unescape_echo(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      if (n == 'n') out += '\n';
      else if (n == 't') out += '\t';
      else if (n == '\\') out += '\\';
      else { out += '\\'; out += n; }
    } else {
      out += s[i];
    }
  }
  return out;
}

// Named as a shell script (inside a container, where the file cannot be looked at).
bool shell_script_name(const std::string& path) {
  return path.ends_with(".sh") || path.ends_with(".bash") || path.ends_with(".zsh");
}

// A file that the shell would run as a shell script: *.sh / *.bash, or a
// #! line naming a shell.
bool is_shell_script(const std::string& path) {
  if (path.ends_with(".sh") || path.ends_with(".bash")) return true;
  std::ifstream f(path);
  std::string first;
  if (!f || !std::getline(f, first) || first.rfind("#!", 0) != 0) return false;
  return first.find("sh") != std::string::npos && first.find("python") == std::string::npos;
}

class Walker {
 public:
  Walker(UnwrapResult& out, const UnwrapLimits& limits, const InvocationSink& sink)
      : out_(out), limits_(limits), sink_(sink) {}

  // The walk is over.
  void finish() {
    if (sink_) out_.invocations.clear();  // each was handed over; none is kept
  }

  void walk_source(std::string text, Scope& scope, const Input& in, const Ctx& ctx, std::string_view what,
                   const std::string& script = {}) {
    if (too_deep(ctx, what)) return;
    sources_.push_front(std::move(text));
    walk_text(sources_.front(), scope, in, ctx, script);
  }

  // As walk_source(), for the end of a shared text from FROM on (ssh HOST CMD…: the
  // command is the end of the context line, which the walk holds anyway).
  void walk_shared(SharedText text, std::size_t from, Scope& scope, const Input& in, const Ctx& ctx,
                   std::string_view what) {
    if (too_deep(ctx, what)) return;
    shared_sources_.push_front(std::move(text));
    walk_text(std::string_view(shared_sources_.front().str()).substr(from), scope, in, ctx);
  }

  bool too_deep(const Ctx& ctx, std::string_view what) {
    if (ctx.depth <= limits_.max_depth) return false;
    out_.issues.push_back({"guard.depth-exceeded", std::string(what),
                           "nested shells deeper than " + std::to_string(limits_.max_depth), false});
    return true;
  }

  // As walk_source(), for a text that outlives the walk (the call's own command,
  // not copied: it may be megabytes).
  void walk_text(std::string_view src, Scope& scope, const Input& in, const Ctx& ctx, const std::string& script = {}) {
    shell::ParseLimits pl;
    // Commands past the bound would not be walked: they are not parsed either
    // (a long text's syntax tree is most of its memory). A text cut there is over
    // the bound, so it is denied as such below.
    pl.stop_after_commands = limits_.max_invocations - std::min(emitted_, limits_.max_invocations) + 1;
    // A nested shell's text is held besides the call's (a copy, or a wrapper's line):
    // its tree gets that much less room, down to a third of the bound (2 MiB, some
    // 16,000 words in one command), so that the text and the tree of its largest item
    // take about what they take at the top (bash -c of a 119,000-word command took
    // 22.6 MiB, the same command alone 18).
    if (ctx.depth > 0) pl.max_item_tree_bytes -= std::min(src.size(), pl.max_item_tree_bytes / 3 * 2);
    Ctx inner = ctx;
    inner.source = src;
    inner.script = script;
    inner.line_starts = script.empty() ? nullptr : line_starts_of(src);
    // Nothing the walk keeps points into the tree (invocations own their text), so
    // each top-level item can be walked and freed as soon as it is parsed: a long
    // command's tree is never held whole, and the next item's reuses its memory (a
    // page fault saved for every page it would have taken). With a sink, the parse
    // hands the items over; without one, the invocations vector is sized first.
    auto walk_item = [&](shell::AndOr& ao) {
      for (const auto& pipeline : ao.pipelines) {
        if (too_complex_) break;  // past the bound on commands: denied, not walked further
        walk_pipeline(pipeline, scope, in, inner);
      }
      ao = shell::AndOr{};
    };
    // Handed over by reference: a lambda of four references would be a heap block in
    // the std::function, one per text walked.
    auto parsed = sink_ ? shell::parse(src, pl, std::ref(walk_item)) : shell::parse(src, pl);
    if (!parsed.ok) {
      if (ctx.depth == 0) {
        out_.parsed = false;
        out_.parse_error = parsed.error;
      }
      // Past a bound (nesting, size) the text is denied whatever it names; bad
      // syntax only where it names a tool that reaches data (guard.unparseable).
      // A text past a bound is quoted by its start (a reason shows 400 bytes): no
      // policy softens a guard.* rule, so nothing reads the rest of a copy of up to
      // 4 MiB, made as the tree freed before it still holds its pages. Bad syntax
      // is quoted whole: whether the text reaches data is judged on it.
      const bool bound = parsed.depth_exceeded || parsed.too_large;
      out_.issues.push_back({parsed.depth_exceeded ? "guard.depth-exceeded"
                             : parsed.too_large    ? "guard.too-complex"
                                                   : "guard.unparseable",
                             bound ? src.substr(0, kBoundQuoteBytes) : src, "cannot parse as shell: " + parsed.error,
                             !bound});
      return;
    }
    // About one invocation a command: room for them at once, not a vector regrown
    // (and its invocations moved) a dozen times for a long command.
    if (ctx.depth == 0 && !sink_) out_.invocations.reserve(std::min(parsed.commands, limits_.max_invocations));
    for (auto& ao : parsed.list->items) walk_item(ao);
    if (parsed.truncated) {
      std::string_view rest = src.substr(parsed.truncated_at);
      over_bound(std::string(rest.substr(0, std::min(rest.find('\n'), std::size_t{200}))));
    }
  }

 private:
  void walk_list(const List& list, Scope& scope, const Input& in, const Ctx& ctx) {
    for (const auto& ao : list.items)
      for (const auto& pl : ao.pipelines) {
        if (too_complex_) return;  // past the bound on commands: denied, not walked further
        walk_pipeline(pl, scope, in, ctx);
      }
  }

  void walk_pipeline(const shell::Pipeline& pl, Scope& scope, const Input& in, const Ctx& ctx) {
    if (pl.commands.size() == 1) {
      walk_command(*pl.commands[0], scope, in, ctx);
      return;
    }
    Input next = in;
    Ctx piped = ctx;
    const auto& first = *pl.commands.front();
    const auto& last = *pl.commands.back();
    if (last.end > first.begin) piped.pipeline = std::string(ctx.source.substr(first.begin, last.end - first.begin));
    // stages run at the same time: a file one stage writes is not what another reads
    for (const auto& stage : pl.commands) note_stage_writes(*stage, scope);
    for (std::size_t i = 0; i < pl.commands.size(); ++i) {
      // every stage of a pipeline runs in a subshell: variables do not flow out
      Scope stage_scope = scope;
      if (too_complex_) return;
      piped.stage = i + 1;
      piped.stages = pl.commands.size();
      walk_command(*pl.commands[i], stage_scope, next, piped);
      next = producer_output(*pl.commands[i], stage_scope, next);
    }
  }

  void walk_command(const Command& cmd, Scope& scope, const Input& in, const Ctx& ctx) {
    if (cmd.kind == Command::Kind::Simple) {
      walk_simple(cmd.simple, scope, in, ctx);
      return;
    }
    std::vector<std::string> writes, dynamic_writes;
    Input body_in = apply_input_redirects(cmd.redirects, scope, in, &ctx, &writes, &dynamic_writes);
    Expansion ex;
    for (const auto& w : cmd.words) expand_word(w, scope, true, ex);
    walk_substitutions(ex, scope, ctx);
    if (cmd.kind == Command::Kind::For && !cmd.name.empty()) scope.erase(cmd.name);
    Ctx body_ctx = ctx;
    // a function may be called from a loop: its body counts as repeated too
    if (cmd.kind == Command::Kind::Loop || cmd.kind == Command::Kind::For || cmd.kind == Command::Kind::Function)
      body_ctx.repeated = true;
    std::vector<bool> runs = case_branches(cmd, scope);
    for (std::size_t b = 0; b < cmd.bodies.size(); ++b) {
      const auto& body = cmd.bodies[b];
      if (!runs.empty() && !runs[b]) continue;
      if (cmd.kind == Command::Kind::Subshell) {
        Scope copy = scope;
        walk_list(*body, copy, body_in, body_ctx);
      } else if (cmd.kind == Command::Kind::Function) {
        // inside a function $1, $2, … are the function's arguments, unknown here; the
        // script's come back after it (its other assignments are global, as the shell's are)
        std::map<std::string, std::string> script_args;
        for (const char* n : {"1", "2", "3", "4", "5", "6", "7", "8", "9", "#"})
          if (const std::string* value = scope.value(n)) {
            script_args.emplace(n, *value);
            scope.erase(n);
          }
        walk_list(*body, scope, body_in, body_ctx);
        for (const char* n : {"1", "2", "3", "4", "5", "6", "7", "8", "9", "#"}) scope.erase(n);
        for (const auto& [name, value] : script_args) scope.set(name, Arg{value, false});
      } else {
        walk_list(*body, scope, body_in, body_ctx);
      }
    }
    note_writes(writes);
    note_dynamic_writes(dynamic_writes, scope.cwd);
  }

  // Which clauses of a `case` run: decided when the subject and every pattern are
  // known; empty (every clause counts) otherwise. A quoted glob character is literal
  // to the shell but not to fnmatch, so such a pattern is not decided either.
  static std::vector<bool> case_branches(const Command& cmd, const Scope& scope) {
    if (cmd.kind != Command::Kind::Case || cmd.words.empty() || cmd.clause_patterns.size() != cmd.bodies.size() ||
        cmd.clause_ends.size() != cmd.bodies.size())
      return {};
    Expansion ex;
    Arg subject = expand_single(cmd.words[0], scope, ex);
    if (subject.dynamic) return {};
    std::vector<bool> runs(cmd.bodies.size(), false);
    std::size_t w = 1;
    bool testing = true, falling = false;
    for (std::size_t i = 0; i < cmd.bodies.size(); ++i) {
      bool matched = false;
      for (std::size_t k = 0; k < cmd.clause_patterns[i]; ++k, ++w) {
        if (w >= cmd.words.size()) return {};
        const shell::Word& word = cmd.words[w];
        Arg pattern = expand_single(word, scope, ex);
        if (pattern.dynamic) return {};
        bool quoted = std::any_of(word.parts.begin(), word.parts.end(), [](const auto& part) { return part.quoted; });
        if (quoted && pattern.text.find_first_of("*?[") != std::string::npos) return {};
        matched = matched || ::fnmatch(pattern.text.c_str(), subject.text.c_str(), 0) == 0;
      }
      if (!falling && !(testing && matched)) continue;
      runs[i] = true;
      falling = cmd.clause_ends[i] == ";&";
      testing = cmd.clause_ends[i] == ";;&";
    }
    return runs;
  }

  // A script's $1, $2, … and $# from the words it is run with, unless the script
  // moves them (shift, set, getopts): then they stay unknown.
  static void bind_positional(Scope& scope, const std::vector<Arg>& args, const std::string& text) {
    static const RE2 moves(R"re(\b(?:shift|getopts|set)\b)re");
    for (const char* n : {"1", "2", "3", "4", "5", "6", "7", "8", "9", "#"}) scope.erase(n);
    if (RE2::PartialMatch(text, moves) || args.size() > 9) return;
    for (std::size_t i = 0; i < args.size(); ++i)
      if (!args[i].dynamic) scope.set(std::to_string(i + 1), args[i]);
    for (std::size_t i = args.size(); i < 9; ++i) scope.set(std::to_string(i + 1), Arg{});
    if (std::none_of(args.begin(), args.end(), [](const Arg& a) { return a.dynamic; }))
      scope.set("#", Arg{std::to_string(args.size()), false});
  }

  // Files written so far in this call (redirections, tee, cp, sed -i, curl -o, ...):
  // a later read of one sees run-time contents, not what is on disk now.
  void note_writes(const std::vector<std::string>& paths) {
    for (const auto& p : paths)
      if (!p.empty() && p[0] == '/') written_->note(normal_path(p));
  }
  // Writes to a file named only at run time (`> "$F"`): any later read of a file
  // it could be, by a client or a shell, sees run-time contents.
  void note_dynamic_writes(const std::vector<std::string>& targets, const std::string& cwd) {
    for (const auto& t : targets) written_->note_dynamic(t, dynamic_target_pattern(t, cwd));
  }
  // Whether an earlier command writes (or may write) the file; `why` says which.
  bool rewritten(const std::string& resolved, std::string* why = nullptr) const {
    return written_->size() > 0 && could_be_written(*written_, normal_path(resolved), written_->size(), why);
  }
  // Only writes that name the file: whether a program is a script is not decided by a
  // run-time write that could be anything (`> "$LOG"; ./gradlew` still runs gradlew).
  bool rewritten_by_name(const std::string& resolved) const {
    return written_->size() > 0 && written_->written_within(normal_path(resolved), written_->size());
  }

  // A pipeline stage's writes, before any stage is walked (wrappers peeled: `| sudo tee f`).
  void note_stage_writes(const Command& cmd, Scope& scope) {
    std::vector<std::string> writes, dynamic_writes;
    Scope copy = scope;
    apply_input_redirects(cmd.kind == Command::Kind::Simple ? cmd.simple.redirects : cmd.redirects, copy, Input{},
                          nullptr, &writes, &dynamic_writes);
    note_writes(writes);
    note_dynamic_writes(dynamic_writes, scope.cwd);
    if (cmd.kind != Command::Kind::Simple) return;
    Expansion ex;
    for (const auto& w : cmd.simple.words) expand_word(w, scope, true, ex);
    std::vector<Arg> argv = std::move(ex.args);
    for (int hops = 0; hops < 8 && !argv.empty(); ++hops) {
      normalize_program(argv);
      if (argv.empty()) return;
      Peel p = peel(argv);
      if (p.kind != Peel::Kind::Inner) break;
      argv.erase(argv.begin(), argv.begin() + static_cast<long>(p.inner_begin));
    }
    dynamic_writes.clear();
    note_writes(files_written(argv, scope.cwd, dirs_, &dynamic_writes));
    note_dynamic_writes(dynamic_writes, scope.cwd);
  }

  // The stdin a command's redirects give it (and, when asked, the files they write).
  // Substitutions in heredocs and redirect targets run once, when the command runs:
  // they are walked with the command's ctx. A null ctx walks nothing: with `writes` it
  // asks only for the writes (a pipeline's stages, before any is walked), without them
  // only for the input (a stage's output, after the stage itself was walked).
  Input apply_input_redirects(const std::vector<shell::Redirect>& redirects, Scope& scope, const Input& in,
                              const Ctx* ctx, std::vector<std::string>* writes = nullptr,
                              std::vector<std::string>* dynamic_writes = nullptr) {
    Input result = in;
    for (const auto& r : redirects) {
      Expansion ex;
      if (r.op == "<<" || r.op == "<<-") {
        // Only the writes asked for: a body writes nothing, and its expansion (4 MiB at
        // the bound) is not made.
        if (!ctx && writes) continue;
        result = Input{Input::Kind::Text, r.heredoc, "heredoc", false};
        if (r.heredoc_word) {
          Expansion body;
          body.collect_refs = false;  // a body's names are not the command's (they stay in its text)
          Arg a = expand_single(*r.heredoc_word, scope, body);
          if (ctx) walk_substitutions(body, scope, *ctx);
          result.content = std::move(a.text);
          result.partial = a.dynamic;
        }
        continue;
      }
      Arg target = expand_single(r.target, scope, ex);
      if (ctx) walk_substitutions(ex, scope, *ctx);
      if (r.op == "<<<") {
        result = Input{Input::Kind::Text, target.text + "\n", "here-string", target.dynamic};
      } else if (r.op == "<" && (r.fd == -1 || r.fd == 0)) {
        std::string why;
        if (target.dynamic) result = Input{Input::Kind::Opaque, target.text, "< " + target.text, false};
        else if (rewritten(resolve_path(scope.cwd, target.text), &why))
          result = Input{Input::Kind::Opaque, target.text, "< " + target.text + " (" + why + ")", false};
        else result = Input{Input::Kind::File, resolve_path(scope.cwd, target.text), "< " + target.text, false};
      } else if (writes && (r.op == ">" || r.op == ">>" || r.op == ">|" || r.op == "&>" || r.op == "&>>" ||
                            r.op == "<>")) {
        writes->push_back(target.dynamic ? target.text : resolve_path(scope.cwd, target.text));
        if (target.dynamic && dynamic_writes) dynamic_writes->push_back(target.text);
      }
    }
    return result;
  }

  void walk_substitutions(const Expansion& ex, Scope& scope, const Ctx& ctx) {
    for (const auto& sub : ex.substitutions) {
      Scope copy = scope;
      walk_list(*sub, copy, Input{}, ctx);
    }
  }

  void walk_simple(const SimpleCommand& sc, Scope& scope, const Input& in, const Ctx& ctx) {
    Expansion ex;
    Env env = ctx.env;
    std::vector<std::pair<std::string, Arg>> own;
    for (const auto& a : sc.assignments) own.emplace_back(a.name, expand_single(a.value, scope, ex));
    ex.args.reserve(sc.words.size());  // one word is one field, mostly
    for (const auto& w : sc.words) expand_word(w, scope, true, ex);
    std::vector<Arg> argv = std::move(ex.args);
    walk_substitutions(ex, scope, ctx);

    // A view: the invocation copies it into storage it reuses (no string per command).
    const std::string_view segment = ctx.source.substr(sc.begin, sc.end - sc.begin);
    std::vector<std::string> writes, dynamic_writes;
    Input stdin_source = apply_input_redirects(sc.redirects, scope, in, &ctx, &writes, &dynamic_writes);

    if (argv.empty()) {  // assignments only: they change the shell's variables
      for (auto& [name, value] : own) scope.set(name, value);
      return;
    }
    for (auto& kv : own) env.push_back(kv);
    Ctx here = ctx;
    // A builtin that only changes the shell's own state runs in the shell: the
    // exported variables are a child process's environment, not its (and a run of
    // exports would build the list once per export).
    if (!shell_state_builtin(argv[0])) {
      const SharedEnv& exported = scope.exported_env();
      if (!exported->empty() && std::find(here.exported.begin(), here.exported.end(), exported) == here.exported.end())
        here.exported.push_back(exported);
    }
    update_scope_from_builtin(argv, scope);
    bool unresolved_refs = std::any_of(ex.var_refs.begin(), ex.var_refs.end(),
                                       [&](const std::string& v) { return !scope.value(v); });
    bool trusted_subs = substitutions_trusted(ex);
    if (!ctx.script.empty()) here.via.push_back(script_line(ctx, sc.begin));
    run(std::move(argv), std::move(env), std::move(stdin_source), std::move(here), scope, ex.var_refs, segment, writes,
        !unresolved_refs && trusted_subs);
    note_writes(writes);
    note_dynamic_writes(dynamic_writes, scope.cwd);
  }

  bool substitutions_trusted(const Expansion& ex) {
    for (const auto& sub : ex.substitutions) {
      if (sub->items.empty()) continue;
      for (const auto& ao : sub->items)
        for (const auto& pl : ao.pipelines)
          for (const auto& c : pl.commands) {
            if (c->kind != Command::Kind::Simple || c->simple.words.empty()) return false;
            Expansion e;
            Scope empty;
            expand_word(c->simple.words[0], empty, true, e);
            if (e.args.empty() || e.args[0].dynamic) return false;
            std::string_view prog = basename_of(e.args[0].text);
            if (std::find(limits_.trusted_generators.begin(), limits_.trusted_generators.end(), prog) ==
                limits_.trusted_generators.end())
              return false;
          }
    }
    return true;
  }

  // Builtins that only change the shell's own state (update_scope_from_builtin).
  static bool shell_state_builtin(const Arg& program) {
    if (program.dynamic) return false;
    static constexpr std::string_view kNames[] = {"export", "declare", "typeset",   "local",   "readonly", "unset",
                                                  "read",   "mapfile", "readarray", "getopts", "cd",       "pushd"};
    return std::find(std::begin(kNames), std::end(kNames), std::string_view(program.text)) != std::end(kNames);
  }

  void update_scope_from_builtin(const std::vector<Arg>& argv, Scope& scope) {
    // A view: compared with literals by length first, without a copy.
    const std::string_view prog = argv[0].dynamic ? std::string_view() : basename_of(argv[0].text);
    if (prog == "export" || prog == "declare" || prog == "typeset" || prog == "local" || prog == "readonly") {
      bool exporting = prog == "export";
      for (std::size_t i = 1; i < argv.size(); ++i) {
        const std::string& a = argv[i].text;
        if (!a.empty() && a[0] == '-') {
          if (a.find('x') != std::string::npos) exporting = true;
          continue;
        }
        auto eq = a.find('=');
        std::string name = a.substr(0, eq);
        if (eq != std::string::npos) scope.set(name, Arg{a.substr(eq + 1), argv[i].dynamic});
        if (exporting) scope.export_name(name);
      }
    } else if (prog == "unset") {
      for (std::size_t i = 1; i < argv.size(); ++i) {
        scope.erase(argv[i].text);
        if (argv[i].text == "CLAUDECODE") {  // gone for later commands: the safe wrappers check it
          scope.set("CLAUDECODE", Arg{});
          scope.export_name("CLAUDECODE");
        }
      }
    } else if (prog == "read" || prog == "mapfile" || prog == "readarray" || prog == "getopts") {
      // the variables they set hold run-time text (`read c < f; $c`)
      for (std::size_t i = 1; i < argv.size(); ++i) scope.erase(argv[i].text);
      if (prog == "read" && argv.size() == 1) scope.erase("REPLY");
      if (prog != "read" && prog != "getopts") scope.erase("MAPFILE");
    } else if (prog == "cd" || prog == "pushd") {
      if (argv.size() >= 2 && !argv[1].dynamic && argv[1].text != "-") scope.cwd = resolve_path(scope.cwd, argv[1].text);
    } else if ((prog == "terraform" || prog == "tofu" || prog == "terragrunt") && argv.size() >= 4 &&
               argv[1].text == "workspace" && (argv[2].text == "select" || argv[2].text == "new")) {
      // later terraform commands in this line act on that workspace
      scope.set("TF_WORKSPACE", Arg{argv.back().text, false});
      scope.export_name("TF_WORKSPACE");
    }
  }

  void run(std::vector<Arg> argv, Env env, Input in, Ctx ctx, Scope& scope, const std::vector<std::string>& refs,
           std::string_view segment, const std::vector<std::string>& writes, bool dynamic_ok) {
    std::string written;  // the program as written, before normalize_program
    for (int hops = 0;; ++hops) {
      if (hops > 32) {
        out_.issues.push_back({"guard.depth-exceeded", segment, "more than 32 nested wrappers", false});
        return;
      }
      bool by_path = !argv.empty() && !argv[0].dynamic && argv[0].text.find('/') != std::string::npos;
      // ./scripts/reset-db.sh inside a container: a file there, unread here, judged as
      // `bash scripts/reset-db.sh` there is (by its name)
      bool container_script = by_path && ctx.in_container && shell_script_name(argv[0].text);
      if (container_script || (by_path && !ctx.in_container &&
                               (rewritten_by_name(resolve_path(scope.cwd, argv[0].text)) ||
                                is_shell_script(resolve_path(scope.cwd, argv[0].text))))) {
        // ./x.sh: the script's commands run; the call itself is matched too
        std::vector<Arg> shown = argv;
        normalize_program(shown);
        emit(shown, env, in, ctx, refs, segment, writes, scope.cwd, argv[0].text);
        Peel p;
        p.kind = Peel::Kind::Script;
        p.text = argv[0].text;
        if (!container_script) {
          p.args.assign(argv.begin() + 1, argv.end());
          ctx.via.push_back(argv[0].text);
        }
        run_script(p, in, ctx, env, scope, segment);
        return;
      }
      if (!argv.empty() && !argv[0].dynamic) written = argv[0].text;
      normalize_program(argv);
      if (argv.empty()) return;
      if (!argv[0].dynamic && std::string_view(argv[0].text) == "find") {
        // find … -exec CMD {} \; runs CMD per file (each group; `{}` is a file name)
        for (auto [b, e] : find_exec_groups(argv)) {
          std::vector<Arg> cmd(argv.begin() + static_cast<long>(b), argv.begin() + static_cast<long>(e));
          for (auto& a : cmd)
            if (a.text.find("{}") != std::string::npos) a.dynamic = true;
          Ctx c = ctx;
          c.via.push_back("find " + argv[b - 1].text);
          c.repeated = true;
          run(std::move(cmd), env, Input{}, c, scope, refs, segment, {}, dynamic_ok);
        }
        break;
      }
      Peel p = peel(argv);
      if (p.kind == Peel::Kind::None) break;
      if (p.keep_outer) emit(argv, env, in, ctx, refs, segment, writes, scope.cwd, written);
      for (auto& kv : p.env) env.push_back(kv);
      SharedText context_line;  // the wrapper's whole line, where it names a target
      if (p.carries_target) {
        context_line = join_args(argv);
        ctx.context.push_back(context_line);
      }
      ctx.via.push_back(p.via);
      if (p.kind == Peel::Kind::Inner && p.keep_outer && p.carries_target) ctx.in_container = true;
      switch (p.kind) {
        case Peel::Kind::Nothing:
          // A bare `exec 3>file` / `exec >file` runs nothing, but its
          // redirections open (and truncate) files for the rest of the shell.
          if (!p.keep_outer && !writes.empty()) emit(argv, env, in, ctx, refs, segment, writes, scope.cwd, written);
          return;
        case Peel::Kind::Inner: {
          std::vector<Arg> inner(argv.begin() + static_cast<long>(p.inner_begin),
                                 argv.begin() + static_cast<long>(std::min(p.inner_end, argv.size())));
          if (!p.replace_token.empty())
            for (auto& a : inner)
              if (a.text.find(p.replace_token) != std::string::npos) a.dynamic = true;
          if (p.feeds_items) inner.push_back(Arg{"{items from stdin}", true});
          if (p.feeds_items || !p.replace_token.empty()) {
            in = Input{};
            ctx.repeated = true;  // xargs: once per batch of items
          }
          argv = std::move(inner);
          continue;
        }
        case Peel::Kind::Shell: {
          if (p.text_dynamic && !dynamic_ok) {
            out_.issues.push_back({"guard.unresolvable-eval", segment,
                                   p.via + " runs text only known at run time: " + p.text, false});
          }
          Ctx inner = ctx;
          inner.depth += 1;
          inner.env = env;
          Scope copy = scope;
          std::string text = std::move(p.text);  // moved twice, not copied: `bash -c` of 4 MiB held it thrice
          if (p.text_dynamic && dynamic_ok) {
            // eval "$(ssh-agent -s)": the trusted generator's output is set-up
            // code the guard does not see; analyse only the static text around it.
            for (auto at = text.find("$(…)"); at != std::string::npos; at = text.find("$(…)"))
              text.erase(at, std::string("$(…)").size());
          }
          // The words are done with (emitted where kept): their expansion, as long as
          // the text, is not held while the text is walked.
          std::vector<Arg>().swap(argv);
          // ssh HOST CMD…: the text is the end of the context line, which the walk
          // holds anyway; walked there, not held twice (4 MiB each at the bound).
          if (const std::string& line = context_line.str(); !text.empty() && line.ends_with(text)) {
            const std::size_t from = line.size() - text.size();
            std::string().swap(text);
            walk_shared(std::move(context_line), from, copy, in, inner, segment);
            return;
          }
          walk_source(std::move(text), copy, in, inner, segment);
          return;
        }
        case Peel::Kind::Script: {
          run_script(p, in, ctx, env, scope, segment);
          return;
        }
        case Peel::Kind::Stdin: {
          run_stdin_shell(in, ctx, env, scope, segment, p.via);
          return;
        }
        case Peel::Kind::None:
          break;
      }
    }
    // An interpreter's inline code is read first: the SQL it passes goes to the
    // judge with the invocation.
    std::optional<InlineCode> code = inline_code(argv, in);
    CodeFindings found;
    if (code && !code->run_time_only) found = scan_code(*code);
    emit(argv, env, in, ctx, refs, segment, writes, scope.cwd, written, std::move(found.sql));
    run_project_commands(argv, in, ctx, env, scope, segment);
    run_inline_code(argv, code, found, in, ctx, env, scope, segment);
    std::vector<std::string> dynamic_writes;
    note_writes(files_written(argv, scope.cwd, dirs_, &dynamic_writes));
    note_dynamic_writes(dynamic_writes, scope.cwd);
  }

  // python -c, node -e, ruby/perl -e: shell commands the code starts are
  // walked; SQL it passes to execute()/query() goes to the SQL analysis.
  // `code` and `found` are the command's inline code and what it holds (its SQL went
  // with the invocation).
  void run_inline_code(const std::vector<Arg>& argv, const std::optional<InlineCode>& code, CodeFindings& found,
                       const Input& in, const Ctx& ctx, const Env& env, const Scope& scope, std::string_view segment) {
    if (!code) {
      if (in.kind == Input::Kind::Opaque && interpreter_reads_stdin(argv))
        out_.issues.push_back({"guard.opaque-input", ctx.pipeline.empty() ? segment : ctx.pipeline.str(),
                               argv[0].text + " runs a program read from " + in.origin, false});
      return;
    }
    if (code->run_time_only) {  // like eval "$X": code that could do anything
      out_.issues.push_back({"guard.unresolvable-eval", ctx.pipeline.empty() ? segment : ctx.pipeline.str(),
                             code->origin + " runs code only known at run time: " + std::string(code->code()), false});
      return;
    }
    // a shell-out of run-time text is eval of unknown text; SQL only known at run
    // time is opaque, as `psql -c "$SQL"` is
    for (const auto& [origin, what] : found.dynamic_shell)
      out_.issues.push_back({"guard.unresolvable-eval", ctx.pipeline.empty() ? segment : ctx.pipeline.str(), origin + ": " + what, false});
    for (const auto& [origin, what] : found.dynamic_sql)
      out_.issues.push_back({"guard.opaque-input", ctx.pipeline.empty() ? segment : ctx.pipeline.str(), origin + ": " + what, false});
    for (auto& [origin, command] : found.shell) {
      Ctx inner = ctx;
      inner.depth += 1;
      inner.env = env;
      inner.pipeline.clear();
      inner.via.push_back(origin);
      Scope copy = scope;
      walk_source(std::move(command), copy, Input{}, inner, segment);  // moved: os.system("<4 MiB>") held it twice
    }
  }

  // make TARGET and npm/yarn/pnpm scripts: the commands they would run, read
  // from the Makefile / package.json, are analysed as if typed.
  void run_project_commands(const std::vector<Arg>& argv, const Input& in, const Ctx& ctx, const Env& env,
                            const Scope& scope, std::string_view segment) {
    if (argv.empty() || argv[0].dynamic) return;
    const std::string& prog = argv[0].text;
    const std::string_view name = prog;  // compared with literals by length first
    std::vector<RecipeLine> lines;
    std::string dir;
    if (name == "make" || name == "gmake") {
      // MAKEFLAGS=e (or any MAKEFLAGS: its flags are not read) lets the environment override the file
      auto sets_flags = [](const auto& kv) { return kv.first == "MAKEFLAGS" || kv.first == "GNUMAKEFLAGS"; };
      bool env_overrides = std::any_of(env.begin(), env.end(), sets_flags) ||
                           std::any_of(ctx.exported.begin(), ctx.exported.end(), [&](const SharedEnv& e) {
                             return std::any_of(e->begin(), e->end(), sets_flags);
                           });
      MakePlan plan = plan_make(argv, scope.cwd, limits_.max_script_bytes, env_overrides);
      if (!plan.runs_recipes) return;
      if (!plan.oversize.empty()) {
        out_.issues.push_back({"guard.file-too-large", segment, plan.oversize, false});
        return;
      }
      // commands only a running make knows: judged as an unreadable script is
      for (const auto& u : plan.unknowable)
        out_.issues.push_back({"guard.unreadable-script", segment, u.detail, true, u.reach_text});
      lines = std::move(plan.lines);
      dir = plan.directory;
    } else {
      ScriptPlan plan = plan_package_script(argv, scope.cwd, limits_.max_script_bytes);
      if (!plan.applies) return;
      if (!plan.unresolved.empty()) {  // as an unreadable script: denied when the command suggests database reach
        out_.issues.push_back({"guard.unreadable-script", segment, plan.unresolved, true});
        return;
      }
      if (!plan.oversize.empty()) {
        out_.issues.push_back({"guard.file-too-large", segment, plan.oversize, false});
        return;
      }
      lines = std::move(plan.lines);
      dir = plan.directory;
    }
    for (const auto& [path, position] : written_->paths()) {
      // the Makefile / package.json (or an included *.mk) was written earlier in this call
      std::string base = path.substr(path.find_last_of('/') + 1);
      bool project_file = base == "Makefile" || base == "makefile" || base == "GNUmakefile" || base == "package.json" ||
                          base.ends_with(".mk");
      bool named = std::any_of(argv.begin() + 1, argv.end(),
                               [&](const Arg& a) { return !a.dynamic && rewritten_by_name(resolve_path(scope.cwd, a.text)) &&
                                                          normal_path(resolve_path(scope.cwd, a.text)) == path; });
      if ((project_file && path.substr(0, path.find_last_of('/')) == normal_path(dir)) || named) {
        out_.issues.push_back({"guard.opaque-input", segment,
                               prog + " reads " + path + ", which an earlier command in this call writes: "
                                   "what it runs is only known at run time", false});
        return;
      }
    }
    for (const auto& line : lines) {
      Ctx inner = ctx;
      inner.depth += 1;
      inner.env = env;
      inner.pipeline.clear();
      inner.via.push_back(line.origin);
      Scope copy = scope;
      copy.cwd = dir;
      walk_source(line.command, copy, in, inner, segment);
    }
  }

  void run_script(const Peel& p, const Input& in, const Ctx& ctx, const Env& env, Scope& scope,
                  std::string_view segment) {
    if (p.text_dynamic && p.text.find("<(…)") != std::string::npos) {
      // bash <(curl …), source <(…): the script is another program's output
      out_.issues.push_back({"guard.opaque-input", segment, p.via + " runs the output of a process substitution", false});
      return;
    }
    if (p.text_dynamic) {
      out_.issues.push_back({"guard.unreadable-script", segment, "script path only known at run time: " + p.text, true});
      return;
    }
    std::string path = resolve_path(scope.cwd, p.text);
    std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    if (ctx.in_container) {
      // the script is a file inside the container, not here: never read a local path for it
      const auto& safe = limits_.container_safe_scripts;
      if (std::find(safe.begin(), safe.end(), p.text) != safe.end()) return;
      if (std::find(limits_.human_gated_scripts.begin(), limits_.human_gated_scripts.end(), base) !=
          limits_.human_gated_scripts.end())
        return;
      out_.issues.push_back({"guard.unreadable-script", segment,
                             "script " + p.text + " runs inside a container: its text is not on this machine", true});
      return;
    }
    if (std::string why; rewritten(path, &why)) {
      out_.issues.push_back({"guard.opaque-input", segment, p.via + " runs " + p.text + ", " + why, false});
      return;
    }
    if (std::find(limits_.human_gated_scripts.begin(), limits_.human_gated_scripts.end(), base) !=
        limits_.human_gated_scripts.end())
      return;  // asks a person on the terminal itself; feeding it input is its own rule
    std::string text;
    std::string error;
    bool too_large = false;
    if (!read_file_bounded(path, limits_.max_script_bytes, text, error, &too_large)) {
      // a missing script with a harmless name may pass; one too large to read never does
      if (too_large)
        out_.issues.push_back({"guard.file-too-large", segment, "script " + p.text + " not read: " + error, false});
      else
        out_.issues.push_back({"guard.unreadable-script", segment, "cannot read script " + p.text + ": " + error, true});
      return;
    }
    text = with_script_dir(text, path.substr(0, std::max<std::size_t>(path.find_last_of('/'), 1)));
    Ctx inner = ctx;
    inner.depth += 1;
    inner.env = env;
    if (p.same_scope) {
      walk_source(std::move(text), scope, in, inner, segment, p.text);
    } else {
      Scope copy = scope;
      bind_positional(copy, p.args, text);
      walk_source(std::move(text), copy, in, inner, segment, p.text);
    }
  }

  void run_stdin_shell(const Input& in, const Ctx& ctx, const Env& env, Scope& scope, std::string_view segment,
                       const std::string& via) {
    const std::string_view shown = ctx.pipeline.empty() ? segment : std::string_view(ctx.pipeline.str());
    Ctx inner = ctx;
    inner.depth += 1;
    inner.env = env;
    Scope copy = scope;
    switch (in.kind) {
      case Input::Kind::None:
        return;  // interactive shell: nothing to analyse
      case Input::Kind::Opaque:
        out_.issues.push_back({"guard.opaque-input", shown, via + " runs commands read from " + in.origin, false});
        return;
      case Input::Kind::Text:
        // the shell reads text the outer shell expanded first: a $(…) or unknown
        // $VAR in it becomes code, so any run-time part makes it opaque
        if (in.partial) {
          out_.issues.push_back({"guard.opaque-input", shown,
                                 via + " runs commands with parts only known at run time (" + in.origin + ")", false});
          if (only_placeholders(in.content)) return;
        }
        walk_source(in.content, copy, Input{}, inner, segment);
        return;
      case Input::Kind::File: {
        std::string text, error;
        if (!read_file_bounded(in.content, limits_.max_script_bytes, text, error)) {
          out_.issues.push_back({"guard.opaque-input", shown, via + " reads " + in.origin + ": " + error, false});
          return;
        }
        walk_source(std::move(text), copy, Input{}, inner, segment);
        return;
      }
    }
  }

  // What a pipeline stage writes to the next one, when that is knowable.
  Input producer_output(const Command& cmd, Scope& scope, const Input& its_input) {
    if (cmd.kind != Command::Kind::Simple || cmd.simple.words.empty())
      return Input{Input::Kind::Opaque, "", "pipe from a compound command", false};
    Expansion ex;
    for (const auto& w : cmd.simple.words) expand_word(w, scope, true, ex);
    std::vector<Arg> argv = std::move(ex.args);
    normalize_program(argv);
    if (argv.empty()) return Input{Input::Kind::Opaque, "", "pipe", false};
    if (argv[0].dynamic) return Input{Input::Kind::Opaque, argv[0].text, "pipe from " + argv[0].text, false};
    const std::string& prog = argv[0].text;
    bool dynamic = std::any_of(argv.begin() + 1, argv.end(), [](const Arg& a) { return a.dynamic; });
    if (prog == "echo" || prog == "printf") {
      std::size_t i = 1;
      bool newline = prog == "echo", escapes = prog == "printf";
      if (prog == "echo")
        while (i < argv.size() && (argv[i].text == "-n" || argv[i].text == "-e" || argv[i].text == "-E" ||
                                   argv[i].text == "-ne" || argv[i].text == "-en")) {
          if (argv[i].text.find('n') != std::string::npos) newline = false;
          if (argv[i].text.find('e') != std::string::npos) escapes = true;
          ++i;
        }
      std::string text = prog == "printf" ? printf_text(argv) : join_args(argv, i);
      if (escapes) text = unescape_echo(text);
      if (newline) text += "\n";
      Input r{Input::Kind::Text, text, "pipe from " + prog, dynamic};
      if (dynamic && only_placeholders(text)) r.kind = Input::Kind::Opaque;
      return r;
    }
    if (prog == "cat" && !dynamic) {
      if (argv.size() == 1) {
        Input own = apply_input_redirects(cmd.simple.redirects, scope, its_input, nullptr);
        return own.kind == Input::Kind::None ? Input{Input::Kind::Opaque, "", "pipe from cat", false} : own;
      }
      for (std::size_t k = 1; k < argv.size(); ++k)
        if (std::string why; rewritten(resolve_path(scope.cwd, argv[k].text), &why))
          return Input{Input::Kind::Opaque, "", "pipe from cat " + argv[k].text + " (" + why + ")", false};
      if (argv.size() == 2 && argv[1].text != "-")
        return Input{Input::Kind::File, resolve_path(scope.cwd, argv[1].text), "pipe from cat " + argv[1].text, false};
      // cat a.sql b.sql | psql: the files' contents, in order
      std::string all, error;
      for (std::size_t k = 1; k < argv.size(); ++k) {
        std::string one;
        if (argv[k].text.empty() || argv[k].text[0] == '-' ||
            !read_file_bounded(resolve_path(scope.cwd, argv[k].text), limits_.max_script_bytes * 8, one, error))
          return Input{Input::Kind::Opaque, "", "pipe from cat " + argv[k].text, false};
        all += one + "\n";
      }
      return Input{Input::Kind::Text, all, "pipe from cat", false};
    }
    return Input{Input::Kind::Opaque, prog, "pipe from " + prog, false};
  }

  // Past the bound on commands: one deny, and nothing walked further.
  void over_bound(std::string_view segment) {
    if (!too_complex_)
      out_.issues.push_back({"guard.too-complex", segment,
                             "more than " + std::to_string(limits_.max_invocations) +
                                 " commands: more than the guard analyses",
                             false});
    too_complex_ = true;
  }

  // An invocation is complete when emitted (the SQL of its inline code comes with it)
  // and, with a sink, handed over at once. Its arguments are lent to it for that
  // call, not copied (a 4 MiB `psql -c` argument was): the walk reads them again after.
  void emit(std::vector<Arg>& argv, const Env& env, const Input& in, const Ctx& ctx,
            const std::vector<std::string>& refs, std::string_view segment, const std::vector<std::string>& writes,
            const std::string& cwd, const std::string& program_path = "",
            std::vector<std::pair<std::string, std::string>> embedded_sql = {}) {
    if (emitted_ >= limits_.max_invocations) {
      over_bound(segment);
      return;
    }
    // Built in place. With a sink, the one handed over before is reused: assigning
    // into its strings and vectors reuses their storage (a long command list made
    // ten allocations a command here).
    Invocation& inv = sink_ && !out_.invocations.empty() ? out_.invocations.back() : out_.invocations.emplace_back();
    inv.embedded_sql = std::move(embedded_sql);
    inv.program_path = program_path;
    inv.env = env;
    inv.exported = ctx.exported;
    inv.var_refs = refs;
    inv.stdin_source = in;
    // Lent to the sink, whose call ends before the text walked does; kept in a result.
    if (sink_) inv.segment.lend(segment);
    else inv.segment.keep(segment);
    inv.pipeline = ctx.pipeline;
    inv.stage = ctx.stage;
    inv.stages = ctx.stages;
    inv.ordinal = ++emitted_;
    inv.via = ctx.via;
    inv.context = ctx.context;
    inv.writes = writes;
    inv.depth = ctx.depth;
    inv.cwd = cwd;
    inv.program_dynamic = argv[0].dynamic;
    inv.program_splits = argv[0].dynamic && argv[0].splits;
    inv.repeated = ctx.repeated;
    inv.written = written_;
    inv.written_seen = written_->size();
    if (!sink_) {
      inv.argv = argv;  // kept in the result
      return;
    }
    inv.argv.swap(argv);
    try {
      sink_(inv);
    } catch (...) {
      inv.argv.swap(argv);
      throw;
    }
    inv.argv.swap(argv);  // the invocation keeps the storage it had, for the next one
  }

  UnwrapResult& out_;
  const UnwrapLimits& limits_;
  const InvocationSink& sink_;
  std::size_t emitted_ = 0;  // invocations found so far (with a sink, out_ keeps only the last)
  DirectoryProbe dirs_;      // directories the walk's commands write into, found missing
  std::forward_list<std::string> sources_;  // stable addresses; nothing allocated until a source is kept
  std::forward_list<SharedText> shared_sources_;
  bool too_complex_ = false;  // an invocation past max_invocations was refused
  // Resolved paths that earlier commands in this call write.
  std::shared_ptr<WrittenFiles> written_ = std::make_shared<WrittenFiles>();
};

}  // namespace

UnwrapResult unwrap_command(std::string_view command, const std::string& cwd, const UnwrapLimits& limits,
                            const InvocationSink& sink) {
  UnwrapResult result;
  Walker walker(result, limits, sink);
  Scope scope;
  scope.cwd = cwd;
  walker.walk_text(command, scope, Input{}, Ctx{});
  walker.finish();
  return result;
}

std::string shell_quote_join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && std::all_of(a.begin(), a.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./=:,@%+").find(c) != std::string_view::npos;
    });
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) {
        if (c == '\'') out += "'\\''";
        else out += c;
      }
      out += '\'';
    }
  }
  return out;
}

}  // namespace dbguard
