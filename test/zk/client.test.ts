import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../src/lib/errors.js';
import {ZkClient, type ZkState, type ZkWatchEvent} from '../../src/zk/client.js';
import {isZkError} from '../../src/zk/errors.js';
import {startZookeeper, zookeeperInstalled, type ZookeeperHandle} from '../../src/zk/server/index.js';
import {freezableProxy} from '../helpers/freezable-proxy.js';
import {requireTool} from '../helpers/system-deps.js';
import {eventually, killAll, pickZkPort, tempDir, useStandaloneZookeeper} from './helpers.js';

const haveZk = requireTool('zookeeper', zookeeperInstalled());

/** The promise, or a rejection naming what did not happen within ms. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

describe.skipIf(!haveZk)('ZkClient against a real standalone ZooKeeper', () => {
  const zk = useStandaloneZookeeper('zk-client');
  let cs: string;
  beforeAll(() => {
    cs = zk.cs;
  });

  it('ZkClient: versions, multi, watches and session events', async () => {
    const a = await ZkClient.connect(`${cs}/client-api`, {createChroot: true, sessionTimeoutMs: 6_000});
    const b = await ZkClient.connect(`${cs}/client-api`);
    const states: ZkState[] = [];
    a.on('state', (s: ZkState) => states.push(s));
    try {
      expect(a.chroot).toBe('/client-api');
      expect(a.sessionId).toMatch(/^0x[0-9a-f]+$/);
      expect(await a.create('/cfg', 'v0')).toBe('/cfg');
      expect(await a.ensurePath('/deep/er/path')).toEqual(['/deep', '/deep/er', '/deep/er/path']);
      expect(await a.ensurePath('/deep/er/path')).toEqual([]);

      // compare-and-set, including version 0 (which node-zookeeper-client's transaction drops)
      await expect(a.set('/cfg', 'v1', {version: 3})).rejects.toSatisfy((e) => isZkError(e, 'BADVERSION'));
      expect((await a.set('/cfg', 'v1', {version: 0})).version).toBe(1);
      await expect(a.multi([{op: 'check', path: '/cfg', version: 0}, {op: 'create', path: '/never'}])).rejects.toSatisfy((e) => isZkError(e, 'BADVERSION') && e.path === '/cfg');
      expect(await a.exists('/never')).toBeNull();
      const results = await a.multi([
        {op: 'check', path: '/cfg', version: 1},
        {op: 'set', path: '/cfg', data: 'v2', version: 1},
        {op: 'create', path: '/seq-', sequential: true},
        {op: 'remove', path: '/deep/er/path', version: 0},
      ]);
      expect(results[1]).toMatchObject({op: 'set', stat: {version: 2}});
      expect(results[2]).toMatchObject({op: 'create', path: expect.stringMatching(/^\/seq-\d{10}$/)});

      // watches as events: data, children, existence; one-shot
      const seen: ZkWatchEvent[] = [];
      a.on('watch', (e: ZkWatchEvent) => seen.push(e));
      const watched = () => {
        let fire!: (e: ZkWatchEvent) => void;
        const event = new Promise<ZkWatchEvent>((resolve) => (fire = resolve));
        return {fire, event: within(event, 10_000, 'the watch did not fire')};
      };
      const dataChanged = watched();
      const childAdded = watched();
      const created = watched();
      await a.get('/cfg', {watch: dataChanged.fire});
      await a.children('/deep', {watch: childAdded.fire});
      expect(await a.exists('/later', {watch: created.fire})).toBeNull();
      await b.set('/cfg', 'from b');
      await b.create('/deep/sibling');
      await b.create('/later');
      expect(await dataChanged.event).toEqual({type: 'NODE_DATA_CHANGED', path: '/cfg'});
      expect(await childAdded.event).toEqual({type: 'NODE_CHILDREN_CHANGED', path: '/deep'});
      expect(await created.event).toEqual({type: 'NODE_CREATED', path: '/later'});
      expect(seen).toHaveLength(3);

      // ephemeral znodes go with their session
      await a.create('/eph', null, {mode: 'ephemeral'});
      const gone = watched();
      expect(await b.exists('/eph', {watch: gone.fire})).not.toBeNull();
      await a.close();
      expect(await gone.event).toEqual({type: 'NODE_DELETED', path: '/eph'});
      expect(states).not.toContain('disconnected');
      expect(states).toContain('closed');
      await expect(a.get('/cfg')).rejects.toSatisfy((e) => isZkError(e, 'CONNECTIONLOSS'));

      // recursive remove leaves nothing
      expect((await b.remove('/deep', {recursive: true})).at(-1)).toBe('/deep');
      expect(await b.exists('/deep')).toBeNull();
      await expect(b.create('bad')).rejects.toBeInstanceOf(UserError);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe.skipIf(!haveZk)('ZkClient session events against a hung server', () => {
  let server: ZookeeperHandle | undefined;
  let dataDir: string;

  afterAll(async () => {
    if (server) {
      for (const n of server.nodes) {
        try {
          process.kill(n.pid, 'SIGCONT');
        } catch {
          /* gone */
        }
      }
      await server.stop({timeoutMs: 5_000});
      killAll(server.nodes.map((n) => n.pid));
    }
    if (dataDir) fs.rmSync(dataDir, {recursive: true, force: true});
  });

  it('notices a server that stopped answering, then reports the session expired', async () => {
    dataDir = tempDir('zk-hung');
    server = await startZookeeper({port: await pickZkPort(1), dataDir});
    // The server keeps running (so it expires the session on time); only the path to it hangs.
    const path = await freezableProxy({host: '127.0.0.1', port: server.nodes[0]!.clientPort});
    const zk = await ZkClient.connect(`127.0.0.1:${path.port}`, {sessionTimeoutMs: 2_000});
    const states: ZkState[] = [];
    zk.on('state', (s: ZkState) => states.push(s));
    const expired = new Promise<void>((resolve) => zk.once('expired', () => resolve()));
    try {
      await zk.create('/mine', null, {mode: 'ephemeral'});
      path.freeze();
      await eventually(async () => expect(states).toContain('disconnected'), 15_000, 100);
      // The server drops the silent session after its timeout; its ephemeral goes with it.
      const other = await ZkClient.connect(server.connectString);
      try {
        await eventually(async () => expect(await other.exists('/mine')).toBeNull(), 15_000, 100);
      } finally {
        await other.close();
      }
      path.thaw();
      await expired;
      expect(zk.state).toBe('expired');
      expect(states.indexOf('disconnected')).toBeLessThan(states.indexOf('expired'));
      await expect(zk.get('/mine')).rejects.toSatisfy((e) => isZkError(e));
    } finally {
      path.close();
      await zk.close();
    }
  });
});

describe.skipIf(!haveZk)('zk server start failures', () => {
  it('fails clearly when the server does not come up, showing the tail of its log', async () => {
    const dataDir = tempDir('zk-broken');
    try {
      // A transaction log without a snapshot: ZooKeeper refuses to load it and exits.
      fs.mkdirSync(path.join(dataDir, 'node-1', 'data', 'version-2'), {recursive: true});
      fs.writeFileSync(path.join(dataDir, 'node-1', 'data', 'version-2', 'log.1'), 'garbage');
      const err = await startZookeeper({port: await pickZkPort(1), dataDir, timeoutMs: 20_000}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toMatch(/^ZooKeeper node 1 \(127\.0\.0\.1:\d+\) exited during start-up \(exit code 1\)$/);
      expect((err as UserError).hint).toContain('zookeeper.log');
      expect((err as UserError).hint).toContain('No snapshot found');
      expect(fs.existsSync(path.join(dataDir, 'kcollect-zk.json'))).toBe(false);
    } finally {
      fs.rmSync(dataDir, {recursive: true, force: true});
    }
  });
});
