// Runs one tool call through the real Claude Code CLI with dbguard wired in as a
// PreToolUse hook, and reports what happened: did the command run, and what did the
// agent get back as the tool_result.
//
// Each case gets its own scratch tree, its own stand-in Messages API on a free port,
// and a clean environment (no variable of the caller's leaks into the CLI):
//
//   <tmp>/home/            HOME, and home/.claude is CLAUDE_CONFIG_DIR: no user settings
//   <tmp>/bin/             stand-ins for docker, psql, aws, ... first on PATH: they record
//                          their argv in <tmp>/calls.log and touch nothing real
//   <tmp>/work/            the project directory (git-initialised): cwd of the CLI, where
//                          `touch MARKER` lands if the command runs
//   <tmp>/settings.json    passed with --settings

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStandIn } from './stand-in-api.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const SOURCE_DIR = process.env.DBGUARD_SOURCE_DIR || path.resolve(here, '..', '..');
export const DBGUARD = requiredPath('DBGUARD_BIN');
export const CLAUDE = requiredPath('E2E_CLAUDE');
export const MARKER = 'MARKER';
const CLI_TIMEOUT_MS = Number(process.env.E2E_CLI_TIMEOUT_MS || 60000);

// Programs a test command may name that must never reach the real tool on this machine.
const RECORDED_TOOLS = [
  'docker', 'docker-compose', 'psql', 'dropdb', 'pg_dump', 'pg_restore', 'alembic',
  'aws', 'terraform', 'kubectl', 'python', 'python3',
];

function requiredPath(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (ctest sets it; see docs/e2e.md)`);
  return path.resolve(value);
}

// Single-quote for /bin/sh.
export function shQuote(s) {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

// runCase() options for an agent that may run anything (--dangerously-skip-permissions).
// As root, Claude Code allows that only in a sandbox; each case's scratch tree is one.
export const SKIP_PERMISSIONS = { extraArgs: ['--dangerously-skip-permissions'], extraEnv: { IS_SANDBOX: '1' } };

export const SNIPPET = path.join(SOURCE_DIR, 'hooks', 'claude-settings.json');
// Claude Code: an empty or "*" matcher matches every tool; otherwise it is a regex.
export const matcherMatches = (m, tool) => !m || m === '*' || new RegExp(`^(?:${m})$`).test(tool);
const FIRST_WORD = /^\s*('[^']*'|"[^"]*"|\S+)/;

/**
 * The settings users install: what `dbguard install --settings FILE` writes into an
 * empty settings file, with the hook's program path replaced by `program` (which may
 * be a crashing or missing stand-in; install itself only accepts a working binary).
 * Returns {settings, bashCommand}: bashCommand is the command Claude Code runs for Bash.
 */
export function installedSettings(program = DBGUARD) {
  const dir = fs.mkdtempSync(path.join(process.env.E2E_TMPDIR || os.tmpdir(), 'dbguard-e2e-install-'));
  let settings;
  try {
    const file = path.join(dir, 'settings.json');
    const r = spawnSync(DBGUARD, ['install', '--settings', file, '--binary', DBGUARD], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dbguard install --settings failed (exit ${r.status}): ${r.stderr}`);
    settings = JSON.parse(fs.readFileSync(file, 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  let bashCommand = null;
  for (const group of settings?.hooks?.PreToolUse || []) {
    for (const hook of group.hooks || []) {
      if (hook.type !== 'command' || typeof hook.command !== 'string') continue;
      hook.command = hook.command.replace(FIRST_WORD, () => shQuote(program));
      if (!bashCommand && matcherMatches(group.matcher, 'Bash')) bashCommand = hook.command;
    }
  }
  if (!bashCommand) throw new Error('dbguard install wrote no PreToolUse command hook matching Bash');
  return { settings, bashCommand };
}

/** Settings whose every dbguard hook command is exactly `command`. */
export function settingsWithCommand(command) {
  const { settings } = installedSettings();
  for (const group of settings.hooks.PreToolUse) {
    for (const hook of group.hooks || []) if (hook.type === 'command') hook.command = command;
  }
  return settings;
}

function writeRecorders(binDir, callsLog) {
  fs.mkdirSync(binDir, { recursive: true });
  const script = [
    '#!/bin/sh',
    '# e2e stand-in: records its argv instead of touching anything real.',
    `printf '%s' "$(basename "$0")" >> ${shQuote(callsLog)}`,
    `for a in "$@"; do printf ' %s' "$a" >> ${shQuote(callsLog)}; done`,
    `printf '\\n' >> ${shQuote(callsLog)}`,
    'echo "stand-in $(basename "$0") ran"',
    '',
  ].join('\n');
  for (const tool of RECORDED_TOOLS) fs.writeFileSync(path.join(binDir, tool), script, { mode: 0o755 });
}

function git(cwd, ...args) {
  return new Promise((resolve, reject) => {
    const p = spawn('git', args, { cwd, stdio: 'ignore' });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')} exited ${code}`))));
  });
}

/**
 * Ask the CLI to run `touch MARKER && <command>` through the Bash tool.
 * @param {object} opts
 * @param {string} opts.command         the command under test
 * @param {object} [opts.settings]      settings object (default: the installed snippet)
 * @param {(work:string)=>void} [opts.prepare]  extra set-up of the project directory
 * @param {boolean} [opts.allowBash]   pass --allowedTools Bash (default); without it Claude Code's
 *                                      own permission check decides, and in -p mode it refuses
 * @param {string[]} [opts.extraArgs]   more CLI arguments
 * @param {object} [opts.extraEnv]      more environment variables for the CLI
 * @returns {Promise<{ran:boolean, toolResult:{text:string,isError:boolean}|null,
 *   calls:string[], cli:{code:number|null, signal:string|null, stdout:string, stderr:string, json:object|null},
 *   requests:object[], toolCommand:string, describe:()=>string}>}
 */
export async function runCase({ command, settings = installedSettings().settings, prepare, allowBash = true, extraArgs = [], extraEnv = {} }) {
  const root = fs.mkdtempSync(path.join(process.env.E2E_TMPDIR || os.tmpdir(), 'dbguard-e2e-'));
  const home = path.join(root, 'home');
  const configDir = path.join(home, '.claude');
  const bin = path.join(root, 'bin');
  const work = path.join(root, 'work');
  const callsLog = path.join(root, 'calls.log');
  const settingsFile = path.join(root, 'settings.json');
  fs.mkdirSync(configDir, { recursive: true });
  fs.mkdirSync(work);
  writeRecorders(bin, callsLog);
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  await git(work, 'init', '-q');
  fs.writeFileSync(path.join(work, 'README.md'), '# scratch project for dbguard e2e\n');
  if (prepare) prepare(work);

  const toolCommand = `touch ${MARKER} && ${command}`;
  const api = await startStandIn({ command: toolCommand });
  const env = {
    PATH: `${bin}:${process.env.PATH || '/usr/local/bin:/usr/bin:/bin'}`,
    HOME: home,
    CLAUDE_CONFIG_DIR: configDir,
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TMPDIR: root,
    TERM: 'dumb',
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_API_KEY: 'sk-ant-e2e-stand-in',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    // The sanitizer tree raises the hook's time budget (tests/e2e/CMakeLists.txt).
    ...(process.env.DBGUARD_TIME_BUDGET_MS ? { DBGUARD_TIME_BUDGET_MS: process.env.DBGUARD_TIME_BUDGET_MS } : {}),
    ...extraEnv,
  };
  const args = ['-p', 'Run the command for this dbguard end-to-end test.', '--settings', settingsFile,
    ...(allowBash ? ['--allowedTools', 'Bash'] : []), '--output-format', 'json', ...extraArgs];

  const cli = await new Promise((resolve) => {
    const child = spawn(CLAUDE, args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', (err) => { clearTimeout(timer); resolve({ code: null, signal: null, stdout, stderr: `${stderr}${err}` }); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
  await api.close();
  try { cli.json = JSON.parse(cli.stdout); } catch { cli.json = null; }

  const result = {
    ran: fs.existsSync(path.join(work, MARKER)),
    toolResult: api.state.toolResult,
    calls: fs.existsSync(callsLog) ? fs.readFileSync(callsLog, 'utf8').split('\n').filter(Boolean) : [],
    cli,
    requests: api.state.requests,
    toolCommand,
    root,
  };
  // Everything a failing assertion should print.
  result.describe = () => JSON.stringify({
    toolCommand, ran: result.ran, toolResult: result.toolResult, calls: result.calls,
    cliExit: cli.code, cliSignal: cli.signal, cliStdout: cli.stdout.slice(0, 1500), cliStderr: cli.stderr.slice(0, 1500),
    requests: result.requests, scratch: root,
  }, null, 2);
  if (!process.env.E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
  return result;
}
