import type {ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';
import {WireConnection} from '../src/client/wire-connection.js';
import {ApiVersions} from '../src/protocol/messages/18-api-versions.js';
import {freePort, readProcStat, sleep, spawnTracked, stopChild} from './proc.js';

/** A Kafka-protocol endpoint the bench drives with kcat. */
export interface Peer {
  /** Short name used in tables: "kcollect" or "mock". */
  readonly name: string;
  readonly bootstrap: string;
  /** The process that does the broker work (sampled for RSS and CPU). */
  readonly pid: number;
  /** kcat -X settings needed to reach it (a TLS listener's). */
  readonly clientArgs?: string[];
  stop(): Promise<void>;
}

/** The repository root (dist/bench/peers.js -> ../..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const runJs = path.join(repoRoot, 'bin', 'run.js');

export interface KcollectOptions {
  dataDir: string;
  numPartitions?: number;
  /** Fixed port; default: 0 (the broker picks one and prints it). */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=DIR']. */
  nodeArgs?: string[];
  /** Extra `broker start` flags, e.g. ['--id', '2', '--zookeeper', 'HOST:PORT']. */
  brokerArgs?: string[];
  /** A server.properties with its own `listeners` (then no --listen). */
  configFile?: string;
}

export class KcollectPeer implements Peer {
  readonly name = 'kcollect';
  private stderrTail = '';

  private constructor(readonly child: ChildProcess, readonly bootstrap: string) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Spawns `node bin/run.js broker start` and resolves on its "ready on HOST:PORT" line. */
  static async start(opts: KcollectOptions): Promise<KcollectPeer> {
    fs.mkdirSync(opts.dataDir, {recursive: true});
    const args = [
      ...(opts.nodeArgs ?? []),
      runJs,
      'broker',
      'start',
      ...(opts.configFile ? ['--config', opts.configFile] : ['--listen', `${opts.host ?? '127.0.0.1'}:${opts.port ?? 0}`]),
      '--data-dir',
      opts.dataDir,
      '--num-partitions',
      String(opts.numPartitions ?? 1),
      ...(opts.brokerArgs ?? []),
    ];
    const child = spawnTracked(process.execPath, args, {stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot});
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    const bootstrap = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`kcollect broker did not report ready in 30 s\n${stderr}`)), 30_000);
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /ready on (\S+):(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(`${m[1]}:${m[2]}`);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`kcollect broker exited (${code ?? signal}) before ready\n${stderr}`));
      });
    });
    const peer = new KcollectPeer(child, bootstrap);
    child.stderr!.on('data', (c: Buffer) => {
      peer.stderrTail = (peer.stderrTail + c.toString()).slice(-4000);
    });
    return peer;
  }

  get recentStderr(): string {
    return this.stderrTail;
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 10_000);
  }
}

/**
 * librdkafka's in-process mock cluster, kept alive by an idle kcat consumer. Its address is read
 * from the "Mock cluster enabled: ... replaced with 127.0.0.1:PORT" line on stderr.
 */
export class MockPeer implements Peer {
  readonly name = 'mock';

  private constructor(readonly child: ChildProcess, readonly bootstrap: string) {}

  get pid(): number {
    return this.child.pid!;
  }

  static async start(numBrokers = 1): Promise<MockPeer> {
    const child = spawnTracked('kcat', ['-b', 'x:1', '-X', `test.mock.num.brokers=${numBrokers}`, '-C', '-t', 'warm'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const bootstrap = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`the mock cluster did not print its address in 10 s\n${err}`)), 10_000);
      child.stderr!.on('data', (c: Buffer) => {
        err = (err + c.toString()).slice(-4000);
        const m = /replaced with ([0-9.:,]+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1].replace(/,$/, ''));
        }
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`kcat (mock cluster) exited (${code ?? signal})\n${err}`));
      });
    });
    // Keep draining stderr so the pipe never fills and blocks the mock.
    child.stderr!.resume();
    return new MockPeer(child, bootstrap);
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 3000);
  }
}

/**
 * Time from spawn to the first answered ApiVersions request: a TCP connect and an ApiVersions v0
 * round trip, retried every 5 ms. The broker is stopped afterwards.
 */
export async function measureStartup(dataDir: string): Promise<{ms: number; readyRssKb: number}> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawnTracked(
    process.execPath,
    [runJs, 'broker', 'start', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir],
    {stdio: ['ignore', 'ignore', 'ignore'], cwd: repoRoot},
  );
  try {
    const deadline = t0 + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`kcollect broker exited with ${child.exitCode} during start-up`);
      if (performance.now() > deadline) throw new Error('kcollect broker did not answer ApiVersions within 30 s');
      let conn: WireConnection | undefined;
      try {
        conn = await WireConnection.connect('127.0.0.1', port, {clientId: 'kcollect-bench', timeoutMs: 1000});
        const res = await conn.request(ApiVersions, 0, {});
        if (res.errorCode === 0) {
          const ms = performance.now() - t0;
          return {ms, readyRssKb: readProcStat(child.pid!)?.rssKb ?? 0};
        }
      } catch {
        // not listening yet
      } finally {
        conn?.close();
      }
      await sleep(5);
    }
  } finally {
    await stopChild(child, 5000);
  }
}
