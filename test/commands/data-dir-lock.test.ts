/**
 * One directory, one owner: a second `broker start`, `hbase serve` or `registry serve` on a data
 * dir another process is using exits 1 with one line naming that process, and the first one's
 * data is untouched.
 */
import type {ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {HBaseRestClient} from '../../src/hbase/rest-client.js';
import {freePort} from '../../src/lib/ports.js';
import {RegistryRestClient} from '../../src/registry/rest-client.js';
import {spawnBroker, tempDir} from '../helpers/broker.js';
import {expectUserError, kcollect, runCli, spawnCli} from '../helpers/cli.js';
import {spawnServe} from '../hbase/serve-process.js';

const running: ChildProcess[] = [];
afterEach(async () => {
  for (const proc of running.splice(0)) {
    if (proc.exitCode !== null || proc.signalCode !== null) continue;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }
});

/** `kcollect registry serve` left running; resolves at its ready line with its url. */
async function spawnRegistry(dataDir: string): Promise<{proc: ChildProcess; url: string}> {
  const proc = spawnCli(['registry', 'serve', '--port', '0', '--data-dir', dataDir]);
  running.push(proc);
  let out = '';
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /ready on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`registry serve exited (${code}) before it was ready:\n${out}`)));
  });
  return {proc, url};
}

describe('one process per data dir', () => {
  it('kcollect broker start: the second one exits 1 naming the first, whose records stay', async () => {
    const dataDir = tempDir('lock-broker');
    const first = await spawnBroker(dataDir);
    running.push(first.proc);
    expect((await kcollect(first.bootstrap, ['topic', 'create', 'owned'])).code).toBe(0);
    const produced = await kcollect(first.bootstrap, ['produce', 'owned'], {input: 'first-record\n'});
    expect(produced.code, produced.stderr).toBe(0);

    const second = await runCli(['broker', 'start', '--listen', '127.0.0.1:0', '--data-dir', dataDir]);
    expectUserError(second, `the broker data dir ${dataDir} is already in use by process ${first.proc.pid}`, '--data-dir');

    const read = await kcollect(first.bootstrap, ['consume', 'owned', '--from', 'beginning', '--exit']);
    expect(read.stdout.trim().split('\n')).toEqual(['first-record']);
  });

  it('kcollect hbase serve: the second one exits 1 naming the first, whose rows stay', async () => {
    const dataDir = tempDir('lock-hbase');
    const first = await spawnServe(dataDir);
    running.push(first.proc);
    const client = new HBaseRestClient(first.url);
    try {
      await client.createTable('T', ['cf1']);
      await client.putRows('T', [{key: Buffer.from('r1'), cells: [{column: 'cf1:a', value: Buffer.from('v1')}]}]);

      const second = await runCli(['hbase', 'serve', '--port', '0', '--data-dir', dataDir]);
      expectUserError(second, `the HBase emulator's data dir ${dataDir} is already in use by process ${first.proc.pid}`, '--data-dir');

      await client.putRows('T', [{key: Buffer.from('r2'), cells: [{column: 'cf1:a', value: Buffer.from('v2')}]}]);
      const keys: string[] = [];
      for await (const row of client.scan('T')) keys.push(row.key.toString());
      expect(keys).toEqual(['r1', 'r2']);
    } finally {
      client.close();
    }
  });

  it('kcollect registry serve: the second one exits 1 naming the first, whose schemas stay', async () => {
    const dataDir = tempDir('lock-registry');
    const first = await spawnRegistry(dataDir);
    const client = new RegistryRestClient(first.url);
    const schema = JSON.stringify({type: 'record', name: 'Car', fields: [{name: 'id', type: 'string'}]});
    const id = await client.register('cars-value', schema);

    const second = await runCli(['registry', 'serve', '--port', '0', '--data-dir', dataDir]);
    expectUserError(second, `the registry emulator's data dir ${dataDir} is already in use by process ${first.proc.pid}`, '--data-dir');

    expect(await client.lookup('cars-value', schema)).toMatchObject({id, version: 1});
  });
});

describe('zk server start', () => {
  it('refuses a data dir another kcollect is starting ZooKeeper in, naming it, and leaves its lock alone', async () => {
    const dataDir = tempDir('lock-zk');
    // What another `zk server start` in progress holds: this test's own (live) process stands in for it.
    fs.writeFileSync(path.join(dataDir, 'lock'), `${process.pid}\n`);
    const r = await runCli(['zk', 'server', 'start', '--data-dir', dataDir, '--port', String(await freePort())]);
    expectUserError(r, `the ZooKeeper data dir ${dataDir} is already being started by process ${process.pid}`, '--data-dir');
    expect(fs.readFileSync(path.join(dataDir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    expect(fs.readdirSync(dataDir)).toEqual(['lock']);
  });
});
