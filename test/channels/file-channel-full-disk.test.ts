/**
 * The file channel on a full disk (through the disk seam): a put whose record cannot be written
 * whole fails (the source keeps its position) and leaves nothing in the log; once space returns
 * the same channel takes puts and commits again, and a reopen replays exactly the puts that
 * resolved and were not committed.
 */
import fs from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {FileChannel} from '../../src/channels/file-channel.js';
import type {Event} from '../../src/pipeline/event.js';
import {tempDir} from '../helpers/broker.js';
import {fillDisk, type FullDisk} from '../helpers/failing-disk.js';

let disk: FullDisk | undefined;
afterEach(() => {
  disk?.restore();
  disk = undefined;
});

const ev = (n: number): Event => ({headers: {n: String(n)}, body: Buffer.from(`event-${n}-${'x'.repeat(30)}`)});
const num = (e: Event) => Number(e.headers.n);
const range = (from: number, to: number) => Array.from({length: to - from}, (_, i) => from + i);

describe('file channel on a full disk', () => {
  it('fails puts it cannot log whole, carries on once space returns, and replays only what was put', async () => {
    const dir = tempDir('fch-full');
    const open = () => FileChannel.open({name: 'c1', dir, capacityEvents: 1000, capacityBytes: 1 << 20, maxSegmentBytes: 600});
    let channel = await open();
    const accepted: number[] = [];
    const put = async (ns: number[]) => {
      await channel.put(ns.map(ev));
      accepted.push(...ns);
    };
    for (let i = 0; i < 20; i += 2) await put([i, i + 1]);
    // Some of it is taken and committed: a commit record is a write too.
    const tx = (await channel.take(6, 0))!;
    await tx.commit();

    disk = fillDisk({allowBytes: 40});
    const refused: number[] = [];
    for (let i = 20; i < 30; i += 2) await put([i, i + 1]).catch(() => refused.push(i, i + 1));
    expect(refused).toEqual(range(20, 30));
    const stuck = (await channel.take(4, 0))!;
    await expect(stuck.commit()).rejects.toThrow(/ENOSPC/);
    await stuck.rollback();

    disk.free();
    // The source retries what was refused: the same channel takes it now.
    for (let i = 20; i < 40; i += 2) await put([i, i + 1]);
    const after = (await channel.take(4, 0))!;
    expect(after.events.map(num)).toEqual([6, 7, 8, 9]);
    await after.commit();
    await channel.close();

    channel = await open();
    const replayed = await drainAll(channel);
    expect(replayed).toEqual(accepted.filter((n) => n >= 10));
    expect(accepted).toEqual(range(0, 40));
    await channel.close();
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.wal'))) expect(fs.statSync(`${dir}/${name}`).mode & 0o777).toBe(0o600);
  });

  it('a commit refused part-way through its record fails, commits once space returns, and a reopen reads every record after it', async () => {
    const dir = tempDir('fch-commit-short');
    const open = () => FileChannel.open({name: 'c1', dir, capacityEvents: 1000, capacityBytes: 1 << 20, maxSegmentBytes: 1 << 20});
    let channel = await open();
    await channel.put(range(0, 10).map(ev));
    const tx = (await channel.take(4, 0))!;
    // Room for a few bytes of the commit record, not for all of it.
    disk = fillDisk({allowBytes: 3});
    await expect(tx.commit()).rejects.toThrow(/ENOSPC/);
    expect(disk.refused).toBeGreaterThan(0);
    disk.free();
    await tx.commit();
    // Written after the refused commit: only readable if nothing torn lies before it.
    await channel.put(range(10, 12).map(ev));
    await channel.close();

    channel = await open();
    const replayed = await drainAll(channel);
    expect(replayed).toEqual(range(4, 12));
    await channel.close();
  });
});

/** Everything a reopened channel gives back, each take committed. */
async function drainAll(channel: FileChannel): Promise<number[]> {
  const events: number[] = [];
  for (let t = await channel.take(1000, 0); t; t = await channel.take(1000, 0)) {
    events.push(...t.events.map(num));
    await t.commit();
  }
  return events;
}
