import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {ZkClient} from '../../src/zk/client.js';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {requireTool} from '../helpers/system-deps.js';
import {expectUserErrorLine, runCli, runCliJson, spawnCli} from '../helpers/cli.js';
import {closedPort, eventually, useStandaloneZookeeper} from './helpers.js';

const haveZk = requireTool('zookeeper', zookeeperInstalled());

describe.skipIf(!haveZk)('zk data, chroot, watch and connection errors against a real standalone ZooKeeper', () => {
  const zk = useStandaloneZookeeper('zk-cli-data');
  let cs: string;
  let dataDir: string;
  beforeAll(() => {
    ({cs, dataDir} = zk);
  });
  const cli = (...args: string[]) => runCli(['zk', ...args, '--zookeeper', cs]);
  const cliJson = <T = any>(...args: string[]) => runCliJson<T>(['zk', ...args, '--zookeeper', cs]);

  it('non-UTF-8 data prints as hex (saying so) and as base64 in --json', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x42, 0xc3, 0x28]);
    const file = path.join(dataDir, 'binary.bin');
    fs.writeFileSync(file, bytes);
    expect((await cli('create', '/bin/raw', '--data-file', file, '-p')).code).toBe(0);
    const [human, json] = await Promise.all([cli('get', '/bin/raw'), cliJson('get', '/bin/raw')]);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('(/bin/raw holds 7 bytes that are not UTF-8 text; shown as hex)');
    expect(human.stdout).toBe('00000000  ff fe 00 41 42 c3 28                              |...AB.(|\n');
    expect(json.data).toEqual({base64: bytes.toString('base64'), utf8: null, length: 7});

    // valid UTF-8 with a NUL: hex for people, utf8 in --json
    const zk = await ZkClient.connect(cs);
    try {
      await zk.create('/bin/nul', Buffer.from('a\u0000b'));
      const [h, j] = await Promise.all([cli('get', '/bin/nul'), cliJson('get', '/bin/nul')]);
      expect(h.stderr).toContain('not printable text; shown as hex');
      expect(j.data).toEqual({base64: Buffer.from('a\u0000b').toString('base64'), utf8: 'a\u0000b', length: 3});
      // set from stdin-less --data-file, then read the exact bytes back through the client
      expect((await cli('set', '/bin/nul', '--data-file', file)).code).toBe(0);
      expect((await zk.get('/bin/nul')).data.equals(bytes)).toBe(true);
    } finally {
      await zk.close();
    }
  });

  it('a chroot in the connect string scopes every path, and a missing one is named', async () => {
    expectUserErrorLine(await runCli(['zk', 'ls', '/', '--zookeeper', `${cs}/no/such/root`]), 'the chroot /no/such/root of the connect string does not exist');
    await cli('create', '/kafka-root', '-p');
    const chrooted = `${cs}/kafka-root`;
    expect((await runCli(['zk', 'create', '/brokers/ids/0', 'b0', '-p', '--zookeeper', chrooted])).code).toBe(0);
    const [inside, outside] = await Promise.all([runCliJson(['zk', 'ls', '/', '-R', '--zookeeper', chrooted]), cliJson('find', '/kafka-root', 'ids/0$')]);
    expect(inside.paths).toEqual(['/', '/brokers', '/brokers/ids', '/brokers/ids/0']);
    expect(outside.matches).toEqual(['/kafka-root/brokers/ids/0']);
    // and KCOLLECT_ZOOKEEPER works as the flag does
    const viaEnv = await runCli(['zk', 'get', '/brokers/ids/0'], {env: {KCOLLECT_ZOOKEEPER: chrooted}});
    expect(viaEnv.stdout).toBe('b0\n');
  });

  it('zk watch prints events until Ctrl-C', async () => {
    const child = spawnCli(['zk', 'watch', '/watched', '-R', '--json', '--zookeeper', cs]);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await eventually(async () => expect(stderr).toContain('watching /watched and everything under it'), 15_000, 50);
      const zk = await ZkClient.connect(cs);
      try {
        await zk.create('/watched');
        await zk.create('/watched/a', 'one');
        await eventually(async () => expect(stdout).toContain('"added":["a"]'), 10_000, 50);
        await zk.set('/watched/a', 'two');
        await eventually(async () => expect(stdout).toMatch(/"NODE_DATA_CHANGED","path":"\/watched\/a","version":1/), 10_000, 50);
        await zk.remove('/watched', {recursive: true});
        await eventually(async () => expect(stdout).toContain('"type":"NODE_DELETED","path":"/watched"}'), 10_000, 50);
        await eventually(async () => expect(stdout.trim().split('\n')).toHaveLength(6), 10_000, 50);
      } finally {
        await zk.close();
      }
      const events = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as {type: string; path?: string; added?: string[]; removed?: string[]; version?: number});
      const names = events.map((e) => `${e.type} ${e.path}`);
      // What the test waited for, in order; the removal's events may interleave.
      expect(names.slice(0, 3)).toEqual(['NODE_CREATED /watched', 'NODE_CHILDREN_CHANGED /watched', 'NODE_DATA_CHANGED /watched/a']);
      expect(events[1]).toMatchObject({added: ['a'], removed: []});
      expect(events[2]).toMatchObject({version: 1});
      expect(names.slice(3).sort()).toEqual(['NODE_CHILDREN_CHANGED /watched', 'NODE_DELETED /watched', 'NODE_DELETED /watched/a']);
      expect(events.find((e, i) => i >= 3 && e.type === 'NODE_CHILDREN_CHANGED'), stdout).toMatchObject({removed: ['a']});
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/stopped watching \/watched after 6 events/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('no server at the address: a UserError within the connect timeout', async () => {
    const port = await closedPort();
    const r = await runCli(['zk', 'ls', '/', '--zookeeper', `127.0.0.1:${port}`, '--connect-timeout', '1s']);
    expectUserErrorLine(r, `no ZooKeeper answers at 127.0.0.1:${port}`);
    expect(r.stderr).toContain('kcollect zk server start');
  });

});
