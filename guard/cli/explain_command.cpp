#include <iostream>
#include <unistd.h>

#include "cli/commands.h"
#include "decision/engine.h"
#include "match/haystack.h"
#include "protocol/event.h"

namespace dbguard::cli {
namespace {

std::string show(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\x1f') out += ' ';
    else out += c;
  }
  return out;
}

std::string show_arg(const Arg& a) { return a.dynamic ? "⟨" + show(a.text) + "⟩" : "«" + show(a.text) + "»"; }

const char* input_kind(Input::Kind k) {
  switch (k) {
    case Input::Kind::None: return "none";
    case Input::Kind::Text: return "text";
    case Input::Kind::File: return "file";
    case Input::Kind::Opaque: return "opaque";
  }
  return "?";
}

// What the engine saw and decided, stage by stage.
void print_trace(const Decision& d) {
  for (const auto& n : d.notes) std::cout << "note: " << n << "\n";
  int i = 0;
  for (const auto& t : d.trace) {
    const auto& inv = t.invocation;
    std::cout << "\n[" << ++i << "] segment: " << show(inv.segment) << "\n    argv:";
    for (const auto& a : inv.argv) std::cout << " " << show_arg(a);
    std::cout << "\n";
    if (inv.stage > 0) std::cout << "    position: pipeline stage " << inv.stage << " of " << inv.stages << "\n";
    if (!inv.via.empty()) {
      std::cout << "    via:";
      for (const auto& v : inv.via) std::cout << " " << v << " >";
      std::cout << " (depth " << inv.depth << ")\n";
    }
    for (const auto& [k, v] : inv.env) std::cout << "    env: " << k << "=" << show_arg(v) << "\n";
    for (const auto& shared : inv.exported)
      for (const auto& [k, v] : *shared) std::cout << "    exported: " << k << "=" << show_arg(v) << "\n";
    if (inv.stdin_source.kind != Input::Kind::None)
      std::cout << "    stdin: " << input_kind(inv.stdin_source.kind) << " from " << inv.stdin_source.origin << "\n";
    for (const auto& w : inv.writes) std::cout << "    writes: " << w << "\n";
    for (const auto& s : t.sql) {
      std::cout << "    sql from " << s.source << (s.parsed ? "" : " (not parsed: " + s.error + "; scanner fallback)") << ":\n";
      for (const auto& st : s.statements) std::cout << "      - " << show(st) << "\n";
    }
    for (const auto& m : t.matched) std::cout << "    pattern matched: " << m << "\n";
    for (const auto& c : t.cleared) std::cout << "    cleared: " << c << "\n";
    if (!t.production.empty()) std::cout << "    production marker: " << t.production << "\n";
  }
  std::cout << "\nfindings:\n";
  if (d.findings.empty()) std::cout << "  (none)\n";
  for (const auto& f : d.findings)
    std::cout << "  - " << f.rule << (f.hard ? " [HARD]" : "") << ": " << show(f.detail) << " [" << f.source << "]\n";
  std::cout << "\ndecision: " << to_string(d.verdict) << (d.hard ? " (hard)" : "") << "\n";
  if (!d.reason.empty()) std::cout << "\n" << d.reason;
}

void explain_command(const std::vector<std::string>& words, std::string cwd) {
  if (cwd.empty()) {
    char buf[4096];
    cwd = getcwd(buf, sizeof buf) ? buf : ".";
  }
  std::string command = command_from_args(words);
  EngineOptions opt;
  opt.trace = true;
  Decision d = Engine::embedded().decide_command(command, cwd, opt);
  std::cout << "command: " << show(command) << "\n";
  print_trace(d);
}

// No command: a hook event on stdin (an MCP tool call, or any other tool).
void explain_event() {
  std::string bytes;
  bool complete = protocol::read_all_bounded(stdin, bytes, protocol::kMaxEventBytes);
  auto ev = protocol::parse_event(bytes, !complete);
  if (!ev.ok) {
    std::cerr << "dbguard explain: " << ev.error << "\n";
    std::exit(1);
  }
  EngineOptions opt;
  opt.trace = true;
  Decision d = Engine::embedded().decide_tool(ev.event.tool_name, ev.event.tool_input, ev.event.cwd, opt);
  std::cout << "event: " << ev.event.tool_name << " " << show(ev.event.tool_input.dump()) << "\n";
  print_trace(d);
}

}  // namespace

void add_explain(CLI::App& app) {
  auto words = std::make_shared<std::vector<std::string>>();
  auto cwd = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("explain", "Show the parse, every rule that matched and why, and the decision");
  cmd->add_option("--cwd", *cwd, "directory relative files resolve against");
  cmd->add_option("command", *words, "the command: one string, or words after --; none: a hook event on stdin");
  cmd->callback([words, cwd] {
    if (words->empty()) explain_event();
    else explain_command(*words, *cwd);
  });
}

}  // namespace dbguard::cli
