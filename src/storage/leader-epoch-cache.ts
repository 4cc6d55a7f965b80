import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from '../lib/fs.js';
import type {PartitionLog} from './partition-log.js';

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
/** Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. */
export const UNDEFINED = -1;

interface EpochEntry {
  epoch: number;
  startOffset: number;
}

/**
 * KIP-101/279: which leader epoch wrote which offsets of a partition, as Kafka's
 * LeaderEpochFileCache keeps it in `leader-epoch-checkpoint` (a version line, a count line, then
 * "epoch startOffset" per line). A follower that takes a new leader asks it where its own last
 * epoch ends (OffsetForLeaderEpoch) and truncates to there, instead of to its high watermark:
 * nothing committed is dropped, nothing divergent is kept.
 */
export class LeaderEpochCache {
  private constructor(
    private readonly file: string,
    private entries: EpochEntry[],
  ) {}

  /** The checkpoint, or the epochs of the log's batches when there is none (or it is ahead of the log). */
  static open(log: PartitionLog): LeaderEpochCache {
    const file = path.join(log.dir, LEADER_EPOCH_CHECKPOINT);
    const read = readCheckpoint(file);
    const cache = new LeaderEpochCache(file, read ?? fromBatches(log));
    cache.truncateFromEnd(log.logEndOffset);
    if (!read) cache.save();
    return cache;
  }

  get latestEpoch(): number {
    return this.entries[this.entries.length - 1]?.epoch ?? UNDEFINED;
  }

  /** A batch of `epoch` starts at `startOffset`: a new epoch is recorded, an old one changes nothing. */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0 || epoch <= this.latestEpoch) return;
    this.entries.push({epoch, startOffset});
    this.save();
  }

  /**
   * Kafka's endOffsetFor: the largest epoch <= `epoch` this log knows, and where it ends (the start
   * of the next epoch, or the log end for the latest); UNDEFINED both for an epoch newer than any.
   */
  endOffsetFor(epoch: number, logEndOffset: number): {epoch: number; endOffset: number} {
    if (epoch === UNDEFINED) return {epoch: UNDEFINED, endOffset: UNDEFINED};
    if (epoch === this.latestEpoch) return {epoch, endOffset: logEndOffset};
    const next = this.entries.findIndex((e) => e.epoch > epoch);
    if (next < 0) return {epoch: UNDEFINED, endOffset: UNDEFINED};
    // Older than every epoch here: this log has nothing of it, so it ends where the log's epochs begin.
    if (next === 0) return {epoch, endOffset: this.entries[0]!.startOffset};
    return {epoch: this.entries[next - 1]!.epoch, endOffset: this.entries[next]!.startOffset};
  }

  /** The epoch that wrote `offset` (ListOffsets v4+ answers it), UNDEFINED before the first known one. */
  epochAt(offset: number): number {
    let epoch = UNDEFINED;
    for (const e of this.entries) if (e.startOffset <= offset) epoch = e.epoch;
    return epoch;
  }

  /** The log was cut at `offset`: epochs that started there or later are gone with it. */
  truncateFromEnd(offset: number): void {
    const kept = this.entries.filter((e) => e.startOffset < offset);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.save();
  }

  /** The log now starts at `offset` (an empty follower starting over): only later epochs are known. */
  clearAndStartAt(offset: number): void {
    this.entries = this.entries.filter((e) => e.startOffset >= offset);
    this.save();
  }

  /**
   * A checkpoint the disk refuses (full) is removed instead: a missing one is rebuilt from the
   * log at the next open, a stale one would name the wrong end for the newest epoch.
   */
  private save(): void {
    const lines = ['0', String(this.entries.length), ...this.entries.map((e) => `${e.epoch} ${e.startOffset}`)];
    try {
      writeFileAtomic(this.file, `${lines.join('\n')}\n`);
    } catch {
      fs.rmSync(this.file, {force: true});
    }
  }
}

function readCheckpoint(file: string): EpochEntry[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [version, count, ...rest] = text.trim().split('\n');
  const entries = rest.map((line) => line.trim().split(/\s+/).map(Number)).map(([epoch, startOffset]) => ({epoch: epoch!, startOffset: startOffset!}));
  const valid = version === '0' && Number(count) === entries.length && entries.every((e, i) => Number.isSafeInteger(e.epoch) && Number.isSafeInteger(e.startOffset) && (i === 0 || (e.epoch > entries[i - 1]!.epoch && e.startOffset >= entries[i - 1]!.startOffset)));
  // A damaged checkpoint is rebuilt from the log, which is the truth.
  return valid ? entries : undefined;
}

/** The first offset of each leader epoch, from the batch headers of the log. */
function fromBatches(log: PartitionLog): EpochEntry[] {
  const entries: EpochEntry[] = [];
  for (const {header} of log.batchHeaders()) {
    const last = entries[entries.length - 1];
    if (header.partitionLeaderEpoch >= 0 && (!last || header.partitionLeaderEpoch > last.epoch)) entries.push({epoch: header.partitionLeaderEpoch, startOffset: header.baseOffset});
  }
  return entries;
}
