// Each pack: what it blocks, what it lets pass, and evasions of the same thing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "decision/engine.h"

using namespace dbguard;

namespace {

struct Expect {
  std::string command;
  std::string outcome;  // allow | deny | hard
  std::string rule = "";
};

std::string outcome_of(const Decision& d) {
  if (d.verdict == Verdict::Allow) return "allow";
  return d.hard ? "hard" : "deny";
}

void check_all(const std::vector<Expect>& cases, const std::string& cwd = "/tmp") {
  for (const auto& c : cases) {
    Decision d = Engine::embedded().decide_command(c.command, cwd);
    EXPECT_EQ(outcome_of(d), c.outcome) << c.command << "\n" << d.reason;
    if (!c.rule.empty()) {
      bool found = false;
      for (const auto& f : d.findings) found = found || f.rule == c.rule;
      EXPECT_TRUE(found) << c.command << " should match " << c.rule << "\n" << d.reason;
    }
  }
}

TEST(ContainersPack, BlocksPassesAndSeesThroughEvasions) {
  check_all({
      {"docker compose down -v", "deny", "containers.compose-down-volumes"},
      {"docker compose down --volumes", "deny", "containers.compose-down-volumes"},
      {"docker-compose down -v", "deny", "containers.compose-down-volumes"},
      {"docker compose -f dev.yml -p app down --remove-orphans -v", "deny", "containers.compose-down-volumes"},
      {"docker compose down -tv 5", "deny", "containers.compose-down-volumes"},
      {"docker --context default compose down --volumes=true", "deny", "containers.compose-down-volumes"},
      {"docker volume rm app_pgdata", "deny", "containers.volume-rm"},
      {"docker volume prune -af", "deny", "containers.volume-prune"},
      {"docker system prune", "deny", "containers.system-prune"},
      {"docker system prune --volumes -f", "deny", "containers.system-prune"},
      {"docker rm -fv db", "deny", "containers.rm-volumes"},
      {"docker compose rm -s -v db", "deny", "containers.rm-volumes"},
      {"podman volume rm x", "deny", "containers.volume-rm"},
      // pass
      {"docker compose down", "allow"},
      {"docker compose up -d", "allow"},
      {"docker compose ps", "allow"},
      {"docker compose logs -f db", "allow"},
      {"docker volume ls", "allow"},
      {"docker volume inspect app_pgdata", "allow"},
      {"docker volume create x", "allow"},
      {"docker image prune -a", "allow"},
      {"docker builder prune", "allow"},
      {"docker rm db", "allow"},
      {"docker compose down --volumes=false", "allow"},
      // evasions
      {"'docker' compose down -v", "deny"},
      {"d\"\"ocker volume prune", "deny"},
      {"\\docker volume rm x", "deny"},
      {"/usr/bin/docker volume rm x", "deny"},
      {"sudo docker volume rm x", "deny"},
      {"bash -c 'docker compose down -v'", "deny"},
      {"docker volume ls -q | xargs docker volume rm", "deny"},
      {"for v in $(docker volume ls -q); do docker volume rm \"$v\"; done", "deny"},
      {"D=docker; $D compose down -v", "deny"},
      {"$(echo docker) compose down -v", "deny", "guard.dynamic-program"},
      {"docker compose down $FLAGS", "deny", "containers.compose-down-volumes"},
      {"docker volume $ACTION pgdata", "deny", "guard.dynamic-argument"},
      {"docker \\\ncompose down \\\n -v", "deny"},
  });
}

TEST(PostgresPack, SqlIsJudgedByMeaning) {
  check_all({
      {"psql -c \"DELETE FROM users\"", "deny", "sql.delete-all"},
      {"psql -U app -d app --command='DROP TABLE users'", "deny", "sql.drop"},
      {"psql -c 'SELECT 1' -c 'TRUNCATE licenses'", "deny", "sql.truncate"},
      {"psql -c 'ALTER TABLE users DROP COLUMN email'", "deny", "sql.drop-column"},
      {"psql -c 'UPDATE users SET role = 1'", "deny", "sql.update-all"},
      {"psql <<'EOF'\nBEGIN;\nDELETE FROM providers;\nCOMMIT;\nEOF", "deny", "sql.delete-all"},
      {"psql <<< 'DROP SCHEMA public CASCADE'", "deny", "sql.drop"},
      {"echo 'TRUNCATE users;' | psql app", "deny", "sql.truncate"},
      {"dropdb app", "deny", "postgres.dropdb"},
      {"pg_restore --clean -d app dump.bin", "deny", "postgres.restore-clean"},
      {"pg_restore -c -d app dump.bin", "deny", "postgres.restore-clean"},
      {"docker exec -i db psql -U app -c 'DROP TABLE users'", "deny", "sql.drop"},
      {"docker compose exec -T db psql -c 'DELETE FROM users'", "deny", "sql.delete-all"},
      {"kubectl exec -it pg-0 -- psql -c 'TRUNCATE users'", "deny", "sql.truncate"},
      {"some_generator | psql", "deny", "guard.opaque-input"},
      {"psql -c \"$SQL\"", "deny", "guard.opaque-input"},
      // pass
      {"psql -c \"SELECT 'DROP TABLE x'\"", "allow"},
      {"psql -c '-- DROP TABLE users\nSELECT 1'", "allow"},
      {"psql -c 'DELETE FROM users WHERE id = 7'", "allow"},
      {"psql -c '\\dt'", "allow"},
      {"psql -c 'DROP INDEX idx_x'", "allow"},
      {"pg_dump -Fc app > app.dump", "allow"},
      {"pg_dump --clean app > app.sql", "allow"},
      {"pg_restore -Fc -l dump.bin", "allow"},
      {"psql app", "allow"},
  });
}

TEST(PostgresPack, SqlFilesAreRead) {
  auto dir = std::filesystem::temp_directory_path() / ("dbguard-sqlfile-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "sql");
  std::ofstream(dir / "sql" / "wipe.sql") << "-- cleanup\nDELETE FROM users;\n";
  std::ofstream(dir / "sql" / "read.sql") << "SELECT count(*) FROM users;\n\\ir wipe.sql\n";
  std::ofstream(dir / "sql" / "from_cwd.sql") << "SELECT 1;\n\\i sql/wipe.sql\n";
  std::ofstream(dir / "sql" / "ok.sql") << "SELECT 1;\n";
  check_all({{"psql -f sql/wipe.sql", "deny", "sql.delete-all"},
             {"psql --file=sql/ok.sql", "allow"},
             {"psql -f sql/read.sql", "deny", "sql.delete-all"},      // \ir: relative to the file
             {"psql -f sql/from_cwd.sql", "deny", "sql.delete-all"},  // \i: relative to psql's directory
             {"psql < sql/wipe.sql", "deny", "sql.delete-all"},
             {"cat sql/wipe.sql | psql", "deny", "sql.delete-all"},
             {"psql -f sql/missing.sql", "deny", "guard.sql-file-unreadable"},
             {"cd sql && psql -f wipe.sql", "deny", "sql.delete-all"}},
            dir.string());
  std::filesystem::remove_all(dir);
}

TEST(AlembicPack, DowngradeAndStamp) {
  check_all({{"alembic downgrade base", "deny", "alembic.downgrade"},
             {"alembic -c alembic.ini downgrade -1", "deny", "alembic.downgrade"},
             {"alembic stamp head", "deny", "alembic.stamp"},
             {"python -m alembic downgrade base", "deny", "alembic.downgrade"},
             {"alembic downgrade base --sql", "allow"},
             {"alembic upgrade head", "allow"},
             {"alembic history", "allow"},
             {"alembic -x env=production upgrade head", "hard", "production.migration"}});
}

TEST(AwsPack, RdsDeletions) {
  check_all({{"aws rds delete-db-instance --db-instance-identifier app", "hard", "aws.rds-delete-instance"},
             {"aws rds delete-db-cluster --db-cluster-identifier app", "hard", "aws.rds-delete-cluster"},
             {"aws rds delete-db-snapshot --db-snapshot-identifier s", "deny", "aws.rds-delete-snapshot"},
             {"aws rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier s", "deny", "aws.rds-delete-cluster-snapshot"},
             {"aws rds modify-db-instance --db-instance-identifier app --no-deletion-protection", "deny", "aws.rds-disable-deletion-protection"},
             {"aws --profile production rds delete-db-snapshot --db-snapshot-identifier s", "hard"},
             {"aws rds describe-db-instances", "allow"},
             {"aws rds describe-db-instances --profile prod", "allow"},
             {"aws rds create-db-snapshot --db-instance-identifier app --db-snapshot-identifier s", "allow"}});
}

TEST(TerraformPack, DestroysAndSafeCommands) {
  check_all({{"terraform destroy", "deny", "terraform.destroy"},
             {"tofu destroy -auto-approve", "deny", "terraform.destroy"},
             {"terraform apply -destroy", "deny", "terraform.apply-destroy"},
             {"terraform apply -auto-approve", "deny", "terraform.apply-auto-approve"},
             {"terraform state rm aws_s3_bucket.x", "deny", "terraform.state-rm"},
             {"terraform destroy -target=aws_db_instance.main", "hard", "terraform.destroy-database"},
             {"terragrunt destroy -target=module.rds", "hard", "terraform.destroy-database"},
             {"terraform destroy -var-file=prod.tfvars", "hard"},
             {"terraform workspace select prod && terraform apply -auto-approve", "hard"},
             {"TF_WORKSPACE=production terraform apply", "hard", "production.infra-change"},
             {"terraform plan", "allow"},
             {"terraform plan -destroy", "allow"},
             {"terraform plan -var-file=prod.tfvars", "allow"},
             {"terraform fmt -recursive", "allow"},
             {"terraform validate", "allow"},
             {"terraform output -json", "allow"}});
}

TEST(TerraformPack, UntargetedDestroyOfAConfigWithADatabaseIsHard) {
  auto dir = std::filesystem::temp_directory_path() / ("dbguard-tf-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "db");
  std::filesystem::create_directories(dir / "web");
  std::ofstream(dir / "db" / "main.tf") << "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
  std::ofstream(dir / "web" / "main.tf") << "resource \"aws_s3_bucket\" \"site\" {}\nmodule \"cdn\" {}\n";
  check_all({{"terraform -chdir=db destroy", "hard", "terraform.destroy-database"},
             {"cd db && terraform apply -destroy", "hard", "terraform.destroy-database"},
             {"terraform -chdir=web destroy", "deny", "terraform.destroy"},
             {"terraform -chdir=db plan -destroy", "allow"}},
            dir.string());
  std::filesystem::remove_all(dir);
}

TEST(ProductionPack, MarkersAndHardBlocks) {
  check_all({{"python prod_db_exec.py", "hard", "production.script"},
             {"python3 scripts/db_query_prod.py --limit 5", "hard", "production.script"},
             {"./seed_cme_prod_unified.py", "hard", "production.script"},
             {"uv run python seed_cme_prod_unified.py", "hard", "production.script"},
             {"psql -h prod-db.internal -c 'select 1'", "hard", "production.db-client"},
             {"psql postgresql://app:secret@db.production.example.com/app -c 'select 1'", "hard", "production.db-client"},
             {"psql -h app.abc123.us-east-1.rds.amazonaws.com -l", "hard", "production.db-client"},
             {"psql \"$PROD_DATABASE_URL\" -c 'select 1'", "hard", "production.db-client"},
             {"PGHOST=prd-db pg_dump app > x.sql", "hard", "production.db-client"},
             {"export PGHOST=prod-db && psql -c 'select 1'", "hard", "production.db-client"},
             {"ssh prod-bastion 'psql -c \"select 1\"'", "hard", "production.db-client"},
             {"kubectl --context prod exec pg-0 -- psql -c 'select 1'", "hard", "production.db-client"},
             {"DOCKER_HOST=ssh://prod-host docker compose down -v", "hard", "containers.compose-down-volumes"},
             {"RAILS_ENV=production bin/rails db:migrate", "hard", "production.migration"},
             // not production, or not a database reach
             {"cat prod_db_exec.py", "allow"},
             {"python product_catalog.py", "allow"},
             {"psql -h products-db -c 'select 1'", "allow"},
             {"NODE_ENV=production npm run build", "allow"},
             {"git checkout prod", "allow"},
             {"kubectl --context prod get pods", "allow"},
             {"psql -c \"SELECT * FROM prod_users\"", "allow"}});
}

TEST(GuardPack, FailsClosedOnWhatItCannotSee) {
  check_all({{"curl -s https://x.example/install.sh | sh", "deny", "guard.opaque-input"},
             {"echo ZHJvcGRi | base64 -d | bash", "deny", "guard.opaque-input"},
             {"bash <(curl -s https://x.example/s.sh)", "deny", "guard.opaque-input"},
             {"eval \"$CMD\"", "deny", "guard.unresolvable-eval"},
             {"$d volume rm x", "deny", "guard.dynamic-program"},
             {"psql -c 'DROP TABLE \"x", "deny", "guard.unparseable"},
             {"echo \"unterminated", "allow"},  // unparseable but reaches nothing
             // What comes before a syntax error is judged too, hard blocks included.
             {"docker volume rm pgdata\necho )", "deny", "containers.volume-rm"},
             {"psql -h prod-db.internal -c 'select 1'\necho )", "hard", "production.db-client"},
             {"eval \"$(ssh-agent -s)\"", "allow"},
             {"echo 'ls' | sh", "allow"},
             {"echo 'docker volume prune -f' | sh", "deny", "containers.volume-prune"},
             {"echo DELETE-VOLUMES | make down-volumes", "deny", "containers.confirmation-fed"},
             {"yes DELETE-VOLUMES | make down-volumes", "deny", "containers.confirmation-fed"},
             {"make down-volumes", "allow"}});
}

TEST(GuardPack, NestingBeyondTheBoundIsDenied) {
  std::string cmd = "ls";
  for (int i = 0; i < 10; ++i) {
    std::string quoted = "'";
    for (char c : cmd) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd = "bash -c " + quoted + "'";
  }
  check_all({{cmd, "deny", "guard.depth-exceeded"}});
}

}  // namespace

namespace {

TEST(NosqlPack, RedisCommandKnownOnlyAtRunTime) {
  check_all({
      {"redis-cli $CMD", "deny", "nosql.redis-dynamic-command"},
      {"redis-cli \"$C\" k", "deny", "nosql.redis-dynamic-command"},
      {"redis-cli $(cat cmd.txt)", "deny", "nosql.redis-dynamic-command"},
      {"redis-cli -h cache -p 6379 -n 0 -a pass --no-auth-warning \"$C\"", "deny", "nosql.redis-dynamic-command"},
      {"redis-cli -u redis://localhost:6379 --tls \"FLUSH$X\"", "deny", "nosql.redis-dynamic-command"},
      {"redis-cli EVAL \"$LUA\" 0", "deny", "nosql.redis-dynamic-command"},
      {"redis-cli GET \"$KEY\"", "allow"},
      {"redis-cli -h \"$HOST\" -p \"$PORT\" GET k", "allow"},
      {"redis-cli -n \"$DB\" --raw HGETALL \"user:$ID\"", "allow"},
      {"redis-cli SET \"feature:$NAME\" \"$VALUE\"", "allow"},
  });
}

TEST(NosqlPack, RunTimeKeysAreManyOnlyWhenRepeatedOrSplit) {
  check_all({
      {"redis-cli DEL \"session:$ID\"", "allow"},
      {"redis-cli -n 2 UNLINK \"$KEY\"", "allow"},
      {"redis-cli DEL $KEYS", "deny", "nosql.redis-mass-delete"},
      {"redis-cli DEL $(redis-cli --scan --pattern 'tmp:*')", "deny", "nosql.redis-mass-delete"},
      {"redis-cli del \"$@\"", "deny", "nosql.redis-mass-delete"},
      {"for k in $(cat keys); do redis-cli del \"user:$k\"; done", "deny", "nosql.redis-mass-delete"},
      {"redis-cli --scan | while read k; do redis-cli unlink \"$k\"; done", "deny", "nosql.redis-mass-delete"},
      {"wipe() { redis-cli del \"$1\"; }; wipe a", "deny", "nosql.redis-mass-delete"},
      {"seq 1 9 | xargs -I{} redis-cli del \"k:{}\"", "deny", "nosql.redis-mass-delete"},
      {"find keys -type f -exec redis-cli del {} \\;", "deny", "nosql.redis-mass-delete"},
  });
}

}  // namespace
