/**
 * Every broker-side write site on a full disk (the failing seam of src/lib/fs.ts): an append
 * happens whole or not at all, is refused as KAFKA_STORAGE_ERROR, the log takes writes again
 * once space returns, and a reopen finds exactly the acknowledged batches.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {StorageError} from '../../src/storage/errors.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {PartitionLog} from '../../src/storage/partition-log.js';
import {validateTopicConfig} from '../../src/storage/topic-config.js';
import {tempDir} from '../helpers/broker.js';
import {fillDisk, type FullDisk} from '../helpers/failing-disk.js';
import {baseOffsetOf, lastOffsetOf, makeBatch} from './batches.js';

let disk: FullDisk | undefined;
afterEach(() => {
  disk?.restore();
  disk = undefined;
});

function refusal(fn: () => unknown): StorageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    return err as StorageError;
  }
  throw new Error('the write was not refused');
}

const fileSizes = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.statSync(path.join(dir, f)).size]));

function offsetsIn(log: PartitionLog): number[] {
  const got = log.read(log.logStartOffset, 1 << 30, log.logEndOffset);
  if (got === 'out-of-range') throw new Error('out of range');
  return got.flatMap((b) => Array.from({length: lastOffsetOf(b) - baseOffsetOf(b) + 1}, (_, i) => baseOffsetOf(b) + i));
}

describe('partition log on a full disk', () => {
  // A small index interval makes every append also write an offset and a time index entry.
  const open = (dir: string, overrides: Record<string, string> = {}) => PartitionLog.open(dir, validateTopicConfig(overrides), {indexIntervalBytes: 1});

  it('refuses an append cut anywhere (log bytes, index entry, time index entry) without a trace, and takes the retry', async () => {
    const batch = makeBatch(3, {valueSize: 40});
    // Each cut point: inside the batch, right after it (index write fails), inside each index entry.
    for (const allowBytes of [0, 1, 60, batch.length - 1, batch.length, batch.length + 4, batch.length + 12, batch.length + 16]) {
      const dir = path.join(tempDir('full-log'), 't-0');
      let log = open(dir);
      let next = 0;
      for (let i = 0; i < 3; i++) next = log.append(makeBatch(3, {valueSize: 40, timestamp: 1_700_000_000_000 + i}), {leaderEpoch: 0}).lastOffset + 1;
      const before = fileSizes(dir);
      const bytes = log.sizeBytes;

      disk = fillDisk({allowBytes});
      const err = refusal(() => log.append(makeBatch(3, {valueSize: 40, timestamp: 1_700_000_000_100}), {leaderEpoch: 0}));
      expect(err.code).toBe('KAFKA_STORAGE_ERROR');
      expect(err.message).toMatch(/ENOSPC/);
      expect(log.logEndOffset).toBe(next);
      expect(log.sizeBytes).toBe(bytes);
      expect(fileSizes(dir)).toEqual(before);

      disk.free();
      const retried = log.append(makeBatch(3, {valueSize: 40, timestamp: 1_700_000_000_200}), {leaderEpoch: 0});
      expect(retried.baseOffset).toBe(next);
      expect(offsetsIn(log)).toEqual(Array.from({length: 12}, (_, i) => i));
      log.close();

      // A restart finds the same log, with nothing to cut.
      log = open(dir);
      expect(log.logEndOffset).toBe(12);
      expect(offsetsIn(log)).toEqual(Array.from({length: 12}, (_, i) => i));
      expect((await log.offsetForTimestamp(1_700_000_000_200))?.offset).toBe(9);
      log.close();
      disk.restore();
    }
  });

  it('refuses an append whose segment roll cannot seal the full segment, and rolls on the retry', () => {
    const dir = path.join(tempDir('full-roll'), 't-0');
    const batch = () => makeBatch(2, {valueSize: 100, timestamp: Date.now()});
    const log = open(dir, {'segment.bytes': String(batch().length * 2)});
    log.append(batch(), {leaderEpoch: 0});
    log.append(batch(), {leaderEpoch: 0});
    disk = fillDisk();
    expect(refusal(() => log.append(batch(), {leaderEpoch: 0})).code).toBe('KAFKA_STORAGE_ERROR');
    expect(log.logEndOffset).toBe(4);
    disk.free();
    expect(log.append(batch(), {leaderEpoch: 0}).baseOffset).toBe(4);
    expect(log.segmentBaseOffsets()).toEqual([0, 4]);
    log.append(batch(), {leaderEpoch: 0});
    expect(offsetsIn(log)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    log.close();
    const reopened = open(dir, {'segment.bytes': String(batch().length * 2)});
    expect(offsetsIn(reopened)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    reopened.close();
  });

  it('keeps the log start offset where it was when its checkpoint cannot be written', () => {
    const dir = path.join(tempDir('full-start'), 't-0');
    const log = open(dir);
    for (let i = 0; i < 3; i++) log.append(makeBatch(2), {leaderEpoch: 0});
    disk = fillDisk();
    expect(refusal(() => log.deleteRecordsBefore(4)).code).toBe('KAFKA_STORAGE_ERROR');
    expect(log.logStartOffset).toBe(0);
    disk.free();
    expect(log.deleteRecordsBefore(4)).toBe(4);
    log.close();
  });
});

describe('topic metadata on a full disk', () => {
  it('creates no topic, and leaves no partition directory, when its metadata cannot be written', () => {
    const dataDir = tempDir('full-meta');
    let mgr = LogManager.open(dataDir);
    disk = fillDisk();
    expect(refusal(() => mgr.createTopic('t', 3)).code).toBe('KAFKA_STORAGE_ERROR');
    expect(mgr.topic('t')).toBeUndefined();
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('t-'))).toEqual([]);
    disk.free();
    mgr.createTopic('t', 3);
    disk.restore();
    disk = fillDisk();
    expect(refusal(() => mgr.addPartitions('t', 5)).code).toBe('KAFKA_STORAGE_ERROR');
    expect(refusal(() => mgr.alterConfig('t', {'retention.ms': '1000'})).code).toBe('KAFKA_STORAGE_ERROR');
    disk.free();
    mgr.close();
    mgr = LogManager.open(dataDir);
    expect(mgr.topic('t')).toMatchObject({partitions: 3, overrides: {}});
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('t-')).sort()).toEqual(['t-0', 't-1', 't-2']);
    mgr.close();
  });
});
