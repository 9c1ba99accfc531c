// Fail-closed install: the hook command users install ("<dbguard> hook || exit 2") must
// block even when the dbguard binary behind it crashes, is missing, or cannot be executed.
//
// Each of these is paired with a control that shows why the `|| exit 2` is there: Claude
// Code treats any exit status other than 2 (a crash is 128+signal, a missing program 127)
// as a non-blocking error and RUNS the command. The controls ask for a destructive command
// (the stand-in `docker` on PATH records it instead of deleting anything) and assert that
// it did run; if Claude Code ever changes that, the control fails and this file needs a
// second look.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DBGUARD, SNIPPET, installedSettings, matcherMatches, runCase, settingsWithCommand, shQuote } from './harness.mjs';
import { assertAllowed, assertBlocked } from './expect.mjs';

const CONCURRENCY = Number(process.env.E2E_CONCURRENCY || 2);
const CRASH = process.env.E2E_CRASH_BIN && path.resolve(process.env.E2E_CRASH_BIN);
const DESTRUCTIVE = 'docker volume rm pgdata';
const FAIL_CLOSED_SUFFIX = /\s*\|\|\s*exit 2\s*$/;

let tmp;
let missing;
let notExecutable;

before(() => {
  tmp = fs.mkdtempSync(path.join(process.env.E2E_TMPDIR || os.tmpdir(), 'dbguard-e2e-bins-'));
  missing = path.join(tmp, 'not-installed', 'dbguard');
  notExecutable = path.join(tmp, 'dbguard');
  fs.copyFileSync(DBGUARD, notExecutable);
  fs.chmodSync(notExecutable, 0o644);
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// The installed hook command with `program` in dbguard's place, and the same without `|| exit 2`.
function forms(program) {
  const { settings, bashCommand } = installedSettings(program);
  assert.match(bashCommand, FAIL_CLOSED_SUFFIX, 'the installed hook command does not end in "|| exit 2"');
  return { installed: settings, bare: settingsWithCommand(bashCommand.replace(FAIL_CLOSED_SUFFIX, '')) };
}

describe('the shipped settings snippet', () => {
  test('screens Bash and MCP tools with "<dbguard> hook || exit 2" and a timeout', () => {
    const snippet = JSON.parse(fs.readFileSync(SNIPPET, 'utf8'));
    for (const tool of ['Bash', 'mcp__db__query']) {
      const hooks = (snippet.hooks?.PreToolUse || [])
        .filter((g) => matcherMatches(g.matcher, tool))
        .flatMap((g) => g.hooks || [])
        .filter((h) => h.type === 'command' && /\bdbguard\s+hook\b/.test(h.command || ''));
      assert.equal(hooks.length, 1, `${tool}: expected one dbguard hook in ${SNIPPET}`);
      assert.match(hooks[0].command, /^\S*dbguard hook \|\| exit 2$/, tool);
      assert.ok(Number.isFinite(hooks[0].timeout) && hooks[0].timeout >= 5, `${tool}: timeout ${hooks[0].timeout}s leaves no room on a busy machine`);
    }
  });
});

describe('dbguard install and the snippet agree', () => {
  test('the snippet people paste is what `dbguard install` writes, but for the path', () => {
    const snippet = JSON.parse(fs.readFileSync(SNIPPET, 'utf8'));
    const { settings } = installedSettings('/usr/local/bin/dbguard');
    assert.deepEqual(settings.hooks, snippet.hooks);
  });
});

describe('a broken dbguard install still blocks', { concurrency: CONCURRENCY }, () => {
  test('the crash stand-in really dies of SIGSEGV', () => {
    assert.ok(CRASH, 'E2E_CRASH_BIN is not set (ctest builds and sets it)');
    const r = spawnSync(CRASH, ['hook'], { input: '{}' });
    assert.equal(r.signal, 'SIGSEGV');
  });

  test('control: a segfaulting hook WITHOUT "|| exit 2" lets the command run', async () => {
    const r = await runCase({ command: DESTRUCTIVE, settings: forms(CRASH).bare });
    assertAllowed(r, { calls: [DESTRUCTIVE] });
  });

  test('a segfaulting dbguard behind the installed command blocks', async () => {
    const r = await runCase({ command: DESTRUCTIVE, settings: forms(CRASH).installed });
    assertBlocked(r, { says: ['PreToolUse'] });
  });

  test('control: a missing binary WITHOUT "|| exit 2" lets the command run', async () => {
    const r = await runCase({ command: DESTRUCTIVE, settings: forms(missing).bare });
    assertAllowed(r, { calls: [DESTRUCTIVE] });
  });

  test('a missing dbguard behind the installed command blocks', async () => {
    const r = await runCase({ command: DESTRUCTIVE, settings: forms(missing).installed });
    assertBlocked(r, { says: ['not found'] });
  });

  test('a dbguard that is not executable behind the installed command blocks', async () => {
    const r = await runCase({ command: DESTRUCTIVE, settings: forms(notExecutable).installed });
    assertBlocked(r, { says: [/Permission denied/i] });
  });

  test('control: a hook that outlives its timeout is NOT blocked by "|| exit 2" (Claude Code runs the command)', async () => {
    // Documents the host's one remaining fail-open path: when a hook times out, Claude
    // Code kills it and goes ahead, so `|| exit 2` never runs. dbguard must therefore
    // decide well inside the settings' timeout (it denies past its own time budget).
    const command = `sleep 8; ${shQuote(DBGUARD)} hook || exit 2`;
    const settings = settingsWithCommand(command);
    for (const group of settings.hooks.PreToolUse) for (const h of group.hooks) h.timeout = 1;
    const r = await runCase({ command: DESTRUCTIVE, settings });
    assertAllowed(r, { calls: [DESTRUCTIVE] });
  });
});

