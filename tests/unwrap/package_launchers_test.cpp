#include <gtest/gtest.h>

#include "unwrap/unwrap.h"
#include "unwrap/wrappers.h"

using namespace dbguard;

namespace {

using V = std::vector<std::string>;

// The argv of the last command the line runs.
V innermost(const std::string& cmd) {
  auto r = unwrap_command(cmd, "/nonexistent");
  V v;
  if (r.invocations.empty()) return v;
  for (const auto& a : r.invocations.back().argv) v.push_back(a.text);
  return v;
}

TEST(PackageLaunchers, EachIsPeeledToTheCommandItRuns) {
  const V reset = {"prisma", "migrate", "reset", "--force"};
  for (const char* cmd : {"npx prisma migrate reset --force", "npx --yes -p prisma prisma migrate reset --force",
                          "npx -c 'prisma migrate reset --force'", "npm exec -- prisma migrate reset --force",
                          "npm exec prisma -- migrate reset --force", "npm x -- prisma migrate reset --force",
                          "npm exec --package=prisma -c 'prisma migrate reset --force'",
                          "pnpm dlx prisma migrate reset --force", "pnpm --package=prisma dlx prisma migrate reset --force",
                          "pnpm exec prisma migrate reset --force", "yarn dlx -p prisma prisma migrate reset --force",
                          "yarn exec prisma migrate reset --force", "bunx prisma migrate reset --force",
                          "bun x prisma migrate reset --force",
                          "corepack pnpm exec prisma migrate reset --force",
                          "cross-env NODE_ENV=test prisma migrate reset --force",
                          "cross-env-shell 'prisma migrate reset --force'", "dotenv -e .env -- prisma migrate reset --force",
                          "dotenv -e .env prisma migrate reset --force", "dotenv run -- prisma migrate reset --force",
                          "env-cmd -f .env.test prisma migrate reset --force",
                          "env-cmd --use-shell 'prisma migrate reset --force'",
                          "concurrently -n db 'prisma migrate reset --force'"})
    EXPECT_EQ(innermost(cmd), reset) << cmd;
}

TEST(PackageLaunchers, CrossEnvSetsTheEnvironment) {
  auto r = unwrap_command("cross-env DATABASE_URL=postgres://prod/app prisma migrate reset", "/tmp");
  ASSERT_FALSE(r.invocations.empty());
  const auto& env = r.invocations.back().env;
  EXPECT_TRUE(std::any_of(env.begin(), env.end(), [](const auto& kv) { return kv.first == "DATABASE_URL"; }));
}

TEST(PackageLaunchers, ConcurrentlyRunsEveryArgumentAndScriptShorthands) {
  auto r = unwrap_command("concurrently -k --names a,b 'dropdb app' 'npm:db:drop' vite", "/nonexistent");
  V programs;
  for (const auto& inv : r.invocations) programs.push_back(inv.argv[0].text);
  EXPECT_EQ(programs, (V{"dropdb", "npm", "vite"}));
  EXPECT_EQ(r.invocations[1].argv[2].text, "db:drop");
}

TEST(PackageLaunchers, WhatRunsNothingIsNotACommand) {
  EXPECT_EQ(peel({{"corepack", false}, {"enable", false}}).kind, Peel::Kind::None);
  EXPECT_EQ(peel({{"corepack", false}, {"prepare", false}, {"pnpm@9", false}}).kind, Peel::Kind::None);
  EXPECT_EQ(peel({{"dotenv", false}, {"-p", false}, {"DATABASE_URL", false}}).kind, Peel::Kind::Nothing);
  EXPECT_EQ(peel({{"npm", false}, {"exec", false}}).kind, Peel::Kind::Nothing);
}

}  // namespace
