import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
  PRODUCER_ID_FILE,
  PRODUCER_STATE_FILE,
  type ProducerBatchHeader,
  ProducerIdManager,
  ProducerStateTable,
  lastSequenceOf,
} from '../../src/coordinator/producer-state.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {fillDisk} from '../helpers/failing-disk.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-producers-'));
});
afterEach(() => {
  fs.rmSync(dir, {recursive: true, force: true});
});

const INT32_MAX = 0x7fffffff;

/** A partition log in miniature: check, append, record, like the broker's produce path. */
class Log {
  headers: ProducerBatchHeader[] = [];
  constructor(public table = new ProducerStateTable(dir)) {}
  get end(): number {
    const h = this.headers[this.headers.length - 1];
    return h ? h.baseOffset + h.lastOffsetDelta + 1 : 0;
  }
  produce(pid: number, epoch: number, baseSeq: number, count: number, ts = 1000) {
    const lastSeq = lastSequenceOf(baseSeq, count - 1);
    const r = this.table.check(pid, epoch, baseSeq, lastSeq);
    if (r.kind !== 'append') return r;
    const baseOffset = this.end;
    this.headers.push({baseOffset, lastOffsetDelta: count - 1, producerId: pid, producerEpoch: epoch, baseSequence: baseSeq, maxTimestamp: ts});
    this.table.record(pid, epoch, baseSeq, lastSeq, baseOffset, baseOffset + count - 1, ts);
    return {kind: 'append' as const, baseOffset};
  }
}

describe('ProducerStateTable', () => {
  it('answers a retried batch as a duplicate with its original offsets', () => {
    const log = new Log();
    expect(log.produce(7, 0, 0, 3, 111)).toEqual({kind: 'append', baseOffset: 0});
    expect(log.produce(7, 0, 3, 2, 222)).toEqual({kind: 'append', baseOffset: 3});
    expect(log.produce(7, 0, 0, 3)).toEqual({kind: 'duplicate', baseOffset: 0, lastOffset: 2, logAppendTime: 111});
    expect(log.produce(7, 0, 3, 2)).toEqual({kind: 'duplicate', baseOffset: 3, lastOffset: 4, logAppendTime: 222});
    expect(log.headers).toHaveLength(2);
  });

  it('remembers only the last 5 batches', () => {
    const log = new Log();
    for (let i = 0; i < 6; i++) log.produce(1, 0, i, 1);
    // Batch 0 fell out of the window: its retry is now out of order, not a duplicate.
    expect(log.produce(1, 0, 0, 1)).toEqual({kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER});
    expect(log.produce(1, 0, 1, 1)).toMatchObject({kind: 'duplicate', baseOffset: 1});
  });

  it('refuses a gap in the sequence', () => {
    const log = new Log();
    log.produce(1, 0, 0, 5);
    expect(log.produce(1, 0, 6, 1)).toEqual({kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER});
    expect(log.produce(1, 0, 5, 1)).toMatchObject({kind: 'append'});
  });

  it('fences an older epoch and requires sequence 0 from a new one', () => {
    const log = new Log();
    log.produce(1, 3, 0, 2);
    expect(log.produce(1, 2, 2, 1)).toEqual({kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH});
    expect(log.produce(1, 4, 2, 1)).toEqual({kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER});
    expect(log.produce(1, 4, 0, 1)).toMatchObject({kind: 'append'});
    // The old epoch's batches are no longer duplicates; the old epoch is fenced.
    expect(log.produce(1, 3, 0, 2)).toEqual({kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH});
    expect(log.table.entry(1)).toMatchObject({epoch: 4, batches: [{firstSeq: 0, lastSeq: 0}]});
  });

  it('wraps sequences from Int32.MAX to 0', () => {
    expect(lastSequenceOf(INT32_MAX - 1, 3)).toBe(1);
    expect(lastSequenceOf(5, 3)).toBe(8);
    const log = new Log();
    // KIP-360: an unknown producer may start anywhere.
    expect(log.produce(9, 0, INT32_MAX - 1, 2)).toMatchObject({kind: 'append'});
    expect(log.produce(9, 0, 0, 2)).toMatchObject({kind: 'append'});
    expect(log.produce(9, 0, INT32_MAX - 1, 2)).toMatchObject({kind: 'duplicate', baseOffset: 0});
    const straddling = new Log(new ProducerStateTable());
    straddling.produce(9, 0, INT32_MAX - 1, 4); // sequences MAX-1, MAX, 0, 1
    expect(straddling.produce(9, 0, 2, 1)).toMatchObject({kind: 'append'});
  });

  it('accepts any sequence from an unknown producer and ignores non-idempotent batches', () => {
    const log = new Log();
    expect(log.produce(5, 0, 42, 1)).toMatchObject({kind: 'append'});
    expect(log.table.check(-1, -1, -1, -1)).toEqual({kind: 'append'});
    // The producer's state vanishes with the log prefix (DeleteRecords, retention): any sequence again.
    log.table.onLogStartOffsetIncremented(1);
    expect(log.table.check(5, 0, 1000, 1000)).toEqual({kind: 'append'});
  });

  it('forgets producers idle past producer.id.expiration.ms', () => {
    const log = new Log();
    log.produce(1, 0, 0, 1, 1_000);
    log.produce(2, 0, 0, 1, 50_000);
    log.table.removeExpiredProducers(60_000, 30_000);
    expect(log.table.entry(1)).toBeUndefined();
    expect(log.table.entry(2)).toBeDefined();
  });

  it('rebuilds the same state from the log, with or without a snapshot', () => {
    const log = new Log();
    log.produce(1, 0, 0, 3, 10);
    log.produce(2, 0, 0, 1, 20);
    log.table.snapshot(log.end);
    log.produce(1, 0, 3, 2, 30);
    log.produce(2, 1, 0, 4, 40);
    for (let i = 1; i <= 6; i++) log.produce(3, 0, i * 10 - 10, 10, 50 + i);

    const fromScratch = new ProducerStateTable();
    fromScratch.rebuildFrom(log.headers);
    // Control batches (transaction markers) carry no producer data.
    fromScratch.rebuildFrom([{baseOffset: 999, lastOffsetDelta: 0, producerId: 1, producerEpoch: 0, baseSequence: -1, maxTimestamp: 0, attributes: 0x20}]);

    const fromSnapshot = ProducerStateTable.open(dir, log.end);
    expect(fromSnapshot.snapshotOffset).toBe(4);
    // Feeding the whole log is fine: what the snapshot holds is skipped.
    fromSnapshot.rebuildFrom(log.headers);

    for (const pid of [1, 2, 3]) {
      expect(fromScratch.entry(pid)).toEqual(log.table.entry(pid));
      expect(fromSnapshot.entry(pid)).toEqual(log.table.entry(pid));
    }
    expect(fromSnapshot.check(1, 0, 0, 2)).toEqual({kind: 'duplicate', baseOffset: 0, lastOffset: 2, logAppendTime: 10});
    expect(fromSnapshot.check(1, 0, 5, 5)).toEqual({kind: 'append'});
  });

  it('writes a snapshot only when the state changed', () => {
    const log = new Log();
    log.produce(1, 0, 0, 3);
    log.table.snapshot(log.end);
    // The broker snapshots every partition every 30 s; an unchanged one costs no write.
    const disk = fillDisk();
    try {
      expect(() => log.table.snapshot(log.end)).not.toThrow();
      expect(disk.refused).toBe(0);
      log.produce(1, 0, 3, 1);
      expect(() => log.table.snapshot(log.end)).toThrow(/ENOSPC/);
    } finally {
      disk.restore();
    }
    // The refused write is retried at the next snapshot.
    log.table.snapshot(log.end);
    expect(ProducerStateTable.open(dir, log.end).snapshotOffset).toBe(4);
  });

  it('ignores a snapshot that is ahead of a log truncated by crash recovery', () => {
    const log = new Log();
    log.produce(1, 0, 0, 3);
    log.produce(1, 0, 3, 3);
    log.table.snapshot(log.end);
    // kill -9 tore the second batch; recovery truncated the log to offset 3.
    const recovered = log.headers.slice(0, 1);
    const table = ProducerStateTable.open(dir, 3);
    expect(table.snapshotOffset).toBe(0);
    table.rebuildFrom(recovered);
    // The client's retry of the torn batch is appended again, not answered as a duplicate.
    expect(table.check(1, 0, 3, 5)).toEqual({kind: 'append'});

    fs.writeFileSync(path.join(dir, PRODUCER_STATE_FILE), '{"version":1,"offs');
    expect(ProducerStateTable.open(dir).size).toBe(0);
  });
});

describe('ProducerIdManager', () => {
  it('never hands out an id twice, across restarts', () => {
    const a = ProducerIdManager.open(dir, 10);
    const first = [a.nextProducerId(), a.nextProducerId(), a.nextProducerId()];
    expect(first).toEqual([0, 1, 2]);
    // "Restart" (or kill -9): the rest of the block is skipped, never reused.
    const b = ProducerIdManager.open(dir, 10);
    const next = Array.from({length: 12}, () => b.nextProducerId());
    expect(next[0]).toBe(10);
    expect(next[11]).toBe(21);
    expect(JSON.parse(fs.readFileSync(path.join(dir, PRODUCER_ID_FILE), 'utf8'))).toEqual({nextBlockStart: 30});
  });

  it('refuses to guess when the id file is damaged', () => {
    fs.writeFileSync(path.join(dir, PRODUCER_ID_FILE), 'garbage');
    expect(() => ProducerIdManager.open(dir).nextProducerId()).toThrow(/unreadable/);
  });
});
