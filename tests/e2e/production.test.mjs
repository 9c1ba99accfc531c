// Production hard blocks through the real Claude Code CLI: blocked, and the agent is
// told plainly that this is a hard block no one can override.

import { describe, test } from 'node:test';
import { runCase } from './harness.mjs';
import { assertBlocked } from './expect.mjs';

const CONCURRENCY = Number(process.env.E2E_CONCURRENCY || 3);

const CASES = [
  ['python prod_db_exec.py', 'production.script'],
  ['psql -h prod-db.example.com -c "select 1"', 'production.db-client'],
  ['aws rds delete-db-instance --db-instance-identifier app-db', 'aws.rds-delete-instance'],
];

describe('production calls are hard-blocked through Claude Code', { concurrency: CONCURRENCY }, () => {
  for (const [command, rule, segment = command] of CASES) {
    test(`${command} -> HARD ${rule}`, async () => {
      const r = await runCase({ command });
      assertBlocked(r, { rule, segment, hard: true });
    });
  }
});
