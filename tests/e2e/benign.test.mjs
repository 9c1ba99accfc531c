// Everyday commands an agent runs all day: dbguard must let every one of them run, in
// full, and stay silent. Database and container tools are stand-ins on PATH that record
// their argv, so "ran in full" is checked, not assumed.

import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCase } from './harness.mjs';
import { assertAllowed } from './expect.mjs';

const CONCURRENCY = Number(process.env.E2E_CONCURRENCY || 3);

const withMigrations = (work) => {
  fs.mkdirSync(path.join(work, 'migrations'));
  fs.writeFileSync(path.join(work, 'migrations', '0007_drop_legacy.sql'), 'DROP TABLE legacy_users;\n');
};

// [command, {calls, output}, prepare?]
const CASES = [
  ['ls -la', { output: 'README.md' }],
  ['echo hello-from-e2e', { output: 'hello-from-e2e' }],
  ['git status', { output: /On branch|No commits yet/ }],
  ['git -c user.name=e2e -c user.email=e2e@example.invalid commit -q --allow-empty -m "docs: never run docker compose down -v" && git log --oneline',
    { output: 'docs: never run docker compose down -v' }],
  ['grep -rn "DROP TABLE" migrations/', { output: 'DROP TABLE legacy_users' }, withMigrations],
  ['cat README.md | wc -l', { output: /^1$/m }],
  ['docker compose ps', { calls: ['docker compose ps'] }],
  ['docker compose up -d', { calls: ['docker compose up -d'] }],
  ['docker compose down', { calls: ['docker compose down'] }],
  ['docker compose logs --tail 50 db', { calls: ['docker compose logs --tail 50 db'] }],
  ['docker volume ls', { calls: ['docker volume ls'] }],
  ['docker image prune -f', { calls: ['docker image prune -f'] }],
  ['pg_dump -Fc app -f backup.dump', { calls: ['pg_dump -Fc app -f backup.dump'] }],
  ['psql -c "SELECT count(*) FROM users"', { calls: ['psql -c SELECT count(*) FROM users'] }],
  ['alembic upgrade head', { calls: ['alembic upgrade head'] }],
  ['terraform plan', { calls: ['terraform plan'] }],
  ['aws rds describe-db-instances', { calls: ['aws rds describe-db-instances'] }],
];

describe('everyday commands run untouched through Claude Code', { concurrency: CONCURRENCY }, () => {
  for (const [command, want, prepare] of CASES) {
    test(command, async () => {
      const r = await runCase({ command, prepare });
      assertAllowed(r, want);
    });
  }
});
