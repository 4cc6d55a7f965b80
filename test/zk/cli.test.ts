import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../src/lib/errors.js';
import {ZkClient} from '../../src/zk/client.js';
import {readDataInput} from '../../src/zk/data.js';
import {zkCreate, zkFind, zkGet, zkLs, zkRm, zkSet} from '../../src/zk/ops.js';
import {zookeeperInstalled, type ZookeeperHandle} from '../../src/zk/server/index.js';
import {requireTool} from '../helpers/system-deps.js';
import {expectUserErrorLine, runCli, runCliJson} from '../helpers/cli.js';
import {useStandaloneZookeeper} from './helpers.js';

const haveZk = requireTool('zookeeper', zookeeperInstalled());

describe.skipIf(!haveZk)('zk commands end to end against a real standalone ZooKeeper', () => {
  const zk = useStandaloneZookeeper('zk-cli');
  let cs: string;
  let dataDir: string;
  let server: ZookeeperHandle;
  beforeAll(() => {
    ({cs, dataDir, server} = zk);
  });
  const cli = (...args: string[]) => runCli(['zk', ...args, '--zookeeper', cs]);
  const cliJson = <T = any>(...args: string[]) => runCliJson<T>(['zk', ...args, '--zookeeper', cs]);

  it('zk server status shows the node, its mode and znode count', async () => {
    const [fromDir, probed, human] = await Promise.all([
      runCliJson(['zk', 'server', 'status', '--data-dir', dataDir]),
      runCliJson(['zk', 'server', 'status', '--zookeeper', cs]),
      runCli(['zk', 'server', 'status', '--data-dir', dataDir]),
    ]);
    expect(fromDir).toMatchObject({source: 'data-dir', connectString: cs, ensemble: 1, leaderId: 1, serving: 1, quorum: true});
    expect(fromDir.nodes).toHaveLength(1);
    expect(fromDir.nodes[0]).toMatchObject({id: 1, address: cs, pid: server.nodes[0]!.pid, processAlive: true, mode: 'standalone'});
    expect(fromDir.nodes[0].znodeCount).toBeGreaterThanOrEqual(3);
    expect(probed).toMatchObject({source: 'connect-string', nodes: [{address: cs, mode: 'standalone'}]});
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ID\s+ADDRESS\s+PID\s+MODE\s+ZNODES/m);
    expect(human.stdout).toContain('standalone');
  });

  it('starting it again from the same data dir is refused', async () => {
    const r = await runCli(['zk', 'server', 'start', '--port', String(server.nodes[0]!.clientPort), '--data-dir', dataDir]);
    expectUserErrorLine(r, /ZooKeeper is already running from /);
    expect(r.stderr).toContain('zk server stop');
  });

  it('create, get, stat, set, ls, tree, find and rm, in text and --json', async () => {
    let r = await cli('create', '/e2e/app/config', '{"retention":"7d"}', '-p');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Created /e2e\nCreated /e2e/app\nCreated /e2e/app/config\n');

    const [get, getS, getJson, statJson] = await Promise.all([cli('get', '/e2e/app/config'), cli('get', '/e2e/app/config', '-s'), cliJson('get', '/e2e/app/config'), cliJson('stat', '/e2e/app/config')]);
    expect(get.stdout).toBe('{"retention":"7d"}\n');
    expect(getS.stdout).toContain('dataVersion = 0\n');
    expect(getS.stdout).toContain('dataLength = 18\n');
    expect(getS.stdout).toMatch(/^ephemeralOwner = 0x0$/m);
    expect(getJson).toMatchObject({path: '/e2e/app/config', data: {utf8: '{"retention":"7d"}', base64: Buffer.from('{"retention":"7d"}').toString('base64'), length: 18}, stat: {version: 0, dataLength: 18, ephemeral: false}});
    expect(statJson.stat).toMatchObject({version: 0, numChildren: 0, dataLength: 18});
    expect(statJson.stat.czxid).toMatch(/^0x[0-9a-f]+$/);

    // Three independent chains, side by side: compare-and-set, sequential, ephemeral.
    const casChain = async () => {
      const set = await cliJson('set', '/e2e/app/config', '{"retention":"3d"}', '-v', '0');
      expect(set).toMatchObject({path: '/e2e/app/config', expectedVersion: 0, stat: {version: 1}});
      expectUserErrorLine(await cli('set', '/e2e/app/config', 'lost update', '-v', '0'), 'version mismatch on /e2e/app/config: expected 0, it is at 1');
      expect((await cli('get', '/e2e/app/config')).stdout).toBe('{"retention":"3d"}\n');
      const r = await cli('set', '/e2e/app/config', 'v2');
      expect(r.stdout).toBe('Set /e2e/app/config (now at version 2, 2 bytes)\n');
    };
    const seqChain = async () => {
      const first = await cliJson('create', '/e2e/app/item-', 'one', '-s');
      const second = await cliJson('create', '/e2e/app/item-', 'two', '-s');
      expect(first.path).toMatch(/^\/e2e\/app\/item-\d{10}$/);
      expect(Number(second.path.slice(-10))).toBeGreaterThan(Number(first.path.slice(-10)));
      return [first, second];
    };
    const ephChain = async () => {
      const eph = await cli('create', '/e2e/app/session', '-e');
      expect(eph.stdout).toBe('Created /e2e/app/session\n');
      expect(eph.stderr).toMatch(/ephemeral/);
      expectUserErrorLine(await cli('stat', '/e2e/app/session'), 'no znode /e2e/app/session'); // gone with the command's session
    };
    const [, [s1, s2]] = await Promise.all([casChain(), seqChain(), ephChain()]);

    const [ls, lsR, lsJson, tree, treeJson, find, ifind] = await Promise.all([
      cli('ls', '/e2e/app'),
      cli('ls', '/e2e', '-R'),
      cliJson('ls', '/e2e/app'),
      cli('tree', '/e2e'),
      cliJson('tree', '/e2e'),
      cliJson('find', '/e2e', 'item-'),
      cliJson('find', '/e2e', 'CONFIG$', '-i'),
    ]);
    expect(ls.stdout).toBe(`config\n${s1.path.split('/').pop()}\n${s2.path.split('/').pop()}\n`);
    expect(lsR.stdout.split('\n').filter(Boolean)).toEqual(['/e2e', '/e2e/app', '/e2e/app/config', s1.path, s2.path]);
    expect(lsJson).toEqual({path: '/e2e/app', recursive: false, children: ['config', s1.path.split('/').pop(), s2.path.split('/').pop()]});
    expect(tree.stdout).toBe(`/e2e\n└── app\n    ├── config\n    ├── ${s1.path.split('/').pop()}\n    └── ${s2.path.split('/').pop()}\n`);
    expect(treeJson).toMatchObject({path: '/e2e', name: 'e2e', children: [{path: '/e2e/app', children: [{name: 'config', children: []}, {}, {}]}]});
    expect(find.matches).toEqual([s1.path, s2.path]);
    expect(ifind.matches).toEqual(['/e2e/app/config']);

    expectUserErrorLine(await cli('rm', '/e2e'), /^kcollect: \/e2e has children \(app\)$/);
    const rm = await cliJson('rm', '/e2e', '-r');
    expect(rm).toMatchObject({path: '/e2e', recursive: true});
    expect(rm.removed).toHaveLength(5);
    expect(rm.removed.at(-1)).toBe('/e2e');
    expectUserErrorLine(await cli('ls', '/e2e'), 'no znode /e2e');
  });

  it('garbage input gets one-line errors with a hint', async () => {
    await cli('create', '/garbage/existing', 'x', '-p');
    const big = path.join(dataDir, 'big.bin');
    fs.writeFileSync(big, Buffer.alloc(1024 * 1024 + 1));
    // Through the CLI: the whole path from flag parsing to the printed error.
    const cases: Array<[string[], RegExp | string]> = [
      [['get', 'relative/path'], 'invalid znode path "relative/path": it must start with /'],
      [['ls', '/a//b'], 'invalid znode path "/a//b": it has an empty segment (//)'],
      [['get', '/garbage/none'], 'no znode /garbage/none'],
      [['create', '/garbage/existing'], '/garbage/existing already exists'],
      [['create', '/garbage/missing/child'], 'cannot create /garbage/missing/child: its parent /garbage/missing does not exist'],
      [['set', '/garbage/existing', 'y', '-v', '7'], 'version mismatch on /garbage/existing: expected 7, it is at 0'],
      [['rm', '/brokers', '-r'], 'refusing to remove /brokers without --force'],
      [['create', '/garbage/big', '--data-file', big], /takes at most 1048576 bytes/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(...args)));
    results.forEach((r, i) => expectUserErrorLine(r, cases[i]![1]));

    // The same operations in-process (what the commands call), for the rest of the list.
    const conn = {connectString: cs};
    const userError = async (p: Promise<unknown>, message: RegExp | string) => {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      if (typeof message === 'string') expect((err as UserError).message).toBe(message);
      else expect((err as UserError).message).toMatch(message);
      expect((err as UserError).hint).toBeTruthy();
    };
    await Promise.all([
      userError(zkGet(conn, '/trailing/'), 'invalid znode path "/trailing/": it must not end with /'),
      userError(zkCreate(conn, '/a/../b', undefined), /^invalid znode path "\/a\/\.\.\/b": relative segments/),
      userError(zkLs(conn, '/tab\there'), /control character U\+0009/),
      userError(zkSet(conn, '/garbage/none', Buffer.from('y')), 'no znode /garbage/none'),
      userError(zkRm(conn, '/garbage/existing', {version: 3}), 'version mismatch on /garbage/existing: expected 3, it is at 0'),
      userError(zkSet(conn, '/garbage/existing', Buffer.from('y'), {version: -5}), 'invalid version -5'),
      userError(zkRm(conn, '/'), 'refusing to remove / without --force'),
      userError(zkRm(conn, '/zookeeper', {force: true}), /belongs to ZooKeeper itself/),
      userError(zkFind(conn, '/', '(unclosed'), /^invalid pattern "\(unclosed"/),
    ]);
    const holder = await ZkClient.connect(cs);
    try {
      await holder.create('/garbage/eph', null, {mode: 'ephemeral'});
      await userError(zkCreate(conn, '/garbage/eph/child', undefined), /^cannot create \/garbage\/eph\/child: its parent \/garbage\/eph is ephemeral/);
    } finally {
      await holder.close();
    }
    expect(() => readDataInput('a', big)).toThrow(/either as an argument or with --data-file/);
    expect(() => readDataInput(undefined, path.join(dataDir, 'missing.bin'))).toThrow(/cannot read --data-file .*ENOENT/);

    expectUserErrorLine(await runCli(['zk', 'ls', '/', '--zookeeper', 'localhost:notaport']), /invalid ZooKeeper connect string "localhost:notaport"/);
    // /brokers goes with --force
    await cli('create', '/brokers/ids/1', 'x', '-p');
    const forced = await cliJson('rm', '/brokers', '-r', '--force');
    expect(forced.removed).toEqual(['/brokers/ids/1', '/brokers/ids', '/brokers']);
  });

});
