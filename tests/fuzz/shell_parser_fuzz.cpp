// libFuzzer target: arbitrary text as a shell command. The parser must never
// throw or crash, must stay within its limits, and every source span it
// reports must lie inside the input; the unwrap stage (walker, wrapper
// peeling) must then turn whatever parsed into invocations without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "shell/parser.h"
#include "unwrap/unwrap.h"

namespace {

void check_list(const dbguard::shell::List& list, std::size_t size);

void check_command(const dbguard::shell::Command& c, std::size_t size) {
  if (c.begin > c.end || c.end > size) std::abort();
  if (c.kind == dbguard::shell::Command::Kind::Simple && (c.simple.begin > c.simple.end || c.simple.end > size))
    std::abort();
  for (const auto& body : c.bodies)
    if (body) check_list(*body, size);
}

void check_list(const dbguard::shell::List& list, std::size_t size) {
  for (const auto& ao : list.items)
    for (const auto& pl : ao.pipelines)
      for (const auto& c : pl.commands)
        if (c) check_command(*c, size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = dbguard::shell::parse(text);
  if (parsed.ok && !parsed.list) std::abort();
  if (!parsed.ok && parsed.error.empty()) std::abort();
  if (parsed.ok) check_list(*parsed.list, size);
  // Cut at a command bound: what parsed is a prefix of the whole, inside the input.
  dbguard::shell::ParseLimits cut;
  cut.stop_after_commands = 1 + size % 3;
  auto prefix = dbguard::shell::parse(text, cut);
  if (prefix.ok) {
    if (!prefix.list || prefix.truncated_at > size) std::abort();
    check_list(*prefix.list, size);
    if (parsed.ok && prefix.list->items.size() > parsed.list->items.size()) std::abort();
    if (parsed.ok && !prefix.truncated && prefix.list->items.size() != parsed.list->items.size()) std::abort();
    if (!parsed.ok && !prefix.truncated) std::abort();  // the same text, parsed whole
  }
  // Items handed to a sink as they are parsed: the same items, the same outcome.
  std::size_t handed = 0;
  auto streamed = dbguard::shell::parse(text, {}, [&](dbguard::shell::AndOr& item) {
    dbguard::shell::List one;
    one.items.push_back(std::move(item));
    check_list(one, size);
    ++handed;
  });
  if (streamed.ok != parsed.ok || streamed.error != parsed.error) std::abort();
  if (streamed.ok && (!streamed.list->items.empty() || handed != parsed.list->items.size())) std::abort();
  auto unwrapped = dbguard::unwrap_command(text, "/nonexistent-fuzz-cwd");
  for (const auto& inv : unwrapped.invocations)
    if (inv.argv.empty()) std::abort();
  // The walker with a sink walks each item as it is parsed: on a text that parses
  // (nested texts too: of one that does not, the sink sees the items before the
  // error), it sees what the walk over the whole tree sees, in the same order.
  std::vector<std::string> sunk;
  auto through_sink = dbguard::unwrap_command(text, "/nonexistent-fuzz-cwd", {}, [&](const dbguard::Invocation& inv) {
    sunk.push_back(inv.segment);
  });
  bool all_parsed = parsed.ok;
  for (const auto& issue : unwrapped.issues)
    all_parsed = all_parsed && issue.rule != "guard.unparseable" && issue.rule != "guard.depth-exceeded";
  if (all_parsed) {
    if (sunk.size() != unwrapped.invocations.size()) std::abort();
    for (std::size_t i = 0; i < sunk.size(); ++i)
      if (sunk[i] != unwrapped.invocations[i].segment) std::abort();
    if (through_sink.issues.size() != unwrapped.issues.size()) std::abort();
  }
  // And the walker's own bound on invocations, small enough to be reached.
  dbguard::UnwrapLimits small;
  small.max_invocations = 2;
  auto bounded = dbguard::unwrap_command(text, "/nonexistent-fuzz-cwd", small);
  if (bounded.invocations.size() > small.max_invocations) std::abort();
  return 0;
}
