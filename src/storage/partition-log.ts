import fs from 'node:fs';
import path from 'node:path';
import {BugError} from '../lib/errors.js';
import {fsyncDir, writeFileAtomic} from '../lib/fs.js';
import {isLent} from '../lib/lent-buffers.js';
import {Reader} from '../protocol/reader.js';
import {decompress} from '../protocol/records/compression.js';
import {Attr, BATCH_HEADER_SIZE, type BatchHeader, Compression, compressionOf, iterateBatches, LOG_OVERHEAD, Off, readBatchHeader, setBaseOffset, setLogAppendTime, setPartitionLeaderEpoch} from '../protocol/records/batch.js';
import {StorageError, storageFailure} from './errors.js';
import {type RecentBatchBudget, RecentBatches} from './recent-batches.js';
import {DEFAULT_INDEX_INTERVAL_BYTES, readFully, readInt64, Segment} from './segment.js';
import {deletes, type TopicConfig} from './topic-config.js';

/**
 * The log of one partition: a directory of segments in Kafka's on-disk layout, plus a
 * `log-start-offset` checkpoint for DeleteRecords. Synchronous on purpose: every call finishes
 * its file I/O before returning, so callers never see a half-applied append or truncation.
 */

const LOG_START_FILE = 'log-start-offset';
/** Kafka's name; here one file per partition: where the log cleaner's dirty section begins. */
const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;
/** A cleaned segment: `.cleaned` while written (discarded by a crash), `.swap` once complete (wins). */
export const CLEANED_SUFFIX = '.cleaned';
const SWAP_SUFFIX = '.swap';
/** Header walks read this much at a time: a sparse index gap is ~4 KB of batches. */
const HEADER_CHUNK = 16 * 1024;
/** flush.ms values at or above this mean "never"; spares a clock read per append. */
const FLUSH_NEVER_MS = 2 ** 52;

/** Marks a partition directory being deleted (Kafka's LogManager naming). */
export const DELETED_DIR_SUFFIX = '-delete';

/** ListOffsets sentinel timestamps; the caller answers these from logStartOffset / highWatermark. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

export interface PartitionLogOptions {
  /** Overrides the topic's index.interval.bytes (tests use small values to exercise the index). */
  indexIntervalBytes?: number;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The stamped time for LogAppendTime topics, else -1 (the Produce response's value). */
  logAppendTime: number;
}

export class PartitionLog {
  private segments: Segment[] = [];
  private startOffset = 0;
  private hw = 0;
  private totalBytes = 0;
  private closed = false;
  private unflushed = new Set<Segment>();
  private messagesSinceFlush = 0;
  private lastFlush = Date.now();
  /** segment.jitter.ms drawn for the active segment. */
  private rollJitterMs = 0;
  private cleanedTo = 0;
  /** When true, append moves the high watermark to the log end (single replica). */
  autoHighWatermark = true;
  // One cached block of a segment for header walks; invalidated whenever bytes can change.
  private readonly scratch = Buffer.allocUnsafe(HEADER_CHUNK);
  private scratchSeg: Segment | undefined;
  private scratchPos = 0;
  private scratchLen = 0;
  /** Set on a replicated leader's log: its followers' next fetches are served from memory. */
  private recent: RecentBatches | undefined;

  /** index.interval.bytes of the segments created from now on (Kafka's, too, applies to new segments). */
  private interval: number;

  private constructor(
    readonly dir: string,
    private config: TopicConfig,
    private readonly fixedInterval: number | undefined,
  ) {
    this.interval = fixedInterval ?? config.indexIntervalBytes ?? DEFAULT_INDEX_INTERVAL_BYTES;
  }

  static open(dir: string, config: TopicConfig, options: PartitionLogOptions = {}): PartitionLog {
    const log = new PartitionLog(dir, config, options.indexIntervalBytes);
    fs.mkdirSync(dir, {recursive: true});
    finishSwaps(dir);
    const files = fs.readdirSync(dir);
    const bases = new Set<number>();
    for (const f of files) {
      const m = SEGMENT_FILE.exec(f);
      if (m && m[2] === 'log') bases.add(Number(m[1]));
    }
    for (const f of files) {
      const m = SEGMENT_FILE.exec(f);
      // Indexes without a log are what an interrupted segment deletion leaves behind.
      if ((m && !bases.has(Number(m[1]))) || f.endsWith('.tmp') || f.endsWith(CLEANED_SUFFIX)) fs.rmSync(path.join(dir, f), {force: true});
    }
    const checkpoint = readCheckpoint(path.join(dir, LOG_START_FILE));
    const sorted = [...bases].sort((a, b) => a - b);
    if (sorted.length === 0) log.segments.push(Segment.create(dir, checkpoint, log.interval));
    sorted.forEach((base, i) => log.segments.push(Segment.open(dir, base, log.interval, i === sorted.length - 1)));
    log.totalBytes = log.segments.reduce((n, s) => n + s.size, 0);
    log.startOffset = Math.max(checkpoint, log.segments[0].base);
    // Offsets must never go backwards for consumers: if recovery lost data below a recorded
    // log start offset, restart the log there, as Kafka does.
    if (log.startOffset > log.logEndOffset) log.truncateFullyAndStartAt(log.startOffset);
    log.hw = log.logEndOffset;
    log.cleanedTo = readCheckpoint(path.join(dir, CLEANER_CHECKPOINT_FILE));
    return log;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  /** Replication moves it; clamped to the log's bounds. */
  set highWatermark(offset: number) {
    this.hw = Math.min(Math.max(offset, this.startOffset), this.logEndOffset);
  }

  get sizeBytes(): number {
    return this.totalBytes;
  }

  /** Base offsets of the segments, oldest first (for DescribeLogDirs and tests). */
  segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.base);
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  /**
   * Appends one already validated batch: assigns its offsets and leader epoch in place (and the
   * append time for LogAppendTime topics), rolls a segment if needed and writes it synchronously.
   */
  append(batch: Buffer, opts: {leaderEpoch: number; logAppendTime?: number; asFollower?: boolean}): AppendResult {
    this.assertOpen();
    // A follower keeps the leader's offsets, which a compacted log may leave gaps between.
    const baseOffset = opts.asFollower ? Math.max(readInt64(batch, Off.baseOffset), this.logEndOffset) : this.logEndOffset;
    const count = batch.readInt32BE(Off.lastOffsetDelta) + 1;
    const lastOffset = baseOffset + count - 1;
    setBaseOffset(batch, baseOffset);
    setPartitionLeaderEpoch(batch, opts.leaderEpoch);
    let logAppendTime = -1;
    if (opts.logAppendTime !== undefined) {
      setLogAppendTime(batch, opts.logAppendTime);
      logAppendTime = opts.logAppendTime;
    }
    const maxTimestamp = readInt64(batch, Off.maxTimestamp);
    let seg = this.active;
    try {
      if (this.shouldRoll(seg, batch.length, maxTimestamp, lastOffset)) seg = this.roll(baseOffset);
      seg.append(batch, lastOffset, maxTimestamp);
    } catch (err) {
      // Nothing of the batch is left in the log (Segment.append undoes itself): safe to retry.
      throw storageFailure(err, `cannot append to ${this.dir}`);
    }
    this.totalBytes += batch.length;
    // A lent batch (a connection's reused Produce frame) is overwritten after this call.
    this.recent?.add(isLent(batch) ? Buffer.from(batch) : batch, baseOffset, lastOffset + 1);
    if (this.autoHighWatermark) this.hw = lastOffset + 1;
    this.unflushed.add(seg);
    this.messagesSinceFlush += count;
    if (this.messagesSinceFlush >= this.config.flushMessages || (this.config.flushMs < FLUSH_NEVER_MS && Date.now() - this.lastFlush >= this.config.flushMs)) {
      this.flush();
    }
    return {baseOffset, lastOffset, logAppendTime};
  }

  /** Kafka's LogSegment.shouldRoll (its offset index's fill limit standing for both indexes). */
  private shouldRoll(seg: Segment, size: number, maxTimestamp: number, lastOffset: number): boolean {
    if (seg.size === 0) return false;
    if (seg.size + size > this.config.segmentBytes) return true;
    if (seg.index.length >= Math.floor(this.config.segmentIndexBytes / 8)) return true;
    // Relative offsets in the index are int32.
    if (lastOffset - seg.base > 0x7fffffff) return true;
    const waited = seg.rollBaseTimestamp >= 0 && maxTimestamp >= 0 ? maxTimestamp - seg.rollBaseTimestamp : Date.now() - seg.createdAt;
    return waited > this.config.segmentMs - this.rollJitterMs;
  }

  private roll(base: number): Segment {
    // Seal first: once a newer segment exists, the older one's final time entry is on disk.
    const sealed = this.active;
    sealed.seal();
    let seg: Segment;
    try {
      seg = Segment.create(this.dir, base, this.interval);
    } catch (err) {
      sealed.openIndexes();
      throw err;
    }
    this.segments.push(seg);
    const {segmentJitterMs, segmentMs} = this.config;
    this.rollJitterMs = segmentJitterMs > 0 ? Math.floor(Math.random() * Math.min(segmentJitterMs, segmentMs)) : 0;
    return seg;
  }

  /**
   * Every whole batch from the one holding `from` to the log end, in offset order: what state
   * rebuilt from the log reads (producer ids, leader epochs, the internal topics' records).
   */
  *batches(from = this.startOffset): Generator<{batch: Buffer; header: BatchHeader}> {
    const end = this.logEndOffset;
    for (let offset = Math.max(from, this.startOffset); offset < end; ) {
      const chunks = this.read(offset, 1 << 20, end);
      if (chunks === 'out-of-range' || chunks.length === 0) return;
      const before = offset;
      for (const chunk of chunks) {
        for (const {at, header} of iterateBatches(chunk)) {
          offset = header.baseOffset + header.lastOffsetDelta + 1;
          yield {batch: chunk.subarray(at, at + header.size), header};
        }
      }
      if (offset <= before) return;
    }
  }

  /**
   * Every batch header from the one holding `from` to the log end, reading only the headers
   * (from one cached block, or one small read per large batch), never the records: for state
   * rebuilt from batch metadata (producer ids, leader epochs). `bytes()` reads that whole batch,
   * for the rare caller that needs a record of it (a transaction marker).
   */
  *batchHeaders(from = this.startOffset): Generator<{header: BatchHeader; bytes: () => Buffer}> {
    this.assertOpen();
    const start = Math.max(from, this.startOffset);
    if (start >= this.logEndOffset) return;
    let i = this.segmentIndexFor(start);
    for (let pos = this.locate(this.segments[i], start); i < this.segments.length; i++, pos = 0) {
      const seg = this.segments[i];
      while (pos + BATCH_HEADER_SIZE <= seg.size) {
        const header = readBatchHeader(this.scratch, this.headerAt(seg, pos));
        if (header.size < BATCH_HEADER_SIZE || pos + header.size > seg.size) break;
        const at = pos;
        yield {header, bytes: () => readBatchAt(seg, at, header.size)};
        pos += header.size;
      }
    }
  }

  /**
   * Whole batches from the one containing fetchOffset, up to maxBytes (but always at least one
   * batch, KIP-74) and stopping before any batch whose base offset is >= upTo.
   */
  read(fetchOffset: number, maxBytes: number, upTo: number = this.hw): Buffer[] | 'out-of-range' {
    this.assertOpen();
    const end = this.logEndOffset;
    if (fetchOffset < this.startOffset || fetchOffset > end) return 'out-of-range';
    const out: Buffer[] = [];
    if (fetchOffset >= end || fetchOffset >= upTo) return out;
    const held = this.recent?.read(fetchOffset, maxBytes, upTo);
    if (held) return held;
    let budget = maxBytes;
    let i = this.segmentIndexFor(fetchOffset);
    let pos = this.locate(this.segments[i], fetchOffset);
    for (; i < this.segments.length; i++, pos = 0) {
      const seg = this.segments[i];
      const available = seg.size - pos;
      if (available < BATCH_HEADER_SIZE) continue;
      let want = Math.min(available, Math.max(budget, 0));
      if (out.length === 0) want = Math.max(want, Math.min(available, this.batchSizeAt(seg, pos)));
      if (want < BATCH_HEADER_SIZE) break;
      const buf = Buffer.allocUnsafe(want);
      const got = readFully(seg.fd, buf, 0, want, pos);
      let at = 0;
      while (at + BATCH_HEADER_SIZE <= got) {
        const size = buf.readInt32BE(at + Off.batchLength) + LOG_OVERHEAD;
        if (readInt64(buf, at) >= upTo || at + size > got || (out.length > 0 && size > budget)) break;
        out.push(buf.subarray(at, at + size));
        budget -= size;
        at += size;
      }
      if (at < available || budget <= 0) break;
    }
    return out;
  }

  /**
   * Kafka ListOffsets by timestamp: the first record at or after the log start whose timestamp
   * is >= ts (FileRecords.searchForTimestamp). A compressed batch is decompressed to find it:
   * its first record may be far older than ts.
   */
  async offsetForTimestamp(ts: number): Promise<{offset: number; timestamp: number} | null> {
    for (let from = this.startOffset; ; ) {
      const batch = this.batchReaching(ts, from);
      if (!batch) return null;
      const found = await recordReaching(batch, ts, from);
      if (found) return found;
      // A log deleted meanwhile has nothing more to answer with.
      if (this.closed) return null;
      // Its newer records all lie below `from`: look on from the next batch, as Kafka does.
      from = readInt64(batch, Off.baseOffset) + batch.readInt32BE(Off.lastOffsetDelta) + 1;
    }
  }

  /** KIP-734 (ListOffsets -3): the first record with the largest timestamp in the log. */
  async offsetOfMaxTimestamp(): Promise<{offset: number; timestamp: number} | null> {
    this.assertOpen();
    let max = -1;
    for (let i = 0; i < this.segments.length; i++) {
      const segEnd = i + 1 < this.segments.length ? this.segments[i + 1].base : this.logEndOffset;
      if (segEnd > this.startOffset) max = Math.max(max, this.segments[i].maxTimestamp);
    }
    return max < 0 ? null : this.offsetForTimestamp(max);
  }

  /** The first batch ending at or after `from` whose max timestamp is >= ts (a copy), or null. */
  private batchReaching(ts: number, from: number): Buffer | null {
    this.assertOpen();
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i];
      const segEnd = i + 1 < this.segments.length ? this.segments[i + 1].base : this.logEndOffset;
      if (seg.maxTimestamp < ts || segEnd <= from) continue;
      // Everything up to a time entry's offset is no newer than its timestamp.
      const k = seg.time.lastBelow(ts);
      const start = Math.max(k >= 0 ? seg.base + seg.time.rel[k] + 1 : seg.base, from);
      let pos = this.locate(seg, start);
      while (pos + BATCH_HEADER_SIZE <= seg.size) {
        const at = this.headerAt(seg, pos);
        const h = this.scratch;
        const size = h.readInt32BE(at + Off.batchLength) + LOG_OVERHEAD;
        const last = readInt64(h, at) + h.readInt32BE(at + Off.lastOffsetDelta);
        if (readInt64(h, at + Off.maxTimestamp) >= ts && last >= start) return readBatchAt(seg, pos, size);
        pos += size;
      }
    }
    return null;
  }

  /**
   * DeleteRecords: moves the log start offset (persisted before any file goes) and removes the
   * segments that now lie entirely below it. Never removes the active segment.
   */
  deleteRecordsBefore(offset: number): number {
    this.assertOpen();
    if (offset > this.logEndOffset || offset < 0) {
      throw new StorageError('OFFSET_OUT_OF_RANGE', `cannot delete records before offset ${offset}: the log ends at ${this.logEndOffset}`);
    }
    if (offset <= this.startOffset) return this.startOffset;
    this.setLogStartOffset(offset);
    while (this.segments.length > 1 && this.segments[1].base <= offset) this.removeOldest();
    if (this.hw < offset) this.hw = offset;
    return this.startOffset;
  }

  /**
   * Deletes old segments by retention.ms (newest timestamp older than now - retention.ms) and
   * retention.bytes, oldest first, never the active segment. Returns how many went.
   */
  enforceRetention(now: number): number {
    this.assertOpen();
    let deleted = 0;
    const {retentionMs, retentionBytes} = this.config;
    if (!deletes(this.config)) return 0;
    if (retentionMs >= 0) {
      while (this.segments.length > 1 && now - this.segments[0].largestTimestamp() > retentionMs) {
        this.removeOldest();
        deleted++;
      }
    }
    if (retentionBytes >= 0) {
      let excess = this.totalBytes - retentionBytes;
      while (this.segments.length > 1 && excess >= this.segments[0].size) {
        excess -= this.segments[0].size;
        this.removeOldest();
        deleted++;
      }
    }
    if (this.segments[0].base > this.startOffset) this.setLogStartOffset(this.segments[0].base);
    return deleted;
  }

  /**
   * Drops everything from offset on, at batch granularity: if offset falls inside a batch the
   * whole batch goes and the log ends below offset. Used by followers to match their leader.
   */
  truncateTo(offset: number): void {
    this.assertOpen();
    if (offset >= this.logEndOffset) return;
    this.scratchSeg = undefined;
    this.recent?.clear();
    if (offset < this.startOffset) {
      this.truncateFullyAndStartAt(offset);
      return;
    }
    while (this.segments.length > 1 && this.active.base > offset) {
      const seg = this.segments.pop()!;
      this.unflushed.delete(seg);
      seg.remove();
    }
    const seg = this.active;
    seg.reactivate();
    seg.truncateTo(offset);
    this.totalBytes = this.segments.reduce((n, s) => n + s.size, 0);
    this.hw = Math.min(this.hw, this.logEndOffset);
    // Data fetched again above the cut has not been cleaned.
    if (this.cleanedTo > this.logEndOffset) this.cleanerCheckpoint = this.logEndOffset;
  }

  /** Empties the log and restarts it at offset (a follower below its leader's log start). */
  truncateFullyAndStartAt(offset: number): void {
    this.recent?.clear();
    for (const seg of this.segments) seg.remove();
    this.unflushed.clear();
    this.segments = [Segment.create(this.dir, offset, this.interval)];
    this.totalBytes = 0;
    this.setLogStartOffset(offset);
    this.hw = offset;
    this.cleanerCheckpoint = offset;
  }

  get topicConfig(): TopicConfig {
    return this.config;
  }

  // ---------------------------------------------------------------- for the log cleaner

  /** Offsets below this were compacted by the last cleaning (Kafka's cleaner checkpoint). */
  get cleanerCheckpoint(): number {
    return this.cleanedTo;
  }

  set cleanerCheckpoint(offset: number) {
    this.cleanedTo = offset;
    writeFileAtomic(path.join(this.dir, CLEANER_CHECKPOINT_FILE), `${offset}\n`, {fsync: false});
  }

  /** Every segment but the active one, oldest first, with the offset where the next begins. */
  closedSegments(): Array<{segment: Segment; endOffset: number}> {
    return this.segments.slice(0, -1).map((segment, i) => ({segment, endOffset: this.segments[i + 1].base}));
  }

  /** Whether seg is still one of this log's closed segments (retention or truncation may have removed it). */
  holdsClosed(seg: Segment): boolean {
    return !this.closed && this.segments.indexOf(seg) >= 0 && seg !== this.active;
  }

  /**
   * Puts the cleaned copy of a closed segment in its place (or drops the segment when nothing of
   * it is left and it is not the first). The commit point is the rename to `.swap`: a crash
   * before it leaves the old segment, after it the new one (finished by open()). Returns false,
   * changing nothing, when the segment is no longer a closed segment of this log.
   */
  replaceSegment(old: Segment, cleanedLogPath: string | null): boolean {
    const i = this.segments.indexOf(old);
    if (this.closed || i < 0 || old === this.active || (cleanedLogPath === null && i === 0)) return false;
    this.scratchSeg = undefined;
    this.recent?.clear();
    this.unflushed.delete(old);
    this.totalBytes -= old.size;
    if (cleanedLogPath === null) {
      this.segments.splice(i, 1);
      old.remove();
      return true;
    }
    const swap = old.logPath + SWAP_SUFFIX;
    fs.renameSync(cleanedLogPath, swap);
    fsyncDir(this.dir);
    old.close();
    swapIn(old.logPath);
    const seg = Segment.open(this.dir, old.base, this.interval, false);
    this.segments[i] = seg;
    this.totalBytes += seg.size;
    return true;
  }

  /**
   * Keeps the latest appended batches in memory for fetches, within `budget` (undefined: none).
   * For a leader with followers, which release what they all have (releaseRecentBelow).
   */
  holdRecentBatches(budget: RecentBatchBudget | undefined): void {
    if (budget === this.recent?.budget) return;
    this.recent?.clear();
    this.recent = budget === undefined ? undefined : new RecentBatches(budget);
  }

  /** Every follower has the offsets below `offset`. */
  releaseRecentBelow(offset: number): void {
    this.recent?.releaseBelow(offset);
  }

  updateConfig(config: TopicConfig): void {
    this.config = config;
    this.interval = this.fixedInterval ?? config.indexIntervalBytes;
  }

  /** fdatasync of everything appended since the last flush. */
  flush(): void {
    for (const seg of this.unflushed) seg.sync();
    this.unflushed.clear();
    this.messagesSinceFlush = 0;
    this.lastFlush = Date.now();
  }

  close(): void {
    if (this.closed) return;
    this.holdRecentBatches(undefined);
    this.flush();
    for (const seg of this.segments) seg.close();
    this.closed = true;
  }

  /**
   * Closes the log and removes its directory. Renamed first, as Kafka does, to
   * `<topic>-<partition>.<id>-delete`: one atomic step takes the log out of the data dir, and
   * what a kill -9 leaves of the removal is recognisable at the next start-up.
   */
  delete(): void {
    this.holdRecentBatches(undefined);
    if (!this.closed) {
      for (const seg of this.segments) seg.close();
      this.closed = true;
    }
    const doomed = `${this.dir}.${crypto.randomUUID().replaceAll('-', '')}${DELETED_DIR_SUFFIX}`;
    try {
      fs.renameSync(this.dir, doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    fs.rmSync(doomed, {recursive: true, force: true});
  }

  private removeOldest(): void {
    const seg = this.segments.shift()!;
    this.unflushed.delete(seg);
    if (this.scratchSeg === seg) this.scratchSeg = undefined;
    this.totalBytes -= seg.size;
    seg.remove();
  }

  /** Durable first: a checkpoint the disk refused leaves the log start where it was. */
  private setLogStartOffset(offset: number): void {
    try {
      writeFileAtomic(path.join(this.dir, LOG_START_FILE), `${offset}\n`);
    } catch (err) {
      throw storageFailure(err, `cannot move the log start offset of ${this.dir} to ${offset}`);
    }
    this.startOffset = offset;
  }

  /** The last segment whose base offset is <= offset. */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].base <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Position of the batch containing offset (or the first after it), via the sparse index. */
  private locate(seg: Segment, offset: number): number {
    const e = seg.index.floor(offset - seg.base);
    let pos = e >= 0 ? seg.index.pos[e] : 0;
    while (pos + BATCH_HEADER_SIZE <= seg.size) {
      const at = this.headerAt(seg, pos);
      const size = this.scratch.readInt32BE(at + Off.batchLength) + LOG_OVERHEAD;
      if (readInt64(this.scratch, at) + this.scratch.readInt32BE(at + Off.lastOffsetDelta) >= offset) return pos;
      pos += size;
    }
    return seg.size;
  }

  private batchSizeAt(seg: Segment, pos: number): number {
    return this.scratch.readInt32BE(this.headerAt(seg, pos) + Off.batchLength) + LOG_OVERHEAD;
  }

  /** Index in `scratch` of the header at pos, reading a block only on a miss. */
  private headerAt(seg: Segment, pos: number): number {
    if (this.scratchSeg === seg && pos >= this.scratchPos && pos + BATCH_HEADER_SIZE <= this.scratchPos + this.scratchLen) {
      return pos - this.scratchPos;
    }
    this.scratchLen = readFully(seg.fd, this.scratch, 0, Math.min(HEADER_CHUNK, seg.size - pos), pos);
    this.scratchSeg = seg;
    this.scratchPos = pos;
    if (this.scratchLen < BATCH_HEADER_SIZE) throw new BugError(`${seg.logPath}: short read at ${pos}`);
    return 0;
  }

  private assertOpen(): void {
    if (this.closed) throw new BugError(`partition log ${this.dir} used after close`);
  }
}

/**
 * Renames `<base>.log.swap` over `<base>.log`. Its old indexes go first (and durably): the
 * cleaned log gets indexes rebuilt from its batches, never ones that point into the old file.
 */
function swapIn(logPath: string): void {
  for (const ext of ['.index', '.timeindex']) fs.rmSync(logPath.replace(/\.log$/, ext), {force: true});
  fsyncDir(path.dirname(logPath));
  fs.renameSync(logPath + SWAP_SUFFIX, logPath);
  fsyncDir(path.dirname(logPath));
}

/** Completes the swaps a crash interrupted after their commit point. */
function finishSwaps(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.log' + SWAP_SUFFIX)) swapIn(path.join(dir, f.slice(0, -SWAP_SUFFIX.length)));
  }
}

function readBatchAt(seg: Segment, pos: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  if (readFully(seg.fd, buf, 0, size, pos) < size) throw new BugError(`${seg.logPath}: short read at ${pos}`);
  return buf;
}

/**
 * The first record of `batch` at or after `from` with a timestamp >= ts, or null. A LogAppendTime
 * batch's records all carry its max timestamp; a batch that cannot be walked answers as a whole.
 */
async function recordReaching(batch: Buffer, ts: number, from: number): Promise<{offset: number; timestamp: number} | null> {
  const base = readInt64(batch, Off.baseOffset);
  const maxTimestamp = readInt64(batch, Off.maxTimestamp);
  const attributes = batch.readInt16BE(Off.attributes);
  const whole = {offset: Math.max(base, from), timestamp: maxTimestamp};
  if (attributes & Attr.logAppendTime) return whole;
  const baseTs = readInt64(batch, Off.baseTimestamp);
  const count = batch.readInt32BE(Off.recordsCount);
  try {
    const codec = compressionOf(attributes);
    const records = codec === Compression.none ? batch.subarray(BATCH_HEADER_SIZE) : await decompress(codec, batch.subarray(BATCH_HEADER_SIZE));
    const r = new Reader(records);
    for (let n = 0; n < count; n++) {
      const len = r.varint();
      const next = r.offset + len;
      r.int8();
      const timestamp = baseTs + r.varlong();
      const offset = base + r.varint();
      if (offset >= from && timestamp >= ts) return {offset, timestamp};
      r.offset = next;
    }
    return null;
  } catch {
    return whole;
  }
}

function readCheckpoint(file: string): number {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}
