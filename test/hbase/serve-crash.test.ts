/**
 * `kcollect hbase serve` killed with SIGKILL while a client writes: after a restart on the same
 * data dir, every batch the client saw acknowledged is there, and no batch is half there.
 */
import {describe, expect, it} from 'vitest';
import {HBaseRestClient, HBaseUnavailableError} from '../../src/hbase/rest-client.js';
import {tempDir} from '../helpers/broker.js';
import {spawnServe} from './serve-process.js';

const ROWS_PER_BATCH = 10;
const batchRows = (b: number) =>
  Array.from({length: ROWS_PER_BATCH}, (_, i) => ({key: Buffer.from(`batch-${String(b).padStart(5, '0')}-row-${i}`), cells: [{column: 'cf1:speed', value: Buffer.from(String(b * 100 + i)), timestamp: 1_451_606_400_000 + b}]}));

describe('hbase serve crash', () => {
  it('loses nothing acknowledged when killed mid-write', async () => {
    const dataDir = tempDir('hbase-crash');
    const first = await spawnServe(dataDir);
    const client = new HBaseRestClient(first.url);
    await client.createTable('DriverCarInfo', ['cf1']);

    const acked: number[] = [];
    let reachedTwenty!: () => void;
    const twenty = new Promise<void>((resolve) => (reachedTwenty = resolve));
    // Four writers, so writes are in flight when the process dies.
    const writer = async (w: number) => {
      for (let b = w; ; b += 4) {
        try {
          await client.putRows('DriverCarInfo', batchRows(b));
        } catch (err) {
          expect(err).toBeInstanceOf(HBaseUnavailableError);
          return;
        }
        acked.push(b);
        if (acked.length >= 20) reachedTwenty();
      }
    };
    const writers = Promise.all([0, 1, 2, 3].map(writer));
    await twenty;
    first.proc.kill('SIGKILL');
    await writers;
    expect((await first.exited).signal).toBe('SIGKILL');
    client.close();

    const second = await spawnServe(dataDir);
    const reader = new HBaseRestClient(second.url);
    try {
      const rowsByBatch = new Map<number, number>();
      for await (const row of reader.scan('DriverCarInfo', {batch: 500})) {
        const b = Number(/^batch-(\d+)-/.exec(row.key.toString())![1]);
        rowsByBatch.set(b, (rowsByBatch.get(b) ?? 0) + 1);
        expect(row.cells.map((c) => c.value.toString())).toEqual([String(b * 100 + Number(row.key.toString().split('-row-')[1]))]);
      }
      for (const b of acked) expect(rowsByBatch.get(b), `acknowledged batch ${b}`).toBe(ROWS_PER_BATCH);
      for (const [b, n] of rowsByBatch) expect(n, `batch ${b} is whole or absent`).toBe(ROWS_PER_BATCH);
      // The restarted emulator takes writes again.
      await reader.putRows('DriverCarInfo', batchRows(99_999));
      expect((await reader.getRow('DriverCarInfo', 'batch-99999-row-0'))?.cells[0].value.toString()).toBe('9999900');
    } finally {
      reader.close();
      second.proc.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    }
  });
});
