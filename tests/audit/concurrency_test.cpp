// Claude Code runs hooks in parallel: appends from many processes at once must
// never interleave, lose or fork the chain.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <optional>
#include <set>
#include <thread>

#include "../support/events.h"
#include "audit/verify.h"
#include "protocol/hook_runner.h"

using namespace dbguard;
using namespace dbguard::testing;

namespace {

// Sets environment variables for the test and puts them back afterwards.
class EnvGuard {
 public:
  void set(const std::string& k, const std::string& v) {
    const char* old = std::getenv(k.c_str());
    saved_.emplace_back(k, old ? std::optional<std::string>(old) : std::nullopt);
    ::setenv(k.c_str(), v.c_str(), 1);
  }
  ~EnvGuard() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
      else ::unsetenv(it->first.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

void check_log(const std::string& log, std::size_t processes, std::size_t per_process) {
  std::size_t total = processes * per_process;
  auto lines = lines_of(read_file(log));
  ASSERT_EQ(lines.size(), total);
  auto r = audit::verify_chain(log, "");
  EXPECT_TRUE(r.ok) << audit::describe(r);
  EXPECT_EQ(r.records, total);
  std::set<std::string> ids;
  std::set<std::uint64_t> seqs;
  std::size_t denied = 0;
  for (const auto& l : lines) {
    auto j = nlohmann::json::parse(l);  // every line whole: no interleaving
    ids.insert(j["session_id"].get<std::string>() + "/" + j["tool_use_id"].get<std::string>());
    seqs.insert(j["seq"].get<std::uint64_t>());
    denied += j["decision"] == "deny";
  }
  EXPECT_EQ(ids.size(), total);  // nothing lost, nothing twice
  EXPECT_EQ(seqs.size(), total);
  EXPECT_EQ(*seqs.begin(), 1u);
  EXPECT_EQ(*seqs.rbegin(), total);
  EXPECT_GT(denied, 0u);
}

}  // namespace

// 16 processes, each making 500 decisions through the hook's own code path
// (read the event, decide, append under the lock) as fast as they can.
TEST(AuditConcurrency, SixteenProcessesTimesFiveHundredDecisions) {
  constexpr int kProcesses = 16, kDecisions = 500;
  ScratchDir d("audit-concurrency");
  EnvGuard env;
  env.set("DBGUARD_AUDIT_LOG", d / "audit.jsonl");
  env.set("DBGUARD_MANAGED_POLICY", d / "none/managed.toml");
  env.set("DBGUARD_USER_POLICY", d / "none/user.toml");
  env.set("DBGUARD_TIME_BUDGET_MS", "5000");  // a loaded CI machine must not turn this into a timeout test
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int bad = 0;
      std::FILE* sink = std::fopen("/dev/null", "w");
      for (int k = 0; k < kDecisions; ++k) {
        bool destructive = k % 4 == 0;
        std::string ev = bash_event(destructive ? "docker volume rm pgdata" : "ls -la", d.path(),
                                    "toolu_" + std::to_string(k), "proc-" + std::to_string(p));
        std::FILE* in = ::fmemopen(ev.data(), ev.size(), "r");
        int code = protocol::run_hook(in, sink, sink);
        std::fclose(in);
        bad += code != (destructive ? 2 : 0);
      }
      std::fclose(sink);
      ::_exit(bad == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a worker saw a wrong decision or crashed";
  }
  check_log(d / "audit.jsonl", kProcesses, kDecisions);
}

// The same through the real binary, each decision its own `dbguard hook` process.
TEST(AuditConcurrency, ParallelHookProcessesKeepOneChain) {
  constexpr int kWorkers = 8, kEach = 25;
  ScratchDir d("audit-concurrency-bin");
  auto env = isolated_env(d);
  env["DBGUARD_AUDIT_LOG"] = d / "audit.jsonl";
  std::vector<std::thread> workers;
  std::atomic<int> wrong{0};
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int k = 0; k < kEach; ++k) {
        bool destructive = k % 3 == 0;
        auto r = run({DBGUARD_BINARY, "hook"},
                     bash_event(destructive ? "docker compose down -v" : "git status", d.path(),
                                "toolu_" + std::to_string(k), "bin-" + std::to_string(w)),
                     env);
        if (r.code != (destructive ? 2 : 0)) ++wrong;
      }
    });
  for (auto& t : workers) t.join();
  EXPECT_EQ(wrong.load(), 0);
  check_log(d / "audit.jsonl", kWorkers, kEach);
}
