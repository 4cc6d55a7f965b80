import {spawn} from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without blocking the event loop (tests often host the broker in-process, so
 * spawnSync would freeze the very broker the command talks to).
 */
export function run(cmd: string, args: string[], {input, timeoutMs = 120_000, env}: {input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv} = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString()});
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Like run(), but a non-zero exit is an error carrying stderr. */
export async function runOk(cmd: string, args: string[], options?: Parameters<typeof run>[2]): Promise<string> {
  const r = await run(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}
