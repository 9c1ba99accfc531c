// Assertions over a runCase() result. Each failure message carries the whole case record.

import assert from 'node:assert/strict';

// The CLI finished the conversation: it called the tool, sent the tool_result back,
// and exited cleanly. Without this, "no marker" could mean "the CLI never got that far".
export function assertRoundTrip(r) {
  assert.equal(r.cli.code, 0, `claude exited ${r.cli.code} (signal ${r.cli.signal})\n${r.describe()}`);
  assert.ok(r.cli.json && r.cli.json.type === 'result', `claude printed no JSON result\n${r.describe()}`);
  assert.ok(r.toolResult, `Claude Code never sent a tool_result back to the stand-in API\n${r.describe()}`);
}

/**
 * The command did not run and the agent was told why.
 * @param {object} r  runCase() result
 * @param {{rule?:string|string[], segment?:string, hard?:boolean, says?:(string|RegExp)[]}} want
 *   rule  the rule id the reason must name (with an array: any one of them)
 */
export function assertBlocked(r, { rule, segment, hard = false, says = [] } = {}) {
  assertRoundTrip(r);
  assert.equal(r.ran, false, `the command RAN (MARKER exists) but should have been blocked\n${r.describe()}`);
  assert.deepEqual(r.calls, [], `a database/container tool was invoked\n${r.describe()}`);
  assert.equal(r.toolResult.isError, true, `tool_result is not marked as an error\n${r.describe()}`);
  const text = r.toolResult.text;
  if (rule) {
    const rules = [].concat(rule);
    assert.ok(rules.some((id) => text.includes(`(rule ${id})`)), `tool_result does not name rule ${rules.join(' or ')}\n${r.describe()}`);
  }
  if (segment) assert.ok(text.includes(segment), `tool_result does not quote the blocked segment ${JSON.stringify(segment)}\n${r.describe()}`);
  if (hard) {
    assert.ok(text.includes('HARD BLOCK'), `tool_result does not say HARD BLOCK\n${r.describe()}`);
    assert.ok(text.includes('cannot be overridden'), `tool_result does not say it cannot be overridden\n${r.describe()}`);
  } else if (rule) {
    assert.ok(!text.includes('HARD BLOCK'), `an ordinary deny claims HARD BLOCK\n${r.describe()}`);
  }
  for (const s of says) {
    const ok = s instanceof RegExp ? s.test(text) : text.includes(s);
    assert.ok(ok, `tool_result does not say ${s}\n${r.describe()}`);
  }
}

/**
 * The command ran, in full.
 * @param {object} r  runCase() result
 * @param {{calls?:string[], output?:string|RegExp}} want
 *   calls   the exact argv lines the stand-in tools must have recorded, in order
 *   output  text the command's output (the tool_result) must contain
 */
export function assertAllowed(r, { calls = [], output } = {}) {
  assertRoundTrip(r);
  assert.equal(r.ran, true, `the command did NOT run (no MARKER) but should have been allowed\n${r.describe()}`);
  assert.equal(r.toolResult.isError, false, `tool_result is an error\n${r.describe()}`);
  assert.ok(!/PreToolUse/.test(r.toolResult.text), `a hook error reached the agent\n${r.describe()}`);
  assert.deepEqual(r.calls, calls, `stand-in tools recorded other calls than expected\n${r.describe()}`);
  if (output !== undefined) {
    const ok = output instanceof RegExp ? output.test(r.toolResult.text) : r.toolResult.text.includes(output);
    assert.ok(ok, `command output does not contain ${output}\n${r.describe()}`);
  }
}
