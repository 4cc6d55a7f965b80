/**
 * `kcollect hbase serve` with its data dir on a small tmpfs that fills up: puts are refused
 * (5xx) while it is full, taken again once space returns (no restart), and after a SIGKILL and
 * a restart every row that was answered 200 is there.
 */
import type {ChildProcess} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {HBaseRestClient, HBaseUnavailableError} from '../../src/hbase/rest-client.js';
import {canMountTmpfs, mountTmpfs} from '../helpers/tmpfs.js';
import {spawnServe} from './serve-process.js';

const row = (i: number) => ({key: Buffer.from(`row-${String(i).padStart(5, '0')}`), cells: [{column: 'cf1:v', value: Buffer.from(`value-${i}-${'x'.repeat(200)}`)}]});

describe.skipIf(!canMountTmpfs())('hbase serve on a full disk (8 MB tmpfs)', () => {
  it('refuses puts while full, carries on after space returns, and keeps every acknowledged row across a restart', async () => {
    const disk = mountTmpfs(8);
    const dataDir = `${disk.dir}/hbase`;
    let proc: ChildProcess | undefined;
    try {
      const first = await spawnServe(dataDir);
      proc = first.proc;
      const client = new HBaseRestClient(first.url);
      await client.createTable('T', ['cf1']);
      const acked: number[] = [];
      let refused = 0;
      const put = async (i: number) => {
        try {
          await client.putRows('T', [row(i)]);
          acked.push(i);
        } catch (err) {
          expect(err).toBeInstanceOf(HBaseUnavailableError);
          refused++;
        }
      };
      for (let i = 0; i < 50; i++) await put(i);
      disk.fill();
      for (let i = 50; i < 100; i++) await put(i);
      expect(refused).toBeGreaterThan(40);
      disk.free();
      for (let i = 100; i < 150; i++) await put(i);
      expect(acked.filter((i) => i >= 100)).toHaveLength(50);
      client.close();
      first.proc.kill('SIGKILL');
      await first.exited;

      const second = await spawnServe(dataDir);
      proc = second.proc;
      const reader = new HBaseRestClient(second.url);
      const keys: string[] = [];
      for await (const r of reader.scan('T')) keys.push(r.key.toString());
      reader.close();
      expect(keys).toEqual(acked.map((i) => row(i).key.toString()));
    } finally {
      const last = proc;
      if (last && last.exitCode === null && last.signalCode === null) {
        const exited = new Promise((resolve) => last.once('exit', resolve));
        last.kill('SIGKILL');
        await exited;
      }
      disk.unmount();
    }
  });
});
