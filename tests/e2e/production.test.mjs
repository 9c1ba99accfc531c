// Production hard blocks through the real Claude Code CLI: blocked, and the agent is
// told plainly that this is a hard block no one can override. Nothing on Claude Code's
// side softens them either: not an explicit allow rule for the very command, not
// skipping every permission check.

import { describe, test } from 'node:test';
import { SKIP_PERMISSIONS, installedSettings, runCase } from './harness.mjs';
import { assertBlocked } from './expect.mjs';

const CONCURRENCY = Number(process.env.E2E_CONCURRENCY || 2);

const CASES = [
  ['python prod_db_exec.py', 'production.script'],
  ['psql -h prod-db.example.com -c "select 1"', 'production.db-client'],
  ['aws rds delete-db-instance --db-instance-identifier app-db', 'aws.rds-delete-instance'],
  ['aws rds delete-db-cluster --db-cluster-identifier app', 'aws.rds-delete-cluster'],
  ['terraform destroy -target=aws_db_instance.main', 'terraform.destroy-database'],
  ['alembic -x env=production downgrade -1', 'production.migration'],
  ['DATABASE_URL=$PROD_DATABASE_URL alembic upgrade head', 'production.migration'],
  ['psql postgres://app:pw@db.prod.internal/app -c "select 1"', 'production.db-client', 'psql postgres://app:'],
  ['kubectl --context prod exec pg-0 -- psql -c "TRUNCATE users"', 'production.db-client'],
];

describe('production calls are hard-blocked through Claude Code', { concurrency: CONCURRENCY }, () => {
  for (const [command, rule, segment = command] of CASES) {
    test(`${command} -> HARD ${rule}`, async () => {
      const r = await runCase({ command });
      assertBlocked(r, { rule, segment, hard: true });
    });
  }

  test('a settings allow rule for the exact command does not soften a hard block', async () => {
    const command = 'python prod_db_exec.py';
    const { settings } = installedSettings();
    settings.permissions = { allow: ['Bash(touch MARKER && python prod_db_exec.py)', 'Bash(python prod_db_exec.py)', 'Bash'] };
    const r = await runCase({ command, settings });
    assertBlocked(r, { rule: 'production.script', segment: command, hard: true });
  });

  test('--dangerously-skip-permissions does not soften a hard block', async () => {
    const command = 'psql -h prod-db.example.com -c "select 1"';
    const r = await runCase({ command, ...SKIP_PERMISSIONS });
    assertBlocked(r, { rule: 'production.db-client', segment: command, hard: true });
  });
});
