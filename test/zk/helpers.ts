import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll} from 'vitest';
import {ELECTION_PORT_OFFSET, PEER_PORT_OFFSET} from '../../src/zk/server/config.js';
import {startZookeeper, type ZookeeperHandle} from '../../src/zk/server/index.js';

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
