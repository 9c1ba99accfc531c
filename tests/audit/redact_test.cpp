// Secrets never reach the audit log.
#include <gtest/gtest.h>

#include "audit/redact.h"

using dbguard::audit::redact;
using dbguard::audit::redact_json;

TEST(Redact, EnvironmentAssignments) {
  EXPECT_EQ(redact("PGPASSWORD=hunter2 psql -h db -c 'select 1'"), "PGPASSWORD=*** psql -h db -c 'select 1'");
  EXPECT_EQ(redact("env AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG' aws s3 ls"), "env AWS_SECRET_ACCESS_KEY=*** aws s3 ls");
  EXPECT_EQ(redact("MY_API_TOKEN=\"abc def\" ./run"), "MY_API_TOKEN=*** ./run");
  EXPECT_EQ(redact("PATH=/usr/bin:/bin ls"), "PATH=/usr/bin:/bin ls");  // not a secret name
}

TEST(Redact, ConnectionUris) {
  EXPECT_EQ(redact("psql postgresql://app:s3cret@db.internal:5432/app"), "psql postgresql://app:***@db.internal:5432/app");
  EXPECT_EQ(redact("psql 'postgres://u:p@ss@h/db'"), "psql 'postgres://u:***@h/db'");
  EXPECT_EQ(redact("psql postgres://app@db/app"), "psql postgres://app@db/app");  // no password: unchanged
  EXPECT_EQ(redact("psql \"host=db password=pw dbname=x\""), "psql \"host=db password=*** dbname=x\"");
}

TEST(Redact, PasswordOptions) {
  EXPECT_EQ(redact("mysql --password=pw -e 'select 1'"), "mysql --password=*** -e 'select 1'");
  EXPECT_EQ(redact("tool --password pw --user u"), "tool --password *** --user u");
  EXPECT_EQ(redact("gh --token ghp_abcdef api"), "gh --token *** api");
  EXPECT_EQ(redact("psql --password -d app"), "psql --password -d app");  // a flag, no value
  EXPECT_EQ(redact("mysql -uroot -psecret app"), "mysql -uroot -p*** app");
  EXPECT_EQ(redact("psql -p 5432 -h db"), "psql -p 5432 -h db");  // psql's -p is a port
}

TEST(Redact, AwsKeysAndBearerTokens) {
  EXPECT_EQ(redact("aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE"),
            "aws configure set aws_access_key_id AKIA****************");
  EXPECT_EQ(redact("curl -H 'Authorization: Bearer eyJhbGciOi.x.y' https://api"),
            "curl -H 'Authorization: Bearer ***' https://api");
}

TEST(Redact, PositionalSecretsOfAwsConfigureAndRedisCli) {
  EXPECT_EQ(redact("aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG && aws s3 ls"),
            "aws configure set aws_secret_access_key *** && aws s3 ls");
  EXPECT_EQ(redact("aws configure set profile.prod.aws_session_token 'FQoGZXIvYXdzE'"),
            "aws configure set profile.prod.aws_session_token ***");
  EXPECT_EQ(redact("aws configure set region eu-west-1"), "aws configure set region eu-west-1");
  EXPECT_EQ(redact("redis-cli -h cache -a s3cret FLUSHALL"), "redis-cli -h cache -a *** FLUSHALL");
  EXPECT_EQ(redact("redis-cli --pass s3cret -n 2 FLUSHDB"), "redis-cli --pass *** -n 2 FLUSHDB");
  EXPECT_EQ(redact("ls -a build"), "ls -a build");  // -a is a password only for the Redis clients
}

TEST(Redact, JsonFieldsByNameAndValue) {
  nlohmann::json in = {{"sql", "select 1"}, {"password", "pw"}, {"dsn", "postgres://u:pw@h/db"}, {"n", 3}};
  nlohmann::json out = redact_json(in);
  EXPECT_EQ(out["password"], "***");
  EXPECT_EQ(out["dsn"], "postgres://u:***@h/db");
  EXPECT_EQ(out["sql"], "select 1");
  EXPECT_EQ(out["n"], 3);
}

TEST(Redact, JsonNestedPastTheBoundIsCutNotRecursedInto) {
  // 200,000 levels: recursing that deep overflows the stack.
  nlohmann::json deep = 1;
  for (int i = 0; i < 200000; ++i) deep = nlohmann::json{{"a", std::move(deep)}};
  nlohmann::json in = {{"password", "pw"}, {"x", std::move(deep)}};
  nlohmann::json out = redact_json(in);
  EXPECT_EQ(out["password"], "***");
  const nlohmann::json* at = &out["x"];
  int depth = 1;
  while (at->is_object()) {
    at = &(*at)["a"];
    ++depth;
  }
  EXPECT_EQ(depth, dbguard::audit::kMaxRecordDepth);
  EXPECT_EQ(*at, std::string(dbguard::audit::kTooDeep));
}

// AWS key ids anywhere in a long text, next to each other, or glued to a word.
TEST(Redact, AwsKeyIdsAnywhereInALongText) {
  const std::string filler(70000, 'A');  // an 'A' at every byte: each is looked at
  EXPECT_EQ(redact(filler + " AKIAIOSFODNN7EXAMPLE"), filler + " AKIA****************");
  EXPECT_EQ(redact("k=ASIAIOSFODNN7EXAMPL0,AKIAIOSFODNN7EXAMPLE"), "k=ASIA****************,AKIA****************");
  EXPECT_EQ(redact("xAKIAIOSFODNN7EXAMPLE"), "xAKIAIOSFODNN7EXAMPLE");     // part of a longer word
  EXPECT_EQ(redact("AKIAIOSFODNN7EXAMPLEX"), "AKIAIOSFODNN7EXAMPLEX");     // too long
  EXPECT_EQ(redact("echo AKIAIOSFODNN7EXAMPL"), "echo AKIAIOSFODNN7EXAMPL");  // too short
}
