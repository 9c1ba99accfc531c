// Policy layering and the floor: lower layers only add protection, only the
// managed layer removes it, and hard rules stay hard whoever asks.
#include <gtest/gtest.h>

#include "packs/embedded.h"
#include "policy/merge.h"
#include "policy/policy_file.h"

using namespace dbguard::policy;

namespace {

LayerData layer(Layer l, const std::string& text, const std::string& name = "") {
  std::string path = name.empty() ? std::string("/etc/") + to_string(l) + ".toml" : name;
  return parse_policy_text(text, path, l);
}

Policy merge(std::vector<LayerData> layers) { return merge_layers(layers, dbguard::packs::embedded_packs()); }

bool rejected_mentions(const Policy& p, const std::string& key) {
  for (const auto& r : p.rejected)
    if (r.key == key) return true;
  return false;
}

}  // namespace

TEST(PolicyMerge, BuiltInDefaultsDenyEveryRule) {
  Policy p = merge({});
  EXPECT_TRUE(p.valid());
  EXPECT_EQ(p.action_for("containers.volume-rm"), Action::Deny);
  EXPECT_TRUE(p.allow.empty());
  EXPECT_FALSE(p.audit.required.value);
  EXPECT_TRUE(p.audit.log_allows.value);
}

TEST(PolicyMerge, ManagedMaySoftenNonHardRules) {
  Policy p = merge({layer(Layer::Managed, "[rules]\n\"containers.volume-rm\" = \"ask\"\nterraform.state-rm = \"allow\"\n"
                                          "[[allow]]\ncommand = \"docker volume rm scratch\"\nreason = \"disposable\"\n")});
  EXPECT_TRUE(p.valid());
  EXPECT_TRUE(p.rejected.empty());
  Origin o;
  EXPECT_EQ(p.action_for("containers.volume-rm", &o), Action::Ask);
  EXPECT_EQ(o.layer, Layer::Managed);
  EXPECT_EQ(o.line, 2);
  EXPECT_EQ(p.action_for("terraform.state-rm"), Action::Allow);  // dotted key form
  ASSERT_EQ(p.allow.size(), 1u);
  EXPECT_EQ(p.allow[0].reason, "disposable");
}

TEST(PolicyMerge, UserAndProjectMayNotSoften) {
  for (Layer l : {Layer::User, Layer::Project}) {
    Policy p = merge({layer(l, "[rules]\n\"containers.volume-rm\" = \"allow\"\n"
                               "[[allow]]\ncommand = \"docker volume rm x\"\nreason = \"mine\"\n")});
    EXPECT_TRUE(p.valid()) << to_string(l);
    EXPECT_EQ(p.action_for("containers.volume-rm"), Action::Deny) << to_string(l);
    EXPECT_TRUE(p.allow.empty()) << to_string(l);
    EXPECT_TRUE(rejected_mentions(p, "rules.containers.volume-rm")) << to_string(l);
    EXPECT_TRUE(rejected_mentions(p, "allow")) << to_string(l);
  }
}

TEST(PolicyMerge, LowerLayersMayTightenWhatManagedSoftened) {
  Policy p = merge({layer(Layer::Managed, "[rules]\n\"containers.volume-rm\" = \"allow\"\n\"alembic.stamp\" = \"allow\"\n"),
                    layer(Layer::User, "[rules]\n\"containers.volume-rm\" = \"ask\"\n"),
                    layer(Layer::Project, "[rules]\n\"containers.volume-rm\" = \"deny\"\n\"alembic.stamp\" = \"ask\"\n")});
  EXPECT_TRUE(p.rejected.empty());
  Origin o;
  EXPECT_EQ(p.action_for("containers.volume-rm", &o), Action::Deny);
  EXPECT_EQ(o.layer, Layer::Project);
  EXPECT_EQ(p.action_for("alembic.stamp"), Action::Ask);
  // …but not loosen again below a stricter layer
  Policy q = merge({layer(Layer::Managed, "[rules]\n\"containers.volume-rm\" = \"allow\"\n"),
                    layer(Layer::User, "[rules]\n\"containers.volume-rm\" = \"deny\"\n"),
                    layer(Layer::Project, "[rules]\n\"containers.volume-rm\" = \"allow\"\n")});
  EXPECT_EQ(q.action_for("containers.volume-rm"), Action::Deny);
  EXPECT_TRUE(rejected_mentions(q, "rules.containers.volume-rm"));
}

TEST(PolicyMerge, HardRulesStayHardInEveryLayer) {
  for (Layer l : {Layer::Managed, Layer::User, Layer::Project}) {
    Policy p = merge({layer(l, "[rules]\n\"production.db-client\" = \"allow\"\n\"production.script\" = \"ask\"\n"
                               "\"guard.self-protection\" = \"allow\"\n\"guard.opaque-input\" = \"allow\"\n"
                               "\"terraform.destroy-database\" = \"ask\"\n")});
    EXPECT_TRUE(p.valid()) << to_string(l);  // reported, not fatal: the rule simply stays hard
    for (const char* id : {"production.db-client", "production.script", "guard.self-protection", "guard.opaque-input",
                           "terraform.destroy-database"}) {
      EXPECT_EQ(p.action_for(id), Action::Deny) << to_string(l) << " " << id;
      EXPECT_TRUE(rejected_mentions(p, std::string("rules.") + id)) << to_string(l) << " " << id;
    }
  }
}

TEST(PolicyMerge, ProductionMarkersAddFromEveryLayer) {
  Policy p = merge({layer(Layer::Managed, "[production]\nhosts = [\"*.corp.example.com\"]\n"),
                    layer(Layer::User, "[production]\nmarkers = [\"live\"]\n"),
                    layer(Layer::Project, "[production]\nscripts = [\"deploy_db*.sh\"]\ndatabases = [\"clinic_main\"]\n")});
  EXPECT_TRUE(p.valid());
  ASSERT_EQ(p.production.hosts.size(), 1u);
  ASSERT_EQ(p.production.markers.size(), 1u);
  ASSERT_EQ(p.production.scripts.size(), 1u);
  ASSERT_EQ(p.production.databases.size(), 1u);
  EXPECT_EQ(p.production.markers[0].origin.layer, Layer::User);
}

TEST(PolicyMerge, AuditSettingsFollowTheFloor) {
  Policy p = merge({layer(Layer::User, "[audit]\nrequired = true\npath = \"/var/log/me.jsonl\"\n"),
                    layer(Layer::Project, "[audit]\nrequired = false\npath = \"/tmp/elsewhere.jsonl\"\nlog_allows = false\n")});
  EXPECT_TRUE(p.audit.required.value);  // a project cannot turn it back off
  EXPECT_EQ(p.audit.path.value, "/var/log/me.jsonl");
  EXPECT_TRUE(p.audit.log_allows.value);
  EXPECT_TRUE(rejected_mentions(p, "audit.path"));
  EXPECT_TRUE(rejected_mentions(p, "audit.log_allows"));
  Policy m = merge({layer(Layer::Managed, "[audit]\npath = \"/var/log/dbguard.jsonl\"\nlog_allows = false\n"),
                    layer(Layer::User, "[audit]\npath = \"/home/me/a.jsonl\"\n")});
  EXPECT_EQ(m.audit.path.value, "/var/log/dbguard.jsonl");  // managed wins
  EXPECT_FALSE(m.audit.log_allows.value);
}

TEST(PolicyFile, ErrorsNameFileLineAndKey) {
  struct Case {
    std::string text;
    int line;
    std::string key;
  };
  std::vector<Case> cases = {
      {"[rules]\n\"containers.volume-rm\" = \"maybe\"\n", 2, "rules.containers.volume-rm"},
      {"[production]\nhosts = \"db.example.com\"\n", 2, "production.hosts"},
      {"[production]\nhostz = [\"x\"]\n", 2, "production.hostz"},
      {"[audit]\nrequired = \"yes\"\n", 2, "audit.required"},
      {"[[allow]]\ncommand = \"ls\"\n", 1, "allow[1].reason"},
      {"\n\n[[allow]]\npattern = \"docker (\"\nreason = \"x\"\n", 4, "allow[1].pattern"},
      {"[mystery]\nx = 1\n", 1, "mystery"},
  };
  for (const auto& c : cases) {
    auto l = parse_policy_text(c.text, "/p/policy.toml", Layer::User);
    ASSERT_FALSE(l.errors.empty()) << c.text;
    EXPECT_EQ(l.errors[0].line, c.line) << c.text << " → " << l.errors[0].text();
    EXPECT_EQ(l.errors[0].key, c.key) << c.text << " → " << l.errors[0].text();
    EXPECT_EQ(l.errors[0].text().rfind("/p/policy.toml:" + std::to_string(c.line) + ": `" + c.key + "`", 0), 0u)
        << l.errors[0].text();
  }
  auto bad = parse_policy_text("[rules\nx = 1\n", "/p/policy.toml", Layer::User);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].line, 1);
  EXPECT_NE(bad.errors[0].message.find("invalid TOML"), std::string::npos);
}

TEST(PolicyMerge, UnknownRuleIdIsAnError) {
  Policy p = merge({layer(Layer::Managed, "[rules]\n\"containers.volume-remove\" = \"ask\"\n")});
  ASSERT_FALSE(p.valid());
  EXPECT_EQ(p.errors[0].key, "rules.containers.volume-remove");
  EXPECT_EQ(p.errors[0].line, 2);
}
