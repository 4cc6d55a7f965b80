import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {markLent} from '../../src/lib/lent-buffers.js';
import {PartitionLog} from '../../src/storage/partition-log.js';
import {RecentBatchBudget} from '../../src/storage/recent-batches.js';
import {validateTopicConfig} from '../../src/storage/topic-config.js';
import {makeBatch} from './batches.js';

// A leader with followers keeps its latest batches in memory (holdRecentBatches): every read must
// return exactly what the same read returns from the segments of a log that keeps nothing.

let dir: string;
const logs: PartitionLog[] = [];

function openLog(name: string): PartitionLog {
  const log = PartitionLog.open(path.join(dir, name), validateTopicConfig({'segment.bytes': '1000'}), {indexIntervalBytes: 100});
  logs.push(log);
  return log;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-recent-'));
});

afterEach(() => {
  for (const log of logs.splice(0)) log.close();
  fs.rmSync(dir, {recursive: true, force: true});
});

/** Appends the same batch (each log gets its own copy: append stamps it in place) to both logs. */
function appendBoth(plain: PartitionLog, held: PartitionLog, batch: Buffer, asFollower = false): Buffer {
  const copy = Buffer.from(batch);
  plain.append(Buffer.from(batch), {leaderEpoch: 3, asFollower});
  held.append(copy, {leaderEpoch: 3, asFollower});
  return copy;
}

function expectSameReads(plain: PartitionLog, held: PartitionLog): number {
  const end = plain.logEndOffset;
  expect(held.logEndOffset).toBe(end);
  let reads = 0;
  for (let offset = plain.logStartOffset; offset <= end; offset++) {
    for (const maxBytes of [1, 150, 400, 1000, 1 << 20]) {
      for (const upTo of [offset + 1, Math.floor((offset + end) / 2), end]) {
        const want = plain.read(offset, maxBytes, upTo);
        const got = held.read(offset, maxBytes, upTo);
        expect(got, `read(${offset}, ${maxBytes}, ${upTo})`).toEqual(want);
        reads++;
      }
    }
  }
  return reads;
}

describe('a log holding its recent batches in memory', () => {
  it('answers every read as its segments would, across rolls, gaps, releases and truncation', () => {
    const plain = openLog('plain');
    const held = openLog('held');
    held.holdRecentBatches(new RecentBatchBudget(700));
    const sizes = [3, 1, 7, 2, 5, 1, 4, 6, 2, 3, 8, 1];
    for (const [i, n] of sizes.entries()) appendBoth(plain, held, makeBatch(n, {valueSize: 10 + i * 3}));
    expect(plain.segmentBaseOffsets().length).toBeGreaterThan(1);
    expect(expectSameReads(plain, held)).toBeGreaterThan(0);

    // A follower's batch past the log end (a compacted leader's gap) keeps its offsets.
    const gap = makeBatch(2);
    gap.writeBigInt64BE(BigInt(plain.logEndOffset + 5), 0);
    appendBoth(plain, held, gap, true);
    appendBoth(plain, held, makeBatch(3));
    expectSameReads(plain, held);

    held.releaseRecentBelow(held.logEndOffset - 4);
    expectSameReads(plain, held);

    plain.truncateTo(plain.logEndOffset - 6);
    held.truncateTo(held.logEndOffset - 6);
    for (const n of [2, 4]) appendBoth(plain, held, makeBatch(n));
    expectSameReads(plain, held);
  });

  it('serves the latest batch from the appended bytes, not a read of the segment', () => {
    const held = openLog('held');
    held.holdRecentBatches(new RecentBatchBudget(1 << 20));
    held.append(makeBatch(4), {leaderEpoch: 0});
    const last = makeBatch(2);
    held.append(last, {leaderEpoch: 0});
    const got = held.read(4, 1 << 20, held.logEndOffset);
    expect(got).toEqual([last]);
    expect((got as Buffer[])[0].buffer).toBe(last.buffer);
    held.releaseRecentBelow(held.logEndOffset);
    // Released: read back from the segment, the same bytes.
    const reread = held.read(4, 1 << 20, held.logEndOffset) as Buffer[];
    expect(reread).toEqual([last]);
    expect(reread[0].buffer).not.toBe(last.buffer);
  });

  it('holds a copy of a lent batch, whose buffer its lender reuses once the append returned', () => {
    const held = openLog('held');
    held.holdRecentBatches(new RecentBatchBudget(1 << 20));
    const batch = makeBatch(3);
    // Lent buffers own their memory (small Buffers share a slab with others).
    const lentBatch = Buffer.allocUnsafeSlow(batch.length);
    batch.copy(lentBatch);
    markLent(lentBatch);
    held.append(lentBatch, {leaderEpoch: 0});
    const appended = Buffer.from(lentBatch);
    lentBatch.fill(0xee);
    const got = held.read(0, 1 << 20, held.logEndOffset) as Buffer[];
    expect(got).toEqual([appended]);
    expect(got[0].buffer).not.toBe(lentBatch.buffer);
  });

  it('keeps every log within one shared budget and gives it all back on release and close', () => {
    const budget = new RecentBatchBudget(1000);
    const a = openLog('a');
    const b = openLog('b');
    a.holdRecentBatches(budget);
    b.holdRecentBatches(budget);
    for (let i = 0; i < 10; i++) {
      a.append(makeBatch(3, {valueSize: 40}), {leaderEpoch: 0});
      b.append(makeBatch(2, {valueSize: 40}), {leaderEpoch: 0});
      expect(budget.held).toBeGreaterThan(0);
      expect(budget.held).toBeLessThanOrEqual(1000);
    }
    a.releaseRecentBelow(a.logEndOffset);
    const bHolds = budget.held;
    expect(bHolds).toBeGreaterThan(0);
    b.close();
    expect(budget.held).toBe(0);
  });
});
