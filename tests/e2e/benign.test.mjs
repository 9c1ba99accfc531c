// Everyday commands an agent runs all day: dbguard must let every one of them run, in
// full, and stay silent. Database and container tools are stand-ins on PATH that record
// their argv, so "ran in full" is checked, not assumed.

import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCase, settingsWithCommand, shQuote } from './harness.mjs';
import { assertAllowed, assertRoundTrip } from './expect.mjs';

const CONCURRENCY = Number(process.env.E2E_CONCURRENCY || 2);

const withMigrations = (work) => {
  fs.mkdirSync(path.join(work, 'migrations'));
  fs.writeFileSync(path.join(work, 'migrations', '0007_drop_legacy.sql'), 'DROP TABLE legacy_users;\n');
};

// An agent writing a file through a heredoc: a ~96 KiB command makes an event larger than
// a pipe buffer, so dbguard's stdin arrives in pieces while Claude Code writes it, and its
// time budget must still hold. (Bash itself cannot exec a single argument past 128 KiB.)
const NOTE = 'The quick brown fox jumps over the lazy dog; nothing here touches a database.\n';
const BIG_HEREDOC = `cat > notes.txt <<'NOTES'\n${NOTE.repeat(Math.ceil((96 * 1024) / NOTE.length))}NOTES\nwc -l notes.txt`;

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
  [BIG_HEREDOC, { output: `${Math.ceil((96 * 1024) / NOTE.length)} notes.txt` }],
];

describe('everyday commands run untouched through Claude Code', { concurrency: CONCURRENCY }, () => {
  for (const [command, want, prepare] of CASES) {
    const name = command.length > 120 ? `${command.split('\n')[0]} … (${Math.round(command.length / 1024)} KiB)` : command;
    test(name, async () => {
      const r = await runCase({ command, prepare });
      assertAllowed(r, want);
    });
  }
});

// dbguard allows by staying silent. Were it to print permissionDecision "allow", Claude
// Code would skip its own permission prompt. Here Bash is not pre-approved, so in -p mode
// Claude Code's own check must still refuse the write; the control shows that a hook
// printing "allow" would have let it run.
describe("dbguard's allow leaves Claude Code's own permission check in place", { concurrency: CONCURRENCY }, () => {
  const command = 'echo needs-approval';

  test('control: a hook that prints permissionDecision "allow" skips the permission check', async () => {
    const allow = JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: 'e2e control' } });
    const r = await runCase({ command, allowBash: false, settings: settingsWithCommand(`cat >/dev/null; echo ${shQuote(allow)}`) });
    assertAllowed(r, { output: 'needs-approval' });
  });

  test('with dbguard, the un-approved command is still refused by Claude Code, not by dbguard', async () => {
    const r = await runCase({ command, allowBash: false });
    assertRoundTrip(r);
    assert.equal(r.ran, false, `the command ran without the user's approval\n${r.describe()}`);
    assert.ok(!r.toolResult.text.includes('PreToolUse'), `dbguard blocked a harmless command\n${r.describe()}`);
    assert.match(r.toolResult.text, /approv|permission/i, r.describe());
  });
});
