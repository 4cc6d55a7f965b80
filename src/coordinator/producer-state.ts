import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from '../lib/fs.js';
import {ErrorCode} from '../protocol/errors.js';
import type {Marker} from '../protocol/records/control.js';

/**
 * Idempotent producer support (Kafka's ProducerStateManager / ProducerAppendInfo): producer id
 * allocation, and per partition the last batches of every producer so retries are deduplicated
 * and gaps are refused.
 */

// ---------------------------------------------------------------- producer ids

/** Hands out ranges of producer ids; a range once handed out is never handed out again. */
export interface ProducerIdBlockStore {
  /** Reserves `size` ids durably and returns the first. */
  reserveBlock(size: number): number;
}

/**
 * A file holding the start of the next free block, replaced atomically (temp file, fsync,
 * rename). The block is reserved on disk before any id in it is used, so a kill -9 can waste the
 * rest of a block but never reuse an id (as with Kafka's /latest_producer_id_block).
 */
export class FileProducerIdBlockStore implements ProducerIdBlockStore {
  constructor(readonly file: string) {}

  reserveBlock(size: number): number {
    let start = 0;
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as {nextBlockStart?: unknown};
      if (typeof parsed.nextBlockStart !== 'number' || !Number.isSafeInteger(parsed.nextBlockStart) || parsed.nextBlockStart < 0) {
        throw new Error(`bad nextBlockStart`);
      }
      start = parsed.nextBlockStart;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        // Guessing a start could reuse ids and break deduplication for live producers: refuse.
        throw new Error(`producer id file ${this.file} is unreadable (${(err as Error).message}); fix or remove it`);
      }
    }
    writeFileAtomic(this.file, JSON.stringify({nextBlockStart: start + size}) + '\n');
    return start;
  }
}

export class MemoryProducerIdBlockStore implements ProducerIdBlockStore {
  constructor(private next = 0) {}
  reserveBlock(size: number): number {
    const start = this.next;
    this.next += size;
    return start;
  }
}

export const PRODUCER_ID_BLOCK_SIZE = 1000;
export const PRODUCER_ID_FILE = 'producer-id-block.json';

export class ProducerIdManager {
  private next = 0;
  private end = 0;

  constructor(
    private readonly store: ProducerIdBlockStore,
    private readonly blockSize = PRODUCER_ID_BLOCK_SIZE,
  ) {}

  /** Ids persisted in `<dir>/producer-id-block.json`. */
  static open(dir: string, blockSize = PRODUCER_ID_BLOCK_SIZE): ProducerIdManager {
    fs.mkdirSync(dir, {recursive: true});
    return new ProducerIdManager(new FileProducerIdBlockStore(path.join(dir, PRODUCER_ID_FILE)), blockSize);
  }

  /** For InitProducerId with a null transactional id: a fresh id, epoch 0. */
  nextProducerId(): number {
    if (this.next >= this.end) {
      this.next = this.store.reserveBlock(this.blockSize);
      this.end = this.next + this.blockSize;
    }
    return this.next++;
  }
}

// ---------------------------------------------------------------- per-partition state

/** RecordBatch.NO_PRODUCER_ID: a batch from a non-idempotent producer. */
export const NO_PRODUCER_ID = -1;
/** Batches kept per producer: matches max.in.flight.requests.per.connection <= 5. */
export const NUM_BATCHES_TO_RETAIN = 5;
/** producer.id.expiration.ms default (1 day). */
export const PRODUCER_ID_EXPIRATION_MS = 86_400_000;
export const PRODUCER_STATE_FILE = 'producer-state.snapshot';

const INT32_MAX = 0x7fffffff;
const CONTROL_ATTRIBUTE = 0x20;
const TRANSACTIONAL_ATTRIBUTE = 0x10;

/** Sequence of the last record of a batch: base + lastOffsetDelta, wrapping at Int32.MAX to 0. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > INT32_MAX - lastOffsetDelta ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1 : baseSequence + lastOffsetDelta;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

export type ProducerCheck =
  | {kind: 'append'}
  /** A retry of a batch already in the log: do not append; answer NONE with these offsets. */
  | {kind: 'duplicate'; baseOffset: number; lastOffset: number; logAppendTime: number}
  | {kind: 'error'; errorCode: number};

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  timestamp: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
  batches: BatchMetadata[];
  lastTimestamp: number;
}

/** What rebuildFrom needs from a batch header (storage's BatchHeader has all of it). */
export interface ProducerBatchHeader {
  baseOffset: number;
  lastOffsetDelta: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  maxTimestamp: number;
  attributes?: number;
  /** A control batch's marker: it ends the producer's transaction. */
  marker?: Marker;
}

/** An aborted transaction of one producer, from its first record to its ABORT marker (Fetch's aborted_transactions). */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
}

interface SnapshotFile {
  version: 1 | 2;
  /** The log end offset the state was taken at: it reflects exactly the batches below it. */
  offset: number;
  producers: Array<{id: number; epoch: number; lastTimestamp: number; batches: Array<[number, number, number, number, number]>}>;
  /** v2: open transactions [producer id, first offset] and aborted ones [producer id, first, last]. */
  ongoing?: Array<[number, number]>;
  aborted?: Array<[number, number, number]>;
}

/**
 * Per-partition producer state. The partition calls `check()` before appending a batch with a
 * producer id, and `record()` after the append with the offsets it was given. On open, state is
 * the last snapshot (if it is not ahead of the log) plus the batch headers of the log from
 * `snapshotOffset` on, fed through `rebuildFrom()`, which makes it match the log exactly even
 * after a kill -9 that tore the log's tail.
 */
export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();
  /** Producers with an open transaction on this partition, and the offset of its first record. */
  private readonly ongoing = new Map<number, number>();
  /** Aborted transactions, oldest first (Kafka keeps them in the segments' .txnindex). */
  private aborted: AbortedTxn[] = [];
  /** Batches starting below this offset are already reflected (snapshot or record()). */
  private nextOffset = 0;
  private loadedSnapshotOffset = 0;
  /** The content of the snapshot file as this table last wrote it. */
  private lastSnapshot: string | undefined;

  constructor(readonly dir: string | null = null) {}

  /**
   * Loads `<dir>/producer-state.snapshot`. A snapshot taken past `logEndOffset` describes
   * batches that crash recovery cut off, so it is ignored and the caller rebuilds from the log
   * start. An unreadable snapshot is ignored the same way: the log is the truth.
   */
  static open(dir: string, logEndOffset?: number): ProducerStateTable {
    const table = new ProducerStateTable(dir);
    let snap: SnapshotFile | undefined;
    try {
      snap = JSON.parse(fs.readFileSync(path.join(dir, PRODUCER_STATE_FILE), 'utf8')) as SnapshotFile;
    } catch {
      snap = undefined;
    }
    if (snap && (snap.version === 1 || snap.version === 2) && Number.isSafeInteger(snap.offset) && (logEndOffset === undefined || snap.offset <= logEndOffset)) {
      for (const p of snap.producers) {
        table.producers.set(p.id, {
          producerId: p.id,
          epoch: p.epoch,
          lastTimestamp: p.lastTimestamp,
          batches: p.batches.map(([firstSeq, lastSeq, firstOffset, lastOffset, timestamp]) => ({firstSeq, lastSeq, firstOffset, lastOffset, timestamp})),
        });
      }
      for (const [id, first] of snap.ongoing ?? []) table.ongoing.set(id, first);
      table.aborted = (snap.aborted ?? []).map(([producerId, firstOffset, lastOffset]) => ({producerId, firstOffset, lastOffset}));
      table.nextOffset = snap.offset;
      table.loadedSnapshotOffset = snap.offset;
    }
    return table;
  }

  /** Where the caller should start feeding batch headers to rebuildFrom (0: the whole log). */
  get snapshotOffset(): number {
    return this.loadedSnapshotOffset;
  }

  /** Checks a batch before it is appended (Kafka's order: epoch, duplicate, sequence). */
  check(producerId: number, producerEpoch: number, baseSequence: number, lastSequence: number): ProducerCheck {
    if (producerId < 0) return {kind: 'append'};
    const entry = this.producers.get(producerId);
    // Unknown producer (state expired, or removed with the log prefix): any sequence (KIP-360).
    if (!entry) return {kind: 'append'};
    if (producerEpoch < entry.epoch) return {kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH};
    if (producerEpoch === entry.epoch) {
      const dup = entry.batches.find((b) => b.firstSeq === baseSequence && b.lastSeq === lastSequence);
      if (dup) return {kind: 'duplicate', baseOffset: dup.firstOffset, lastOffset: dup.lastOffset, logAppendTime: dup.timestamp};
      const last = entry.batches.length > 0 ? entry.batches[entry.batches.length - 1]!.lastSeq : -1;
      if (!inSequence(last, baseSequence)) return {kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER};
      return {kind: 'append'};
    }
    // A bumped epoch restarts sequences at 0.
    if (baseSequence !== 0) return {kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER};
    return {kind: 'append'};
  }

  /**
   * Records an appended batch. `timestamp` is what a duplicate answers as log_append_time: the
   * batch's max timestamp (the broker's append time on LogAppendTime topics).
   */
  record(producerId: number, producerEpoch: number, baseSequence: number, lastSequence: number, baseOffset: number, lastOffset: number, timestamp: number, transactional = false): void {
    if (producerId < 0) return;
    if (transactional && !this.ongoing.has(producerId)) this.ongoing.set(producerId, baseOffset);
    let entry = this.producers.get(producerId);
    if (!entry) {
      entry = {producerId, epoch: producerEpoch, batches: [], lastTimestamp: timestamp};
      this.producers.set(producerId, entry);
    }
    if (entry.epoch !== producerEpoch) {
      entry.epoch = producerEpoch;
      entry.batches = [];
    }
    entry.batches.push({firstSeq: baseSequence, lastSeq: lastSequence, firstOffset: baseOffset, lastOffset, timestamp});
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestamp = timestamp;
    this.nextOffset = Math.max(this.nextOffset, lastOffset + 1);
  }

  /**
   * Replays batch headers read from the log, in offset order. Headers already reflected (below
   * the snapshot, or recorded before) are skipped, so feeding the whole log is also correct.
   */
  rebuildFrom(headers: Iterable<ProducerBatchHeader>): void {
    for (const h of headers) {
      if (h.producerId < 0 || h.baseOffset < this.nextOffset) continue;
      if (h.attributes !== undefined && (h.attributes & CONTROL_ATTRIBUTE) !== 0) {
        if (h.marker) this.completeTransaction(h.producerId, h.producerEpoch, h.marker, h.baseOffset, h.maxTimestamp);
        continue;
      }
      if (h.baseSequence < 0) continue;
      this.record(
        h.producerId,
        h.producerEpoch,
        h.baseSequence,
        lastSequenceOf(h.baseSequence, h.lastOffsetDelta),
        h.baseOffset,
        h.baseOffset + h.lastOffsetDelta,
        h.maxTimestamp,
        h.attributes !== undefined && (h.attributes & TRANSACTIONAL_ATTRIBUTE) !== 0,
      );
    }
  }

  /**
   * A COMMIT or ABORT marker was appended at `markerOffset`: the producer's transaction on this
   * partition ends, an aborted one is remembered for read_committed consumers, and the marker's
   * epoch becomes the producer's, so a zombie with an older epoch is refused from now on.
   */
  completeTransaction(producerId: number, producerEpoch: number, marker: Marker, markerOffset: number, timestamp: number): void {
    const first = this.ongoing.get(producerId);
    this.ongoing.delete(producerId);
    if (marker === 'ABORT' && first !== undefined) this.aborted.push({producerId, firstOffset: first, lastOffset: markerOffset});
    const entry = this.producers.get(producerId);
    if (!entry) this.producers.set(producerId, {producerId, epoch: producerEpoch, batches: [], lastTimestamp: timestamp});
    else if (producerEpoch > entry.epoch) {
      entry.epoch = producerEpoch;
      entry.batches = [];
    }
    this.nextOffset = Math.max(this.nextOffset, markerOffset + 1);
  }

  /** The first offset of the oldest open transaction: the last stable offset unless the high watermark is lower. */
  firstUnstableOffset(): number | undefined {
    let first: number | undefined;
    for (const offset of this.ongoing.values()) if (first === undefined || offset < first) first = offset;
    return first;
  }

  /** Aborted transactions with records in [from, to): what a read_committed consumer must drop. */
  abortedBetween(from: number, to: number): AbortedTxn[] {
    return this.aborted.filter((a) => a.lastOffset >= from && a.firstOffset < to);
  }

  /** The first offset of the producer's open transaction on this partition (-1: none), for DescribeProducers. */
  openTransactionStart(producerId: number): number {
    return this.ongoing.get(producerId) ?? -1;
  }

  /**
   * Writes the state atomically to `<dir>/producer-state.snapshot`. `logEndOffset` must be the
   * log end offset with every batch below it recorded. Without a snapshot a restart replays the
   * whole log, so this only makes opening faster.
   */
  snapshot(logEndOffset: number): void {
    if (!this.dir) return;
    const file: SnapshotFile = {
      version: 2,
      offset: logEndOffset,
      producers: [...this.producers.values()].map((p) => ({
        id: p.producerId,
        epoch: p.epoch,
        lastTimestamp: p.lastTimestamp,
        batches: p.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset, b.timestamp]),
      })),
      ongoing: [...this.ongoing],
      aborted: this.aborted.map((a) => [a.producerId, a.firstOffset, a.lastOffset]),
    };
    const json = JSON.stringify(file);
    // Every 30 s for every partition ever appended to: the same state is not written (and fsynced) again.
    if (json !== this.lastSnapshot) {
      fs.mkdirSync(this.dir, {recursive: true});
      writeFileAtomic(path.join(this.dir, PRODUCER_STATE_FILE), json);
      this.lastSnapshot = json;
    }
    this.nextOffset = Math.max(this.nextOffset, logEndOffset);
  }

  /**
   * Retention or DeleteRecords moved the log start: producers whose last batch is gone are
   * forgotten (their next batch is then accepted with any sequence, KIP-360).
   */
  onLogStartOffsetIncremented(logStartOffset: number): void {
    for (const [id, e] of this.producers) {
      const last = e.batches[e.batches.length - 1];
      if (!last || last.lastOffset < logStartOffset) this.producers.delete(id);
    }
    this.aborted = this.aborted.filter((a) => a.lastOffset >= logStartOffset);
  }

  /** Forgets producers idle for longer than producer.id.expiration.ms. */
  removeExpiredProducers(nowMs: number, expirationMs = PRODUCER_ID_EXPIRATION_MS): void {
    for (const [id, e] of this.producers) if (nowMs - e.lastTimestamp >= expirationMs) this.producers.delete(id);
  }

  /** Drops everything, e.g. before rebuilding after the log was truncated below the state. */
  clear(): void {
    this.producers.clear();
    this.ongoing.clear();
    this.aborted = [];
    this.nextOffset = 0;
    this.loadedSnapshotOffset = 0;
  }

  /** Read-only views, for the epoch checks of markers and for DescribeProducers. */
  entry(producerId: number): Readonly<ProducerEntry> | undefined {
    return this.producers.get(producerId);
  }

  entries(): Array<Readonly<ProducerEntry>> {
    return [...this.producers.values()];
  }

  get size(): number {
    return this.producers.size;
  }
}

