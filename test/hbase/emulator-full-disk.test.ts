/**
 * The HBase emulator on a full disk (through the disk seam): a put the log cannot hold whole is
 * answered 503 and leaves nothing behind; once space returns, puts succeed without a restart; a
 * restart finds every row that was answered 200 and none that was refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {HBaseRestClient, HBaseUnavailableError} from '../../src/hbase/rest-client.js';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {LOG_FILE} from '../../src/hbase/emulator/log.js';
import {tempDir} from '../helpers/broker.js';
import {fillDisk, type FullDisk} from '../helpers/failing-disk.js';

let disk: FullDisk | undefined;
const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  disk?.restore();
  disk = undefined;
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function serve(dataDir: string, compactLogAboveBytes?: number): Promise<{emu: HBaseEmulator; client: HBaseRestClient}> {
  const emu = await startHBaseEmulator({dataDir, compactLogAboveBytes});
  const client = new HBaseRestClient(emu.url);
  stops.push(() => emu.stop(), () => client.close());
  return {emu, client};
}

const row = (i: number) => ({key: Buffer.from(`row-${String(i).padStart(4, '0')}`), cells: [{column: 'cf1:speed', value: Buffer.from(`value-${i}-${'x'.repeat(40)}`)}]});

/** Puts rows from..to one at a time; returns the ones answered 200 and the ones refused. */
async function putEach(client: HBaseRestClient, from: number, to: number): Promise<{acked: number[]; refused: number[]}> {
  const acked: number[] = [];
  const refused: number[] = [];
  for (let i = from; i < to; i++) {
    try {
      await client.putRows('T', [row(i)]);
      acked.push(i);
    } catch (err) {
      expect(err).toBeInstanceOf(HBaseUnavailableError);
      expect((err as HBaseUnavailableError).status).toBe(503);
      refused.push(i);
    }
  }
  return {acked, refused};
}

async function keys(client: HBaseRestClient): Promise<string[]> {
  const out: string[] = [];
  for await (const r of client.scan('T')) out.push(r.key.toString());
  return out;
}

describe('HBase emulator on a full disk', () => {
  it('answers 503 to puts it cannot log whole, carries on once space returns, and keeps every 200 across a restart', async () => {
    const dataDir = path.join(tempDir('hbase-full'), 'data');
    const first = await serve(dataDir);
    await first.client.createTable('T', ['cf1']);
    const before = await putEach(first.client, 0, 10);
    expect(before.refused).toEqual([]);

    // Room for about two and a half more entries: the third is cut short, then nothing fits.
    disk = fillDisk({allowBytes: 250});
    const full = await putEach(first.client, 10, 30);
    expect(full.refused.length).toBeGreaterThan(15);
    expect(disk.refused).toBeGreaterThan(0);
    // Refused rows are not served either: the store holds what the log holds.
    expect(await keys(first.client)).toEqual([...before.acked, ...full.acked].map((i) => row(i).key.toString()));

    disk.free();
    const after = await putEach(first.client, 30, 40);
    expect(after.refused).toEqual([]);
    await first.emu.stop();

    const second = await serve(dataDir);
    const acked = [...before.acked, ...full.acked, ...after.acked];
    expect(await keys(second.client)).toEqual(acked.map((i) => row(i).key.toString()));
    for (const i of acked) expect((await second.client.getRow('T', row(i).key))?.cells[0].value.toString()).toBe(row(i).cells[0].value.toString());
    // The data is the owner's alone.
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dataDir, LOG_FILE)).mode & 0o777).toBe(0o600);
  });

  it('keeps the old log when compaction on start finds the disk full, and compacts once there is space', async () => {
    const dataDir = tempDir('hbase-compact-full');
    const first = await serve(dataDir);
    await first.client.createTable('T', ['cf1']);
    // Every row written five times: compaction would drop the older versions' entries.
    for (let round = 0; round < 5; round++) await putEach(first.client, 0, 20);
    await first.emu.stop();
    const logFile = path.join(dataDir, LOG_FILE);
    const logBefore = fs.readFileSync(logFile);

    disk = fillDisk({allowBytes: 100});
    const second = await serve(dataDir, 1);
    expect(disk.refused).toBeGreaterThan(0);
    expect(fs.readFileSync(logFile).equals(logBefore)).toBe(true);
    expect(fs.readdirSync(dataDir).filter((n) => n.startsWith(LOG_FILE))).toEqual([LOG_FILE]);
    expect(await keys(second.client)).toHaveLength(20);
    disk.free();
    await second.client.putRows('T', [row(20)]);
    await second.emu.stop();

    const third = await serve(dataDir, 1);
    expect(await keys(third.client)).toHaveLength(21);
    expect(fs.statSync(logFile).size).toBeLessThan(logBefore.length);
  });
});
