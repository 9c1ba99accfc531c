// Malformed events. Claude Code itself always sends a well-formed PreToolUse event, so
// the CLI cannot be asked to send a broken one. Two ways round that, both through the
// command line users install:
//
//  1. Through the CLI: the installed hook command gets a filter in front of dbguard that
//     breaks the real event on its way in (cuts it, empties it, wraps it in an array,
//     removes or retypes tool_input.command, pads it past any sane size). The agent asks
//     for a harmless command, so the malformed input is the only reason to block it.
//     A control with a pass-through filter (`cat |`) shows the plumbing itself blocks
//     nothing.
//  2. Without the CLI: the exact installed command string, run by /bin/sh as Claude Code
//     runs it, with garbage on stdin: exit status 2 and a reason on stderr.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { installedSettings, runCase, settingsWithCommand } from './harness.mjs';
import { assertAllowed, assertBlocked } from './expect.mjs';

const CONCURRENCY = Number(process.env.E2E_CONCURRENCY || 2);
const HARMLESS = 'echo harmless';
const INSTALLED = installedSettings().bashCommand;
// The reason dbguard gives when it could not analyse a call (issue 2: "fail-closed").
const UNANALYSABLE = /could not (be )?analy[sz]e|cannot analy[sz]e|unable to analy[sz]e/i;
const OVERSIZE_BYTES = 64 * 1024 * 1024;

// The installed command with `filter` feeding dbguard's stdin instead of the raw event.
const filtered = (filter) => {
  const m = INSTALLED.match(/^\s*('[^']*'|"[^"]*"|\S+)(.*)$/);
  return settingsWithCommand(`${filter} | ${m[1]}${m[2]}`);
};

const MALFORMED = 'guard.malformed-event';
const NO_COMMAND = 'guard.no-command';
// dbguard's time budget runs from its start, stdin included: 4 MiB arriving through a
// pipe on a loaded machine can outlast it. Either way the event was not analysed and
// the call is denied, which is what this case is about.
const OVERSIZE = [MALFORMED, 'guard.timeout'];

// [name, filter, rule, what the reason must say it saw]
const CASES = [
  ['empty stdin', 'true', MALFORMED, /empty/i],
  ['event cut off after 40 bytes', 'head -c 40', MALFORMED, /not valid JSON/i],
  ['event that is not JSON', "sed 's/^{/{{/'", MALFORMED, /not valid JSON/i],
  ['event that is a JSON array, not an object', "{ printf '['; cat; printf ']'; }", MALFORMED, /not a JSON object/i],
  ['Bash event without tool_input.command', `sed 's/"command":/"kommand":/'`, NO_COMMAND, /without a string .?command/i],
  ['Bash event whose command is a number', `sed 's/"command":"/"command":7,"was":"/'`, NO_COMMAND, /without a string .?command/i],
  [`event padded past ${OVERSIZE_BYTES >> 20} MiB`, `{ cat; head -c ${OVERSIZE_BYTES} /dev/zero | tr '\\0' ' '; }`, OVERSIZE, /larger than|time budget/i],
];

describe('malformed events are denied through Claude Code', { concurrency: CONCURRENCY }, () => {
  test('control: a pass-through filter in front of dbguard blocks nothing', async () => {
    const r = await runCase({ command: HARMLESS, settings: filtered('cat') });
    assertAllowed(r, { output: 'harmless' });
  });

  for (const [name, filter, rule, seen] of CASES) {
    test(`${name} -> ${rule}`, async () => {
      const r = await runCase({ command: HARMLESS, settings: filtered(filter) });
      assertBlocked(r, { rule, says: [UNANALYSABLE, seen] });
    });
  }
});

describe('the installed command line denies garbage stdin', () => {
  const inputs = {
    'empty': '',
    'not JSON': 'rm -rf / please',
    'truncated JSON': '{"tool_name":"Bash","tool_input":{"command":"ls"',
    'a JSON string': '"docker compose down -v"',
    'null': 'null',
    'binary noise': Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b, 0x22]),
  };
  for (const [name, input] of Object.entries(inputs)) {
    test(name, () => {
      const r = spawnSync('/bin/sh', ['-c', INSTALLED], { input, encoding: 'utf8', timeout: 10000 });
      assert.equal(r.status, 2, `exit ${r.status} (signal ${r.signal}); stderr: ${r.stderr}`);
      assert.equal(r.stdout, '', 'a deny prints nothing on stdout');
      assert.match(r.stderr, UNANALYSABLE);
      assert.ok(r.stderr.includes(`(rule ${MALFORMED})`), r.stderr);
    });
  }
});
