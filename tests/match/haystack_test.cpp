#include "match/haystack.h"

#include <gtest/gtest.h>

using namespace dbguard;

TEST(Haystack, SpacesInsideAnArgumentCannotLookLikeACommand) {
  Invocation inv;
  inv.argv = {{"git", false}, {"commit", false}, {"-m", false}, {"docker compose down -v", false}};
  auto h = build_haystack(inv);
  EXPECT_EQ(h.text, "git commit -m docker\x1f" "compose\x1f" "down\x1f-v");
  EXPECT_EQ(h.command_end, h.text.size());
}

TEST(Haystack, DynamicArgumentsAreMarked) {
  Invocation inv;
  inv.argv = {{"docker", false}, {"$ACTION", true}};
  EXPECT_EQ(build_haystack(inv).text, "docker \x1e$ACTION");
}

TEST(Haystack, EnvVariablesFollowTheCommandLine) {
  Invocation inv;
  inv.argv = {{"psql", false}};
  inv.env = {{"PGHOST", {"prod-db", false}}};
  inv.var_refs = {"PROD_DATABASE_URL"};
  auto h = build_haystack(inv);
  EXPECT_EQ(h.text, "psql\nPGHOST=prod-db\n$PROD_DATABASE_URL");
  EXPECT_EQ(h.command_end, 4u);
}

// A wrapper's line is matched on its own, once (ContextMarks): the haystack ends
// where it would have begun, with the newline before it.
TEST(Haystack, AWrappersLineIsNotCopiedIn) {
  Invocation inv;
  inv.argv = {{"psql", false}};
  inv.var_refs = {"PGHOST"};
  inv.context = {"ssh prod-host psql"};
  auto h = build_haystack(inv);
  EXPECT_EQ(h.text, "psql\n$PGHOST\n");
  EXPECT_EQ(h.command_end, 4u);
}
