#include "policy/production_extras.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace dbguard;
using namespace dbguard::policy;

namespace {

ProductionExtras extras(std::vector<std::string> hosts, std::vector<std::string> markers,
                        std::vector<std::string> databases = {}) {
  ProductionExtras x;
  for (auto& h : hosts) x.hosts.push_back({std::move(h), {}});
  for (auto& m : markers) x.markers.push_back({std::move(m), {}});
  for (auto& d : databases) x.databases.push_back({std::move(d), {}});
  return x;
}

Invocation call(std::vector<std::string> words) {
  Invocation inv;
  for (auto& w : words) inv.argv.push_back({std::move(w), false});
  return inv;
}

// Nothing shared is asked of in these calls (no wrapper lines, no exports).
const SharedMarks no_lines{[](const SharedText&) { return std::string(); },
                           [](const SharedEnv&) { return EnvMarks{}; }};

}  // namespace

TEST(ProductionExtras, HostsAreFoundInEveryFormAWordCarries) {
  const auto x = extras({"*.corp.example.com"}, {});
  for (const char* word : {"db1.corp.example.com", "--host=db1.corp.example.com", "-hdb1.corp.example.com",
                           "deploy@db1.corp.example.com", "db1.corp.example.com:5432",
                           "postgresql://app:pw@db0.example.com,db1.corp.example.com:5433/app?sslmode=require",
                           "DATABASE_URL=postgres://app@db1.corp.example.com/app"}) {
    const std::string named = production_marker(x, call({"psql", word}), no_lines);
    EXPECT_EQ(named.rfind("host ", 0), 0u) << word;
    EXPECT_NE(named.find("db1.corp.example.com (production host *.corp.example.com"), std::string::npos) << named;
  }
  EXPECT_EQ(production_marker(x, call({"psql", "-h", "db1.example.com", "corp.example.com.evil"}), no_lines), "");
}

TEST(ProductionExtras, AMarkerIsANamePartInAnyCase) {
  const auto x = extras({}, {"live"});
  EXPECT_NE(production_marker(x, call({"psql", "-h", "LIVE-db.example.com"}), no_lines), "");
  EXPECT_NE(production_marker(x, call({"psql", "$APP_Live_URL"}), no_lines), "");
  EXPECT_EQ(production_marker(x, call({"psql", "-h", "delivery.example.com"}), no_lines), "");
  EXPECT_EQ(production_marker(x, call({"psql", "-h", "olive"}), no_lines), "");
}

// The words of a long argument are read one by one where they stand: the one that
// marks is named, however far in.
TEST(ProductionExtras, AWordFarIntoALongArgumentIsNamed) {
  std::string sql;
  for (int i = 0; i < 50000; ++i) sql += "select " + std::to_string(i) + ";\n";
  sql += "-- host=db9.corp.example.com";
  EXPECT_EQ(production_marker(extras({"*.corp.example.com"}, {}), call({"psql", "-c", sql}), no_lines)
                .rfind("host host=db9.corp.example.com (production host", 0),
            0u);
}

// The wrappers' lines come after everything else, in order, each asked of the
// caller (which remembers the answer for the many commands that carry it).
TEST(ProductionExtras, WrapperLinesAreAskedLastAndInOrder) {
  const auto x = extras({}, {"live"});
  Invocation inv = call({"psql", "-c", "select 1"});
  inv.context = {SharedText(std::string("ssh bastion")), SharedText(std::string("ssh live-db")),
                 SharedText(std::string("ssh other"))};
  std::vector<std::string> asked;
  SharedMarks lines{[&](const SharedText& line) {
                      asked.push_back(line.str());
                      return first_marker(x, line.str());
                    },
                    no_lines.env};
  EXPECT_EQ(production_marker(x, inv, lines).rfind("live-db (production marker live", 0), 0u);
  EXPECT_EQ(asked, (std::vector<std::string>{"ssh bastion", "ssh live-db"}));
  asked.clear();
  inv.env = {{"PGHOST", {"live-replica", false}}};
  EXPECT_EQ(production_marker(x, inv, lines).rfind("live-replica", 0), 0u);
  EXPECT_TRUE(asked.empty());
}

TEST(ProductionExtras, DatabasesAreNamedByFlagURIOrEnvironment) {
  const auto x = extras({}, {}, {"clinic_*"});
  EXPECT_NE(production_marker(x, call({"psql", "-d", "clinic_main"}), no_lines), "");
  EXPECT_NE(production_marker(x, call({"pg_dump", "postgres://app@db/clinic_main?sslmode=require"}), no_lines), "");
  Invocation env = call({"psql"});
  env.env = {{"PGDATABASE", {"clinic_main", false}}};
  EXPECT_EQ(production_marker(x, env, no_lines).rfind("database clinic_main", 0), 0u);
  EXPECT_EQ(production_marker(x, call({"psql", "-d", "billing"}), no_lines), "");
}

// A shell's exported variables are asked of the caller (which remembers the answer
// for every command they reach): their markers after the command's own environment
// and before the variables it names, their databases after its own.
TEST(ProductionExtras, ExportedVariablesAreAskedAfterTheCommandsOwn) {
  const auto x = extras({}, {"live"}, {"clinic_*"});
  Invocation inv = call({"psql", "-c", "select 1"});
  inv.var_refs = {"LIVE_URL"};
  auto exported = std::make_shared<const Env>(Env{{"PGHOST", {"live-db", false}}, {"PGDATABASE", {"clinic_main", false}}});
  inv.exported = {exported};
  int asked = 0;
  SharedMarks shared{no_lines.line, [&](const SharedEnv& env) {
                       ++asked;
                       EXPECT_EQ(env, exported);
                       return env_marks(x, *env);
                     }};
  EXPECT_EQ(production_marker(x, inv, shared).rfind("live-db (production marker live", 0), 0u);
  EXPECT_EQ(asked, 1);
  inv.env = {{"PGUSER", {"live_admin", false}}};  // the command's own comes first
  EXPECT_EQ(production_marker(x, inv, shared).rfind("live_admin", 0), 0u);
  EXPECT_EQ(asked, 1);

  const auto databases = extras({}, {}, {"clinic_*"});
  Invocation db = call({"psql", "-c", "select 1"});
  db.exported = {exported};
  EXPECT_EQ(env_marks(databases, *exported).marker, "");
  EXPECT_EQ(env_marks(databases, *exported).database.rfind("database clinic_main", 0), 0u);
  SharedMarks by_db{no_lines.line, [&](const SharedEnv& env) { return env_marks(databases, *env); }};
  EXPECT_EQ(production_marker(databases, db, by_db).rfind("database clinic_main", 0), 0u);
  db.env = {{"PGDATABASE", {"clinic_other", false}}};
  EXPECT_EQ(production_marker(databases, db, by_db).rfind("database clinic_other", 0), 0u);
}
