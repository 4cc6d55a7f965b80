import {spawn, type ChildProcess, type SpawnOptions} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';

/**
 * Process bookkeeping for the bench: every child is registered here so that it is killed on any
 * exit (normal end, error, Ctrl-C, SIGTERM), and every temp dir is removed.
 */

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let cleanedUp = false;

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Spawns a child that is killed by `cleanupNow()` if still running. */
export function spawnTracked(cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return track(spawn(cmd, args, options));
}

export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Synchronous, idempotent: safe from 'exit' handlers. */
export function cleanupNow(): void {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
  for (const d of tempDirs) fs.rmSync(d, {recursive: true, force: true});
  tempDirs.clear();
}

/** Kills children and removes temp files on exit, Ctrl-C, SIGTERM and unhandled errors. */
export function installCleanupHandlers(): void {
  process.once('exit', cleanupNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\nbench: ${sig}, cleaning up\n`);
      cleanupNow();
      process.exit(130);
    });
  }
  process.once('uncaughtException', (err) => {
    process.stderr.write(`bench: ${err.stack ?? err}\n`);
    cleanupNow();
    process.exit(1);
  });
  process.once('unhandledRejection', (err) => {
    process.stderr.write(`bench: unhandled rejection: ${(err as Error)?.stack ?? err}\n`);
    cleanupNow();
    process.exit(1);
  });
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. Resolves when it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface RunResult {
  seconds: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Bytes seen on stdout when `stdout: 'count'`. */
  stdoutBytes: number;
}

export interface RunOptions {
  /** File given as stdin (opened read-only), like `< FILE`. */
  stdinFile?: string;
  /** 'ignore' is `> /dev/null`; 'count' counts bytes without keeping them; 'capture' keeps text. */
  stdout?: 'ignore' | 'count' | 'capture';
  timeoutMs?: number;
  cwd?: string;
}

/** Runs a command to completion; `seconds` is wall time from spawn to exit with stdout closed. */
export async function runTimed(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const stdinFd = opts.stdinFile ? fs.openSync(opts.stdinFile, 'r') : undefined;
  const mode = opts.stdout ?? 'capture';
  try {
    const t0 = performance.now();
    const child = spawnTracked(cmd, args, {cwd: opts.cwd, stdio: [stdinFd ?? 'ignore', mode === 'ignore' ? 'ignore' : 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    let stdoutBytes = 0;
    child.stdout?.on('data', (c: Buffer) => {
      stdoutBytes += c.length;
      if (mode === 'capture') stdout += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += c.toString();
    });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    const {code, signal} = await new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({code, signal}));
    });
    const seconds = (performance.now() - t0) / 1000;
    if (timer) clearTimeout(timer);
    return {seconds, code, signal, stdout, stderr, stdoutBytes};
  } finally {
    if (stdinFd !== undefined) fs.closeSync(stdinFd);
  }
}

export {freePort} from '../src/lib/ports.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- /proc sampling -------------------------------------------------------------------------

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86_64

export interface ProcStat {
  rssKb: number;
  /** user + system CPU seconds so far. */
  cpuSeconds: number;
  /** The kernel's share of cpuSeconds (socket writes, file writes, page faults). */
  systemSeconds: number;
  /** Minor page faults so far: memory touched for the first time (fresh buffers). */
  minorFaults: number;
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0; minflt is field 10 -> index 7, utime field 14 -> index 11, stime index 12.
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    return {rssKb: m ? Number(m[1]) : 0, cpuSeconds, systemSeconds: Number(fields[12]) / CLK_TCK, minorFaults: Number(fields[7])};
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) of this process's children that have exited and been waited for:
 * what a finished kcat spent, read as the difference across its run.
 */
export function exitedChildrenCpuSeconds(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime is field 16 -> index 13, cstime index 14 (see readProcStat).
  return (Number(fields[13]) + Number(fields[14])) / CLK_TCK;
}

/** Samples VmRSS every `intervalMs` and CPU time at start and stop. */
export class ProcSampler {
  private timer?: NodeJS.Timeout;
  private startCpu = 0;
  private t0 = 0;
  peakRssKb = 0;

  constructor(private readonly pid: number, private readonly intervalMs = 100) {}

  start(): this {
    const s = readProcStat(this.pid);
    this.startCpu = s?.cpuSeconds ?? 0;
    this.peakRssKb = s?.rssKb ?? 0;
    this.t0 = performance.now();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  private sample(): ProcStat | undefined {
    const s = readProcStat(this.pid);
    if (s && s.rssKb > this.peakRssKb) this.peakRssKb = s.rssKb;
    return s;
  }

  /** Returns peak RSS and the fraction of one core used since start(). */
  stop(): {peakRssKb: number; cpuSeconds: number; cpuShare: number} {
    clearInterval(this.timer);
    const s = this.sample();
    const wall = (performance.now() - this.t0) / 1000;
    const cpuSeconds = (s?.cpuSeconds ?? this.startCpu) - this.startCpu;
    return {peakRssKb: this.peakRssKb, cpuSeconds, cpuShare: wall > 0 ? cpuSeconds / wall : 0};
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Microseconds some runnable task waited for a CPU (Linux PSI), or undefined without PSI. */
export function cpuPressureTotalUs(): number | undefined {
  try {
    const m = /some .*total=(\d+)/.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
