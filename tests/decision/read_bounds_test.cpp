// Files over the guard's read bound are denied, not skipped — whatever their
// name (a missing harmless-looking script passes; an oversized one never does).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "decision/engine.h"

using namespace dbguard;
namespace fs = std::filesystem;

namespace {

bool denied_by(const Decision& d, const std::string& rule) {
  if (d.verdict == Verdict::Allow) return false;
  for (const auto& f : d.findings)
    if (f.rule == rule) return true;
  return false;
}

class ReadBounds : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("dbguard-bounds-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string filler(2u << 20, '#');
    filler += "\n";
    std::ofstream(dir / "bigscript.sh") << "#!/bin/sh\n" << filler << "dropdb app\n";
    std::ofstream(dir / "Makefile") << "build:\n\techo hi\n# " << filler;
    std::ofstream(dir / "package.json") << "{\"scripts\": {\"build\": \"tsc\"}, \"x\": \"" << std::string(2u << 20, 'x')
                                        << "\"}";
    std::ofstream(dir / "big.sql") << "SELECT 1;\n-- " << std::string(9u << 20, 'x') << "\nDROP TABLE users;\n";
    std::ofstream(dir / "small.sh") << "echo hello\n";
  }
  void TearDown() override { fs::remove_all(dir); }
  Decision decide(const std::string& cmd) { return Engine::embedded().decide_command(cmd, dir.string()); }
  fs::path dir;
};

TEST_F(ReadBounds, OversizedScriptIsDeniedWhateverItsName) {
  for (const char* cmd : {"bash bigscript.sh", "sh bigscript.sh", "source bigscript.sh", ". ./bigscript.sh"}) {
    Decision d = decide(cmd);
    EXPECT_TRUE(denied_by(d, "guard.file-too-large")) << cmd << "\n" << d.reason;
    EXPECT_NE(d.reason.find("1 MiB"), std::string::npos) << cmd << ": the reason names the bound\n" << d.reason;
  }
  EXPECT_EQ(decide("bash small.sh").verdict, Verdict::Allow);
  EXPECT_EQ(decide("bash missing_build.sh").verdict, Verdict::Allow);  // the documented unreadable rule
}

TEST_F(ReadBounds, OversizedMakefileAndPackageJsonAreDenied) {
  EXPECT_TRUE(denied_by(decide("make build"), "guard.file-too-large"));
  EXPECT_TRUE(denied_by(decide("npm run build"), "guard.file-too-large"));
}

TEST_F(ReadBounds, OversizedSqlFileIsDenied) {
  Decision d = decide("psql -f big.sql");
  EXPECT_NE(d.verdict, Verdict::Allow) << d.reason;
  EXPECT_NE(d.reason.find("8 MiB"), std::string::npos) << d.reason;
}

}  // namespace
