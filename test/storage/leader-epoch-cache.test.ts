import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {encodeBatchUncompressed} from '../../src/protocol/records/records.js';
import {LEADER_EPOCH_CHECKPOINT, LeaderEpochCache} from '../../src/storage/leader-epoch-cache.js';
import {PartitionLog} from '../../src/storage/partition-log.js';
import {validateTopicConfig} from '../../src/storage/topic-config.js';
import {tempDir} from '../helpers/broker.js';
import {fillDisk} from '../helpers/failing-disk.js';

/** A log whose batches were written in these leader epochs, `n` records each. */
function logWithEpochs(epochs: Array<[epoch: number, records: number]>): PartitionLog {
  const log = PartitionLog.open(path.join(tempDir('epochs'), 't-0'), validateTopicConfig({}));
  for (const [epoch, n] of epochs) log.append(encodeBatchUncompressed(Array.from({length: n}, (_, i) => ({value: `e${epoch}-${i}`}))), {leaderEpoch: epoch});
  return log;
}

describe('leader epoch cache (KIP-101 leader-epoch-checkpoint)', () => {
  it("is rebuilt from the batches' leader epochs and kept in Kafka's checkpoint format", () => {
    const log = logWithEpochs([[0, 3], [0, 2], [2, 4], [5, 1]]);
    LeaderEpochCache.open(log);
    expect(fs.readFileSync(path.join(log.dir, LEADER_EPOCH_CHECKPOINT), 'utf8')).toBe('0\n3\n0 0\n2 5\n5 9\n');
    log.close();
  });

  it('answers OffsetForLeaderEpoch as Kafka does, including epochs it never had (KIP-279)', () => {
    const log = logWithEpochs([[0, 3], [2, 4], [5, 1]]);
    const cache = LeaderEpochCache.open(log);
    expect(cache.endOffsetFor(5, log.logEndOffset)).toEqual({epoch: 5, endOffset: 8});
    expect(cache.endOffsetFor(2, log.logEndOffset)).toEqual({epoch: 2, endOffset: 7});
    // Epoch 3 and 4 never wrote here: the largest known below them is 2, which ends where 5 starts.
    expect(cache.endOffsetFor(4, log.logEndOffset)).toEqual({epoch: 2, endOffset: 7});
    expect(cache.endOffsetFor(9, log.logEndOffset)).toEqual({epoch: -1, endOffset: -1});
    expect(cache.endOffsetFor(-1, log.logEndOffset)).toEqual({epoch: -1, endOffset: -1});
    log.close();
  });

  it('forgets epochs the log lost to truncation, and keeps a new leader epoch across a reopen', () => {
    const log = logWithEpochs([[0, 3], [2, 4]]);
    const cache = LeaderEpochCache.open(log);
    log.truncateTo(3);
    cache.truncateFromEnd(3);
    cache.assign(7, 3);
    log.append(encodeBatchUncompressed([{value: 'e7'}]), {leaderEpoch: 7});
    cache.assign(6, 4); // an older epoch than the latest changes nothing
    expect(LeaderEpochCache.open(log).endOffsetFor(0, log.logEndOffset)).toEqual({epoch: 0, endOffset: 3});
    expect(fs.readFileSync(path.join(log.dir, LEADER_EPOCH_CHECKPOINT), 'utf8')).toBe('0\n2\n0 0\n7 3\n');
    log.close();
  });

  it('a damaged checkpoint is rebuilt from the log', () => {
    const log = logWithEpochs([[1, 2], [3, 2]]);
    fs.writeFileSync(path.join(log.dir, LEADER_EPOCH_CHECKPOINT), '0\n5\nnonsense\n');
    expect(LeaderEpochCache.open(log).latestEpoch).toBe(3);
    log.close();
  });

  it('a checkpoint the full disk refuses is removed, not left stale, and rebuilt from the log at the next open', () => {
    const log = logWithEpochs([[1, 2]]);
    const cache = LeaderEpochCache.open(log);
    const disk = fillDisk();
    try {
      expect(() => cache.assign(4, log.logEndOffset)).not.toThrow();
      expect(fs.existsSync(path.join(log.dir, LEADER_EPOCH_CHECKPOINT))).toBe(false);
    } finally {
      disk.restore();
    }
    log.append(encodeBatchUncompressed([{value: 'e4'}]), {leaderEpoch: 4});
    expect(LeaderEpochCache.open(log).endOffsetFor(1, log.logEndOffset)).toEqual({epoch: 1, endOffset: 2});
    expect(fs.readFileSync(path.join(log.dir, LEADER_EPOCH_CHECKPOINT), 'utf8')).toBe('0\n2\n1 0\n4 2\n');
    log.close();
  });
});
