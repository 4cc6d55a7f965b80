import fs from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ZkClient} from '../../src/zk/client.js';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {requireTool} from '../helpers/system-deps.js';
import {runCli, runCliJson} from '../helpers/cli.js';
import {eventually, killAll, pickZkPort, tempDir} from './helpers.js';

const haveZk = requireTool('zookeeper', zookeeperInstalled());

describe.skipIf(!haveZk)('a 3-node ZooKeeper ensemble on loopback', () => {
  let dataDir: string;
  let cs: string;
  const pids: number[] = [];
  const cli = (...args: string[]) => runCli(['zk', ...args, '--zookeeper', cs]);
  const status = () => runCliJson(['zk', 'server', 'status', '--data-dir', dataDir]);

  beforeAll(async () => {
    dataDir = tempDir('zk-ensemble');
    const port = await pickZkPort(3);
    const started = await runCliJson(['zk', 'server', 'start', '--ensemble', '3', '--port', String(port), '--data-dir', dataDir, '--timeout', '45s'], {timeoutMs: 55_000});
    pids.push(...started.nodes.map((n: {pid: number}) => n.pid));
    cs = started.connectString;
    expect(cs).toBe(`127.0.0.1:${port},127.0.0.1:${port + 1},127.0.0.1:${port + 2}`);
    expect(started.nodes.map((n: {id: number}) => n.id)).toEqual([1, 2, 3]);
  });

  afterAll(async () => {
    if (dataDir) await runCli(['zk', 'server', 'stop', '--data-dir', dataDir, '--timeout', '5s']);
    killAll(pids);
    if (dataDir) fs.rmSync(dataDir, {recursive: true, force: true});
  });

  it('runs each node with its own ports and myid, one leader and two followers', async () => {
    for (const id of [1, 2, 3]) {
      expect(fs.readFileSync(`${dataDir}/node-${id}/data/myid`, 'utf8').trim()).toBe(String(id));
      expect(fs.readFileSync(`${dataDir}/node-${id}/zoo.cfg`, 'utf8')).toMatch(/^server\.3=127\.0\.0\.1:\d+:\d+$/m);
    }
    const s = await status();
    expect(s).toMatchObject({ensemble: 3, serving: 3, quorum: true});
    expect(s.nodes.map((n: {mode: string}) => n.mode).sort()).toEqual(['follower', 'follower', 'leader']);
    expect(new Set(s.nodes.map((n: {address: string}) => n.address)).size).toBe(3);
  });

  it('keeps the znode CLI working after the leader is SIGKILLed and a new one is elected', async () => {
    expect((await cli('create', '/survivor', 'before')).code).toBe(0);
    // A session held across the election: its ephemeral znode must survive it.
    const held = await ZkClient.connect(cs, {sessionTimeoutMs: 20_000});
    try {
      await held.create('/held-session', 'eph', {mode: 'ephemeral'});

      const before = await status();
      const leader = before.nodes.find((n: {mode: string}) => n.mode === 'leader');
      process.kill(leader.pid, 'SIGKILL');

      const after = await eventually(async () => {
        const s = await status();
        const newLeader = s.nodes.find((n: {mode: string}) => n.mode === 'leader');
        expect(newLeader?.id).toBeDefined();
        expect(newLeader.id).not.toBe(leader.id);
        expect(s.serving).toBe(2);
        return s;
      }, 30_000, 250);
      expect(after.quorum).toBe(true);
      expect(after.nodes.find((n: {id: number}) => n.id === leader.id)).toMatchObject({mode: 'down', processAlive: false});

      // Every command works again (bounded retries while clients find a serving node).
      const get = await eventually(async () => {
        const r = await cli('get', '/survivor');
        expect(r.code, r.stderr).toBe(0);
        return r;
      }, 30_000, 250);
      expect(get.stdout).toBe('before\n');
      await eventually(async () => {
        const r = await cli('create', '/after-election', 'after');
        // a retry may find the znode an earlier attempt created before its connection dropped
        if (r.code !== 0) expect(r.stderr).toContain('/after-election already exists');
      }, 30_000, 250);
      const ls = await eventually(async () => {
        const r = await runCliJson(['zk', 'ls', '/', '--zookeeper', cs]);
        expect(r.children).toEqual(expect.arrayContaining(['after-election', 'held-session', 'survivor']));
        return r;
      }, 30_000, 250);
      expect(ls.children).toContain('zookeeper');
      const eph = await eventually(async () => runCliJson(['zk', 'stat', '/held-session', '--zookeeper', cs]), 30_000, 250);
      expect(eph.stat.ephemeral).toBe(true);
      expect(eph.stat.ephemeralOwner).toBe(held.sessionId);
      // and the held session itself goes on
      await eventually(async () => expect((await held.get('/after-election')).data.toString()).toBe('after'), 30_000, 250);
    } finally {
      await held.close();
    }
  });

  it('zk server stop stops the nodes still running and forgets them', async () => {
    const stopped = await runCliJson(['zk', 'server', 'stop', '--data-dir', dataDir]);
    expect(stopped.wasRunning).toBe(true);
    expect(stopped.nodes.map((n: {result: string}) => n.result).sort()).toEqual(['not running', 'stopped', 'stopped']);
    const r = await runCli(['zk', 'server', 'status', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kcollect: no ZooKeeper was started from /);
  });
});
