import {spawn, type ChildProcess} from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Runs a command without blocking the event loop (tests often host the broker in-process, so
 * spawnSync would freeze the very broker the command talks to).
 */
export function run(cmd: string, args: string[], {input, timeoutMs, env, cwd}: RunOptions = {}): Promise<RunResult> {
  return collect(spawn(cmd, args, {stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env, cwd}), {input, timeoutMs});
}

/**
 * Collects a spawned child's output until it exits: writes `input` to its stdin (when piped) and
 * ends it; SIGKILLs it after `timeoutMs`.
 */
export function collect(child: ChildProcess, {input, timeoutMs = 120_000}: {input?: string | Buffer; timeoutMs?: number} = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d) => out.push(d));
    child.stderr!.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString()});
    });
    if (child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

/** Like run(), but a non-zero exit is an error carrying stderr. */
export async function runOk(cmd: string, args: string[], options?: RunOptions): Promise<string> {
  const r = await run(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}
