// libFuzzer target: arbitrary bytes as the hook's stdin. Whatever arrives, the
// hook must answer with its protocol and nothing else: exit 0 with nothing on
// stderr (allow) or with the exact ask JSON, or exit 2 with a reason (deny);
// never permissionDecision "allow"; and `check --json` must render the same
// decision as valid JSON. And each of the event's JSON readers (Boost.JSON's and
// RapidJSON's, whatever the input's size) must agree with the one they replaced
// (nlohmann_json's DOM; tests/protocol/event_oracle.h) on every input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "protocol/event.h"
#include "protocol/hook_output.h"
#include "protocol/hook_runner.h"
#include "../protocol/event_oracle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dbguard;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  for (auto reader : {protocol::EventReader::BoostJson, protocol::EventReader::RapidJson})
    if (!protocol::oracle::disagreement(bytes, reader).empty()) std::abort();
  Decision d = protocol::decide_event_bytes(bytes, false);
  protocol::HookOutput out = protocol::render_hook(d);
  if (out.exit_code != 0 && out.exit_code != 2) std::abort();
  if (out.exit_code == 0 && !out.stderr_text.empty()) std::abort();
  if (out.exit_code == 2 && (out.stderr_text.empty() || !out.stdout_text.empty())) std::abort();
  if (d.verdict == Verdict::Deny && d.findings.empty()) std::abort();
  if (out.stdout_text.find("\"allow\"") != std::string::npos) std::abort();
  auto j = nlohmann::json::parse(protocol::render_check_json(d), nullptr, false);
  if (j.is_discarded() || j["decision"] != to_string(d.verdict)) std::abort();
  return 0;
}
