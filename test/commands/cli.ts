import path from 'node:path';
import {expect} from 'vitest';
import {CLI} from '../helpers/broker.js';
import {run, type RunResult} from '../helpers/run.js';

/** `node bin/run.js ...` as a user runs it, against `bootstrap` (KCOLLECT_BROKERS). */
export function kcollect(bootstrap: string, args: string[], options: {input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<RunResult> {
  // NODE_ENV=test (set by vitest) makes oclif look for TypeScript sources first: a slow detour.
  const env: NodeJS.ProcessEnv = {...process.env, NODE_ENV: 'production', KCOLLECT_BROKERS: bootstrap, ...options.env};
  delete env.KCOLLECT_DEBUG;
  return run(process.execPath, [CLI, ...args], {input: options.input ?? '', env, timeoutMs: options.timeoutMs ?? 60_000});
}

/** Runs with --json and parses stdout; a failure shows stderr. */
export async function kcollectJson<T = any>(bootstrap: string, args: string[], options: {input?: string | Buffer; env?: NodeJS.ProcessEnv} = {}): Promise<T> {
  const r = await kcollect(bootstrap, [...args, '--json'], options);
  expect(r.stderr, `kcollect ${args.join(' ')}`).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** The contract for user errors: exit 1, nothing on stdout, one message line and one hint line. */
export function expectUserError(r: RunResult, message: RegExp | string, hint?: RegExp | string): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(2);
  expect(lines[0]).toMatch(typeof message === 'string' ? new RegExp(`^kcollect: .*${escape(message)}`) : message);
  expect(lines[1]).toMatch(/^ {2}hint: /);
  if (hint) expect(lines[1]).toMatch(typeof hint === 'string' ? new RegExp(escape(hint)) : hint);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export {path};
