import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, expect} from 'vitest';
import {ELECTION_PORT_OFFSET, PEER_PORT_OFFSET} from '../../src/zk/server/config.js';
import {startZookeeper, type ZookeeperHandle} from '../../src/zk/server/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, {withFileTypes: true, recursive: true})) {
    if (entry.isFile() && entry.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * bin/run.js when dist/ holds the zk commands built from the current sources (as after
 * `npm test`'s tsc), else the commands straight from TypeScript (slower to start).
 */
function cliEntry(): string[] {
  const built = path.join(ROOT, 'dist', 'commands', 'zk', 'ls.js');
  if (fs.existsSync(built)) {
    const src = Math.max(newestMtime(path.join(ROOT, 'commands', 'zk'), '.ts'), newestMtime(path.join(ROOT, 'src', 'zk'), '.ts'), newestMtime(path.join(ROOT, 'src', 'cli'), '.ts'));
    const dist = Math.min(newestMtime(path.join(ROOT, 'dist', 'commands', 'zk'), '.js'), newestMtime(path.join(ROOT, 'dist', 'src', 'zk'), '.js'));
    if (dist >= src) return [path.join(ROOT, 'bin', 'run.js')];
  }
  return ['--import', 'tsx', path.join(ROOT, 'test', 'zk', 'run-from-source.ts')];
}

const ENTRY = cliEntry();

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Environment for the CLI: no inherited KCOLLECT_* settings, no colours, and not vitest's
 * NODE_ENV=test (with it oclif looks for TypeScript sources on every start, twice as slow).
 */
function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('KCOLLECT_') && !k.startsWith('VITEST') && !['NODE_OPTIONS', 'NODE_ENV', 'TEST'].includes(k)) env[k] = v;
  }
  return {...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra};
}

/** Spawns `kcollect ARGS...` and collects its output. */
export function spawnCli(args: string[], options: {env?: Record<string, string | undefined>; cwd?: string} = {}): ChildProcess {
  return spawn(process.execPath, [...ENTRY, ...args], {cwd: options.cwd ?? ROOT, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe']});
}

export function runCli(args: string[], options: {env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number} = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcollect ${args.join(' ')} did not finish within ${options.timeoutMs ?? 20_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({code, signal, stdout, stderr});
    });
  });
}

/** runCli + JSON.parse(stdout), expecting exit code 0. */
export async function runCliJson<T = any>(args: string[], options: {env?: Record<string, string | undefined>; timeoutMs?: number} = {}): Promise<T> {
  const r = await runCli([...args, '--json'], options);
  if (r.code !== 0) throw new Error(`kcollect ${args.join(' ')} --json exited ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as T;
}

/** Retries fn until it resolves or timeoutMs passes (then throws its last error). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 20_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({port, host: '127.0.0.1', exclusive: true}, () => s.close(() => resolve(true)));
  });
}

/**
 * A base client port for a test ZooKeeper: random in 20000-29000 (below the ephemeral range and
 * away from 2181), with the client, quorum and election ports of `nodes` nodes all free.
 */
export async function pickZkPort(nodes: 1 | 3): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 9_000);
    const ports = [];
    for (let i = 0; i < nodes; i++) ports.push(base + i, ...(nodes > 1 ? [base + PEER_PORT_OFFSET + i, base + ELECTION_PORT_OFFSET + i] : []));
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free block of ports for a test ZooKeeper');
}

/** A closed loopback port: nothing listens there. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kcollect-${prefix}-`));
}

/** SIGKILL whatever is still alive among these pids (afterAll safety net). */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** A user error from the CLI: exit 1, "kcollect: <one line>" then "  hint: ...", no stack trace. */
export function expectUserError(r: CliResult, message: RegExp | string): void {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(1);
  const [first, second] = r.stderr.split('\n');
  expect(first).toMatch(/^kcollect: /);
  if (typeof message === 'string') expect(first).toBe(`kcollect: ${message}`);
  else expect(first).toMatch(message);
  expect(second).toMatch(/^ {2}hint: /);
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

export interface TestZookeeper {
  /** The connect string, once beforeAll has run. */
  readonly cs: string;
  readonly dataDir: string;
  readonly server: ZookeeperHandle;
}

/**
 * A standalone ZooKeeper for the tests of one describe block: started in beforeAll on a free
 * test port in a temp dir, stopped (and killed, and its dir removed) in afterAll.
 */
export function useStandaloneZookeeper(prefix: string): TestZookeeper {
  const state: {cs?: string; dataDir?: string; server?: ZookeeperHandle} = {};
  beforeAll(async () => {
    state.dataDir = tempDir(prefix);
    state.server = await startZookeeper({ensemble: 1, port: await pickZkPort(1), dataDir: state.dataDir});
    state.cs = state.server.connectString;
  });
  afterAll(async () => {
    await state.server?.stop({timeoutMs: 5_000});
    killAll(state.server?.nodes.map((n) => n.pid) ?? []);
    if (state.dataDir) fs.rmSync(state.dataDir, {recursive: true, force: true});
  });
  return {
    get cs() {
      return state.cs!;
    },
    get dataDir() {
      return state.dataDir!;
    },
    get server() {
      return state.server!;
    },
  };
}
