#include "unwrap/script_dir.h"

#include <gtest/gtest.h>

using dbguard::with_script_dir;

TEST(ScriptDir, TheIdiomsForTheScriptsOwnDirectory) {
  const std::string d = "/p/scripts";
  EXPECT_EQ(with_script_dir("source \"$(dirname \"$0\")/common.sh\"", d), "source \"/p/scripts/common.sh\"");
  EXPECT_EQ(with_script_dir("bash $(dirname $0)/x.sh", d), "bash /p/scripts/x.sh");
  EXPECT_EQ(with_script_dir("D=$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)", d), "D=/p/scripts");
  EXPECT_EQ(with_script_dir("D=$(cd -- \"$(dirname -- \"${BASH_SOURCE[0]}\")\" &> /dev/null && pwd)", d), "D=/p/scripts");
  EXPECT_EQ(with_script_dir("D=\"$(dirname \"$(realpath \"$0\")\")\"", d), "D=\"/p/scripts\"");
  EXPECT_EQ(with_script_dir("cd `dirname $0`", d), "cd /p/scripts");
  EXPECT_EQ(with_script_dir(". \"${0%/*}/lib.sh\"", d), ". \"/p/scripts/lib.sh\"");
  EXPECT_EQ(with_script_dir(". \"${BASH_SOURCE%/*}/lib.sh\"", d), ". \"/p/scripts/lib.sh\"");
}

TEST(ScriptDir, OtherTextStaysAsWritten) {
  const std::string d = "/p";
  EXPECT_EQ(with_script_dir("echo $0", "/p"), "echo $0");                          // the path itself, not its dir
  EXPECT_EQ(with_script_dir("x=$(dirname \"$1\")", d), "x=$(dirname \"$1\")");    // another argument
  EXPECT_EQ(with_script_dir("ls", d), "ls");
  EXPECT_EQ(with_script_dir("cd $(dirname \"$0\")", "/a\\b"), "cd /a\\b");         // a backslash is kept
}
