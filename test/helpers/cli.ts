/**
 * Runs the kcollect CLI as a user does: `node bin/run.js ...`, the built CLI (`npm test` runs
 * `tsc -p .` first, so dist/ is current).
 */
import {spawn, type ChildProcess} from 'node:child_process';
import path from 'node:path';
import {expect} from 'vitest';
import {collect as collectOutput, run, type RunResult} from './run.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(ROOT, 'bin/run.js');

export type CliResult = RunResult;

export interface CliOptions {
  /** Added to (or, when undefined, removed from) the CLI's environment; see cliEnv(). */
  env?: Record<string, string | undefined>;
  /** Default: the project root. */
  cwd?: string;
}

export interface RunCliOptions extends CliOptions {
  /** Written to stdin, which is then closed (closed at once without input). */
  input?: string | Buffer;
  /** SIGKILLs the CLI after this long (default 60 s). */
  timeoutMs?: number;
}

const TIMEOUT_MS = 60_000;

/**
 * The CLI's environment: no inherited KCOLLECT_* settings, no colours, and NODE_ENV=production
 * rather than vitest's NODE_ENV=test (with which oclif looks for TypeScript sources on every
 * start: a slow detour); then `extra`.
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('KCOLLECT_') && !k.startsWith('VITEST') && !['NODE_OPTIONS', 'NODE_ENV', 'TEST'].includes(k)) env[k] = v;
  }
  return {...env, NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0', ...extra};
}

/** `kcollect ARGS...`: its exit code, signal and output. */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  return run(process.execPath, [CLI, ...args], {env: cliEnv(options.env), cwd: options.cwd ?? ROOT, input: options.input, timeoutMs: options.timeoutMs ?? TIMEOUT_MS});
}

/** `kcollect ARGS...` left running (stdin ignored, stdout and stderr piped), e.g. to signal it. */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {cwd: options.cwd ?? ROOT, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe']});
}

/** The exit and output of a spawnCli() child (SIGKILLed after `timeoutMs`). */
export function collect(child: ChildProcess, timeoutMs = TIMEOUT_MS): Promise<CliResult> {
  return collectOutput(child, {timeoutMs});
}

/** runCli with --json, parsed; a non-zero exit is an error carrying the output. */
export async function runCliJson<T = any>(args: string[], options: RunCliOptions = {}): Promise<T> {
  const r = await runCli([...args, '--json'], options);
  if (r.code !== 0) throw new Error(`kcollect ${args.join(' ')} --json exited ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as T;
}

/** runCli against the Kafka broker(s) `bootstrap` (KCOLLECT_BROKERS). */
export function kcollect(bootstrap: string, args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  return runCli(args, {...options, env: {KCOLLECT_BROKERS: bootstrap, ...options.env}});
}

/** kcollect with --json, parsed; expects exit 0 and nothing on stderr. */
export async function kcollectJson<T = any>(bootstrap: string, args: string[], options: RunCliOptions = {}): Promise<T> {
  const r = await kcollect(bootstrap, [...args, '--json'], options);
  expect(r.stderr, `kcollect ${args.join(' ')}`).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/**
 * The contract for user errors: exit 1, nothing on stdout, one message line and one hint line.
 * A string `message` (or `hint`) is looked for in its line; a RegExp is matched against it.
 */
export function expectUserError(r: CliResult, message: RegExp | string, hint?: RegExp | string): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(2);
  expect(lines[0]).toMatch(typeof message === 'string' ? new RegExp(`^kcollect: .*${escape(message)}`) : message);
  expect(lines[1]).toMatch(/^ {2}hint: /);
  if (hint) expect(lines[1]).toMatch(typeof hint === 'string' ? new RegExp(escape(hint)) : hint);
}

/**
 * A user error judged by its first two stderr lines only: exit 1, "kcollect: MESSAGE" exactly
 * (a RegExp is matched against the line instead), then "  hint: ...", and no stack trace.
 */
export function expectUserErrorLine(r: CliResult, message: RegExp | string): void {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(1);
  const [first, second] = r.stderr.split('\n');
  expect(first).toMatch(/^kcollect: /);
  if (typeof message === 'string') expect(first).toBe(`kcollect: ${message}`);
  else expect(first).toMatch(message);
  expect(second).toMatch(/^ {2}hint: /);
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
