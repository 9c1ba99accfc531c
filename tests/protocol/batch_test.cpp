#include "protocol/batch.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "protocol/event.h"
#include "protocol/hook_output.h"
#include "protocol/hook_runner.h"

using namespace dbguard;
using namespace dbguard::protocol;

namespace {

std::string bash_event(const std::string& command) {
  return nlohmann::json{{"tool_name", "Bash"}, {"tool_input", {{"command", command}}}, {"cwd", "/tmp"}}.dump();
}

struct BatchRun {
  BatchStats stats;
  std::vector<nlohmann::json> lines;
  std::string raw;
};

BatchRun run(const std::string& input) {
  BatchRun r;
  std::FILE* in = tmpfile();
  std::FILE* out = tmpfile();
  std::fwrite(input.data(), 1, input.size(), in);
  std::rewind(in);
  r.stats = run_batch(in, out);
  std::rewind(out);
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, out)) > 0) r.raw.append(buf, n);
  std::fclose(in);
  std::fclose(out);
  std::istringstream s(r.raw);
  std::string line;
  while (std::getline(s, line)) r.lines.push_back(nlohmann::json::parse(line));
  return r;
}

}  // namespace

TEST(Batch, OneDecisionPerLineInOrder) {
  auto r = run(bash_event("ls -la") + "\n" + bash_event("docker compose down -v") + "\n" + bash_event("git status") +
               "\n");
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.lines[0]["decision"], "allow");
  EXPECT_EQ(r.lines[1]["decision"], "deny");
  EXPECT_EQ(r.lines[1]["rules"][0], "containers.compose-down-volumes");
  EXPECT_EQ(r.lines[2]["decision"], "allow");
  EXPECT_EQ(r.stats.events, 3u);
  EXPECT_EQ(r.stats.denied, 1u);
  EXPECT_EQ(batch_exit_code(r.stats), 2);
}

TEST(Batch, SameBytesAsCheckJson) {
  // Every line is exactly what `check --json < event` prints for that event.
  std::vector<std::string> events = {bash_event("ls"), bash_event("psql -c 'TRUNCATE users'"), "{\"tool_name\":1}"};
  std::string input;
  for (const auto& e : events) input += e + "\n";
  auto r = run(input);
  std::string expected;
  for (const auto& e : events) expected += render_check_json(decide_event_bytes(e, false)) + "\n";
  EXPECT_EQ(r.raw, expected);
}

TEST(Batch, MalformedLinesAreDeniedAndDoNotShiftTheRest) {
  auto r = run("\nnot json\n[1,2]\n" + bash_event("ls") + "\n{\"tool_name\":\"Bash\",\"tool_input\":{}}\n");
  ASSERT_EQ(r.lines.size(), 5u);
  for (int i : {0, 1, 2}) EXPECT_EQ(r.lines[i]["rules"][0], "guard.malformed-event") << i;
  EXPECT_EQ(r.lines[3]["decision"], "allow");
  EXPECT_EQ(r.lines[4]["rules"][0], "guard.no-command");
}

TEST(Batch, LastLineWithoutNewlineCounts) {
  auto r = run(bash_event("ls") + "\n" + bash_event("dropdb app"));
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[1]["decision"], "deny");
}

TEST(Batch, EmptyInputGivesNoOutput) {
  auto r = run("");
  EXPECT_EQ(r.raw, "");
  EXPECT_EQ(r.stats.events, 0u);
  EXPECT_EQ(batch_exit_code(r.stats), 0);
}

TEST(Batch, OverlongLineIsDeniedUnreadAndTheNextLineIsJudged) {
  std::string big = bash_event(std::string(kMaxEventBytes + 10, 'a'));
  auto r = run(big + "\n" + bash_event("ls") + "\n");
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0]["rules"][0], "guard.malformed-event");
  EXPECT_NE(r.lines[0]["reason"].get<std::string>().find("larger than"), std::string::npos);
  EXPECT_EQ(r.lines[1]["decision"], "allow");
}

// Read from a pipe (as `dbguard check --batch < events.jsonl` through a shell
// pipeline is), every line is decided as from a file, and the reader widens the
// pipe so that it wakes once per megabyte rather than once per 64 KiB.
TEST(Batch, FromAPipeEveryLineIsDecidedAndThePipeIsWidened) {
  std::string input;
  for (int i = 0; i < 1500; ++i)
    input += bash_event(i % 3 == 0 ? "docker volume rm pgdata" : "git log --oneline -n " + std::to_string(i)) + "\n";
  ASSERT_GT(input.size(), 64u << 10);  // more than a default pipe holds
  auto from_file = run(input);

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread writer([&] {
    std::size_t done = 0;
    while (done < input.size()) {
      ssize_t n = write(fds[1], input.data() + done, input.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    close(fds[1]);
  });
  std::FILE* in = fdopen(fds[0], "r");
  std::FILE* out = tmpfile();
  BatchStats stats = run_batch(in, out);
  int widened = fcntl(fds[0], F_GETPIPE_SZ);
  writer.join();
  std::rewind(out);
  std::string raw;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, out)) > 0) raw.append(buf, n);
  std::fclose(in);
  std::fclose(out);

  EXPECT_EQ(stats.events, 1500u);
  EXPECT_EQ(stats.denied, from_file.stats.denied);
  EXPECT_EQ(raw, from_file.raw);
  long max = 0;
  std::ifstream("/proc/sys/fs/pipe-max-size") >> max;
  if (max >= (1 << 20)) {
    EXPECT_GE(widened, 1 << 20);
  }
}
