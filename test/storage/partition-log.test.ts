import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {BATCH_HEADER_SIZE, batchCrcValid, Compression, readBatchHeader, withPayload} from '../../src/protocol/records/batch.js';
import {compress} from '../../src/protocol/records/compression.js';
import {PartitionLog} from '../../src/storage/partition-log.js';
import {validateTopicConfig} from '../../src/storage/topic-config.js';
import {baseOffsetOf, lastOffsetOf, makeBatch} from './batches.js';

let dir: string;
const open: PartitionLog[] = [];

function openLog(overrides: Record<string, string> = {}, indexIntervalBytes?: number): PartitionLog {
  const log = PartitionLog.open(dir, validateTopicConfig(overrides), {indexIntervalBytes});
  open.push(log);
  return log;
}

function batches(log: PartitionLog, from = log.logStartOffset): Buffer[] {
  const r = log.read(from, Number.MAX_SAFE_INTEGER);
  if (r === 'out-of-range') throw new Error('out of range');
  return r;
}

function logFiles(): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-plog-'));
});

afterEach(() => {
  for (const log of open.splice(0)) {
    try {
      log.close();
    } catch {
      // already closed or deleted
    }
  }
  vi.restoreAllMocks();
  fs.rmSync(dir, {recursive: true, force: true});
});

describe('PartitionLog append and read', () => {
  it('walks the batch headers from any offset across segments, reading whole batches only on request', () => {
    // Small and large batches, so headers come both from one cached block and one read each.
    const log = openLog({'segment.bytes': '60000'}, 100);
    const sent = Array.from({length: 12}, (_, i) => makeBatch(1 + (i % 3), {valueSize: i % 4 === 0 ? 20_000 : 10}));
    sent.forEach((b, i) => log.append(b, {leaderEpoch: i}));
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(1);
    const stored = batches(log);
    for (const from of [0, 1, 7, log.logEndOffset - 1]) {
      const walked = [...log.batchHeaders(from)];
      const expected = stored.filter((b) => lastOffsetOf(b) >= from);
      expect(walked.map((w) => w.header)).toEqual(expected.map((b) => readBatchHeader(b)));
      walked.forEach((w, i) => expect(w.bytes().equals(expected[i])).toBe(true));
    }
    expect([...log.batchHeaders(log.logEndOffset)]).toEqual([]);
  });

  it('assigns consecutive offsets and the leader epoch, and reads the batches back byte for byte', () => {
    const log = openLog();
    const sent = [makeBatch(5), makeBatch(1), makeBatch(3)];
    expect(sent.map((b) => log.append(b, {leaderEpoch: 7}))).toEqual([
      {baseOffset: 0, lastOffset: 4, logAppendTime: -1},
      {baseOffset: 5, lastOffset: 5, logAppendTime: -1},
      {baseOffset: 6, lastOffset: 8, logAppendTime: -1},
    ]);
    expect(log.logEndOffset).toBe(9);
    expect(log.highWatermark).toBe(9);
    expect(log.logStartOffset).toBe(0);
    const got = batches(log);
    expect(got.map(baseOffsetOf)).toEqual([0, 5, 6]);
    got.forEach((b, i) => {
      expect(b.equals(sent[i])).toBe(true);
      expect(readBatchHeader(b).partitionLeaderEpoch).toBe(7);
      expect(batchCrcValid(b)).toBe(true);
    });
    expect(log.sizeBytes).toBe(sent.reduce((n, b) => n + b.length, 0));
  });

  it('returns [] at the log end and out-of-range past it or below the start', () => {
    const log = openLog();
    expect(log.read(0, 1000)).toEqual([]);
    expect(log.read(1, 1000)).toBe('out-of-range');
    log.append(makeBatch(2), {leaderEpoch: 0});
    expect(log.read(2, 1000)).toEqual([]);
    expect(log.read(3, 1000)).toBe('out-of-range');
    expect(log.read(-1, 1000)).toBe('out-of-range');
  });

  it('starts from the batch that contains the fetch offset, not the one after it', () => {
    const log = openLog();
    for (let i = 0; i < 4; i++) log.append(makeBatch(10), {leaderEpoch: 0});
    for (const offset of [11, 15, 19]) {
      const got = log.read(offset, 1_000_000);
      expect(got !== 'out-of-range' && got.map(baseOffsetOf)).toEqual([10, 20, 30]);
    }
  });

  it('returns one whole batch even when maxBytes is smaller (KIP-74), and never a partial one', () => {
    const log = openLog();
    const size = makeBatch(10).length;
    for (let i = 0; i < 3; i++) log.append(makeBatch(10), {leaderEpoch: 0});
    const one = log.read(0, 10);
    expect(one !== 'out-of-range' && one.map((b) => [baseOffsetOf(b), b.length])).toEqual([[0, size]]);
    const oneAndHalf = log.read(0, Math.floor(size * 1.5));
    expect(oneAndHalf !== 'out-of-range' && oneAndHalf.length).toBe(1);
    const two = log.read(0, size * 2);
    expect(two !== 'out-of-range' && two.map(baseOffsetOf)).toEqual([0, 10]);
  });

  it('stops before batches at or above upTo', () => {
    const log = openLog();
    for (let i = 0; i < 3; i++) log.append(makeBatch(10), {leaderEpoch: 0});
    const got = log.read(0, 1_000_000, 20);
    expect(got !== 'out-of-range' && got.map(baseOffsetOf)).toEqual([0, 10]);
    expect(log.read(20, 1_000_000, 20)).toEqual([]);
    log.highWatermark = 10;
    const byHw = log.read(0, 1_000_000);
    expect(byHw !== 'out-of-range' && byHw.map(baseOffsetOf)).toEqual([0]);
  });

  it('stamps LogAppendTime and keeps the CRC valid', () => {
    const log = openLog({'message.timestamp.type': 'LogAppendTime'});
    const r = log.append(makeBatch(2, {timestamp: 1000}), {leaderEpoch: 0, logAppendTime: 5555});
    expect(r.logAppendTime).toBe(5555);
    const [b] = batches(log);
    const h = readBatchHeader(b);
    expect(h.maxTimestamp).toBe(5555);
    expect(h.attributes & 0x08).toBe(0x08);
    expect(batchCrcValid(b)).toBe(true);
  });
});

describe('PartitionLog segments', () => {
  it('rolls at segment.bytes and reads every offset across segments through the sparse index', () => {
    const log = openLog({'segment.bytes': '2000'}, 100);
    const sent: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      const b = makeBatch(1 + (i % 4), {valueSize: 40});
      sent.push(Buffer.from(b));
      log.append(b, {leaderEpoch: 0});
    }
    const files = logFiles();
    expect(files.length).toBeGreaterThan(3);
    expect(files[0]).toBe('00000000000000000000.log');
    expect(files.every((f) => /^\d{20}\.log$/.test(f))).toBe(true);
    expect(fs.statSync(path.join(dir, files[1].replace('.log', '.index'))).size).toBeGreaterThan(0);
    const all = batches(log);
    expect(all.length).toBe(40);
    for (let offset = 0; offset < log.logEndOffset; offset++) {
      const got = log.read(offset, 1);
      if (got === 'out-of-range') throw new Error(`offset ${offset} out of range`);
      expect(got.length).toBe(1);
      expect(baseOffsetOf(got[0]) <= offset && offset <= lastOffsetOf(got[0])).toBe(true);
    }
    // A read that starts near a segment's end continues into the next one.
    const second = Number(files[1].slice(0, 20));
    const across = log.read(second - 1, 10_000);
    expect(across !== 'out-of-range' && across.length).toBeGreaterThan(1);
    expect(across !== 'out-of-range' && baseOffsetOf(across[1])).toBe(second);
  });

  it('rolls when a batch is segment.ms newer than the segment\'s first batch', () => {
    const log = openLog({'segment.ms': '1000'});
    log.append(makeBatch(1, {timestamp: 10_000}), {leaderEpoch: 0});
    log.append(makeBatch(1, {timestamp: 10_900}), {leaderEpoch: 0});
    expect(log.segmentBaseOffsets()).toEqual([0]);
    log.append(makeBatch(1, {timestamp: 11_001}), {leaderEpoch: 0});
    expect(log.segmentBaseOffsets()).toEqual([0, 2]);
  });

  it('takes segment.jitter.ms off segment.ms for each new segment', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const log = openLog({'segment.ms': '1000', 'segment.jitter.ms': '400'});
    log.append(makeBatch(1, {timestamp: 10_000}), {leaderEpoch: 0});
    log.append(makeBatch(1, {timestamp: 11_001}), {leaderEpoch: 0});
    expect(log.segmentBaseOffsets()).toEqual([0, 1]);
    // The new segment drew 200 ms of jitter: it rolls 801 ms after its first batch, not 1001.
    log.append(makeBatch(1, {timestamp: 11_802}), {leaderEpoch: 0});
    expect(log.segmentBaseOffsets()).toEqual([0, 1, 2]);
  });

  it('rolls when the offset index is full (segment.index.bytes) and still reads every offset', () => {
    const log = openLog({'segment.index.bytes': '16'}, 1);
    for (let i = 0; i < 12; i++) log.append(makeBatch(2, {valueSize: 20}), {leaderEpoch: 0});
    const bases = log.segmentBaseOffsets();
    expect(bases.length).toBeGreaterThan(2);
    for (const b of bases.slice(1)) expect(b % 2).toBe(0);
    expect(batches(log).length).toBe(12);
  });

  it('keeps everything across a reopen, with or without a clean close', async () => {
    let log = openLog({'segment.bytes': '1500'}, 100);
    for (let i = 0; i < 30; i++) log.append(makeBatch(3, {timestamp: 1000 + i}), {leaderEpoch: 1});
    const before = batches(log).map((b) => Buffer.from(b));
    const segments = log.segmentBaseOffsets();
    log.close();

    log = openLog({'segment.bytes': '1500'}, 100);
    expect(log.logEndOffset).toBe(90);
    expect(log.highWatermark).toBe(90);
    expect(log.segmentBaseOffsets()).toEqual(segments);
    expect(batches(log)).toEqual(before);
    expect(await log.offsetForTimestamp(1010)).toEqual({offset: 30, timestamp: 1010});
    // No close this time: the next instance must cope with what a crashed process leaves.
    log.append(makeBatch(2), {leaderEpoch: 1});
    const crashed = log;
    open.pop();

    log = openLog({'segment.bytes': '1500'}, 100);
    expect(log.logEndOffset).toBe(92);
    expect(log.append(makeBatch(1), {leaderEpoch: 1}).baseOffset).toBe(92);
    crashed.close();
  });
});

describe('PartitionLog recovery', () => {
  function fill(log: PartitionLog, n: number): Buffer[] {
    for (let i = 0; i < n; i++) log.append(makeBatch(4, {valueSize: 30}), {leaderEpoch: 0});
    return batches(log).map((b) => Buffer.from(b));
  }

  function lastLogFile(): string {
    return path.join(dir, logFiles().at(-1)!);
  }

  it('truncates a torn half batch at the tail and keeps every complete batch', () => {
    let log = openLog({}, 200);
    const kept = fill(log, 20);
    log.close();
    open.pop();
    const torn = makeBatch(4, {valueSize: 30});
    torn.writeBigInt64BE(80n, 0);
    fs.appendFileSync(lastLogFile(), torn.subarray(0, Math.floor(torn.length / 2)));
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    log = openLog({}, 200);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/truncated \d+ bytes/);
    expect(log.logEndOffset).toBe(80);
    expect(batches(log)).toEqual(kept);
    expect(log.append(makeBatch(1), {leaderEpoch: 0}).baseOffset).toBe(80);
    log.close();
    open.pop();
    log = openLog({}, 200);
    expect(log.logEndOffset).toBe(81);
  });

  it('truncates trailing garbage', () => {
    let log = openLog();
    const kept = fill(log, 3);
    log.close();
    open.pop();
    fs.appendFileSync(lastLogFile(), Buffer.from('this is not a record batch, just junk at the end of the file'));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    log = openLog();
    expect(log.logEndOffset).toBe(12);
    expect(batches(log)).toEqual(kept);
    expect(fs.statSync(lastLogFile()).size).toBe(kept.reduce((n, b) => n + b.length, 0));
  });

  it('truncates a last batch whose CRC does not match', () => {
    let log = openLog();
    const all = fill(log, 5);
    log.close();
    open.pop();
    const file = lastLogFile();
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(file, bytes);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    log = openLog();
    expect(log.logEndOffset).toBe(16);
    expect(batches(log)).toEqual(all.slice(0, 4));
    expect(log.append(makeBatch(1), {leaderEpoch: 0}).baseOffset).toBe(16);
  });

  it('rebuilds a garbage offset index and still reads every offset', () => {
    let log = openLog({}, 100);
    const all = fill(log, 30);
    log.close();
    open.pop();
    const index = lastLogFile().replace('.log', '.index');
    fs.writeFileSync(index, Buffer.from('garbage garbage garbage garbage!'));
    fs.rmSync(lastLogFile().replace('.log', '.timeindex'));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    log = openLog({}, 100);
    expect(batches(log)).toEqual(all);
    for (let offset = 0; offset < 120; offset += 7) {
      const got = log.read(offset, 1);
      expect(got !== 'out-of-range' && baseOffsetOf(got[0])).toBe(offset - (offset % 4));
    }
    expect(fs.statSync(index).size % 8).toBe(0);
  });
});

describe('PartitionLog offsets by timestamp', () => {
  it('finds the first record with a timestamp >= the target', async () => {
    const log = openLog({'segment.bytes': '300'}, 100);
    // Batches of 3 records at t = 1000 + 10 * offset.
    for (let b = 0; b < 10; b++) {
      const ts = [0, 1, 2].map((i) => 1000 + 10 * (b * 3 + i));
      log.append(makeBatch(3, {timestamps: ts}), {leaderEpoch: 0});
    }
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(2);
    expect(await log.offsetForTimestamp(0)).toEqual({offset: 0, timestamp: 1000});
    expect(await log.offsetForTimestamp(1000)).toEqual({offset: 0, timestamp: 1000});
    expect(await log.offsetForTimestamp(1001)).toEqual({offset: 1, timestamp: 1010});
    expect(await log.offsetForTimestamp(1130)).toEqual({offset: 13, timestamp: 1130});
    expect(await log.offsetForTimestamp(1125)).toEqual({offset: 13, timestamp: 1130});
    expect(await log.offsetForTimestamp(1290)).toEqual({offset: 29, timestamp: 1290});
    expect(await log.offsetForTimestamp(1291)).toBeNull();
  });

  it('handles timestamps that are not monotonic across batches', async () => {
    const log = openLog({}, 0);
    log.append(makeBatch(1, {timestamp: 500}), {leaderEpoch: 0});
    log.append(makeBatch(1, {timestamp: 100}), {leaderEpoch: 0});
    log.append(makeBatch(1, {timestamp: 900}), {leaderEpoch: 0});
    log.append(makeBatch(1, {timestamp: 200}), {leaderEpoch: 0});
    expect(await log.offsetForTimestamp(150)).toEqual({offset: 0, timestamp: 500});
    expect(await log.offsetForTimestamp(600)).toEqual({offset: 2, timestamp: 900});
    expect(await log.offsetForTimestamp(901)).toBeNull();
  });

  it('skips records below the log start offset', async () => {
    const log = openLog();
    log.append(makeBatch(4, {timestamps: [10, 20, 30, 40]}), {leaderEpoch: 0});
    log.append(makeBatch(1, {timestamp: 50}), {leaderEpoch: 0});
    log.deleteRecordsBefore(2);
    expect(await log.offsetForTimestamp(0)).toEqual({offset: 2, timestamp: 30});
  });

  it('looks on in the next batch when the newer records of a batch lie below the log start', async () => {
    const log = openLog();
    log.append(makeBatch(4, {timestamps: [40, 10, 10, 10]}), {leaderEpoch: 0});
    log.append(makeBatch(1, {timestamp: 50}), {leaderEpoch: 0});
    log.deleteRecordsBefore(1);
    expect(await log.offsetForTimestamp(35)).toEqual({offset: 4, timestamp: 50});
  });

  it('finds the record inside a compressed batch, and the largest timestamp\'s own record', async () => {
    const log = openLog();
    const plain = makeBatch(10, {timestamps: [100, 110, 120, 130, 140, 190, 150, 160, 170, 180]});
    log.append(withPayload(plain, Compression.gzip, await compress(Compression.gzip, plain.subarray(BATCH_HEADER_SIZE))), {leaderEpoch: 0});
    expect(await log.offsetForTimestamp(125)).toEqual({offset: 3, timestamp: 130});
    expect(await log.offsetForTimestamp(185)).toEqual({offset: 5, timestamp: 190});
    expect(await log.offsetOfMaxTimestamp()).toEqual({offset: 5, timestamp: 190});
  });
});

describe('PartitionLog deletion and retention', () => {
  it('deleteRecordsBefore moves the log start offset, drops whole segments and survives a reopen', () => {
    let log = openLog({'segment.bytes': '500'});
    for (let i = 0; i < 20; i++) log.append(makeBatch(2, {valueSize: 50}), {leaderEpoch: 0});
    const segments = log.segmentBaseOffsets();
    expect(segments.length).toBeGreaterThan(3);
    const cut = segments[2] + 1;
    expect(log.deleteRecordsBefore(cut)).toBe(cut);
    expect(log.logStartOffset).toBe(cut);
    expect(log.segmentBaseOffsets()).toEqual(segments.slice(2));
    expect(log.read(cut - 1, 100)).toBe('out-of-range');
    const got = log.read(cut, 1);
    expect(got !== 'out-of-range' && baseOffsetOf(got[0])).toBe(cut - 1);
    log.close();
    open.pop();

    log = openLog({'segment.bytes': '500'});
    expect(log.logStartOffset).toBe(cut);
    expect(log.logEndOffset).toBe(40);
    expect(log.deleteRecordsBefore(40)).toBe(40);
    expect(log.read(40, 100)).toEqual([]);
    expect(log.segmentBaseOffsets().length).toBe(1);
    expect(() => log.deleteRecordsBefore(41)).toThrow(/log ends at 40/);
  });

  it('deletes segments older than retention.ms, never the active one', () => {
    const log = openLog({'segment.bytes': '300', 'retention.ms': '1000'});
    for (let i = 0; i < 6; i++) log.append(makeBatch(2, {timestamp: 10_000 + i * 1000, valueSize: 60}), {leaderEpoch: 0});
    const segments = log.segmentBaseOffsets();
    expect(segments.length).toBe(6);
    // now - 1000 = 12_500: segments whose newest record is older than that go (t=10000..12000).
    expect(log.enforceRetention(13_500)).toBe(3);
    expect(log.segmentBaseOffsets()).toEqual(segments.slice(3));
    expect(log.logStartOffset).toBe(segments[3]);
    expect(log.enforceRetention(1e12)).toBe(2);
    expect(log.segmentBaseOffsets()).toEqual([segments[5]]);
    expect(log.logEndOffset).toBe(12);
  });

  it('keeps data forever with retention.ms=-1 and trims to retention.bytes', () => {
    const log = openLog({'segment.bytes': '300', 'retention.ms': '-1'});
    for (let i = 0; i < 6; i++) log.append(makeBatch(2, {timestamp: 1, valueSize: 60}), {leaderEpoch: 0});
    expect(log.enforceRetention(1e13)).toBe(0);
    const segSize = log.sizeBytes / 6;
    log.updateConfig(validateTopicConfig({'segment.bytes': '300', 'retention.ms': '-1', 'retention.bytes': String(Math.floor(segSize * 2.5))}));
    expect(log.enforceRetention(1e13)).toBe(3);
    expect(log.sizeBytes).toBe(segSize * 3);
    expect(log.logStartOffset).toBe(6);
  });
});

describe('PartitionLog truncation', () => {
  it('truncateTo drops everything from the offset on, across segments', async () => {
    let log = openLog({'segment.bytes': '400'}, 50);
    for (let i = 0; i < 12; i++) log.append(makeBatch(3, {timestamp: 100 + i, valueSize: 40}), {leaderEpoch: 0});
    const kept = batches(log).filter((b) => baseOffsetOf(b) < 15).map((b) => Buffer.from(b));
    log.truncateTo(15);
    expect(log.logEndOffset).toBe(15);
    expect(log.highWatermark).toBe(15);
    expect(batches(log)).toEqual(kept);
    expect(await log.offsetForTimestamp(105)).toBeNull();
    expect(log.append(makeBatch(1, {timestamp: 200}), {leaderEpoch: 1}).baseOffset).toBe(15);
    log.truncateTo(13); // inside batch 12..14: the whole batch goes
    expect(log.logEndOffset).toBe(12);
    log.close();
    open.pop();
    log = openLog({'segment.bytes': '400'}, 50);
    expect(log.logEndOffset).toBe(12);
    expect(batches(log).length).toBe(4);
  });

  it('delete removes the directory', () => {
    const log = openLog();
    log.append(makeBatch(1), {leaderEpoch: 0});
    log.delete();
    expect(fs.existsSync(dir)).toBe(false);
  });
});
