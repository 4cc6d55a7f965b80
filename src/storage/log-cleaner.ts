import fs from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import {errorMessage} from '../lib/errors.js';
import {diskIo, writeAll} from '../lib/fs.js';
import {definedOnly} from '../lib/size.js';
import {Attr, BATCH_HEADER_SIZE, type BatchHeader, readBatchHeader} from '../protocol/records/batch.js';
import {deleteHorizonOf, readCleanerBatch, rebuildBatch, type CleanerRecord} from './cleaned-batch.js';
import {OffsetMap} from './offset-map.js';
import {CLEANED_SUFFIX, type PartitionLog} from './partition-log.js';
import {readFully, type Segment} from './segment.js';
import {compacts} from './topic-config.js';

/**
 * Kafka's log cleaner for cleanup.policy=compact topics, one background loop per broker. A pass
 * picks the log with the largest dirty ratio, maps each key of its dirty section (closed
 * segments below the high watermark, past min.compaction.lag.ms) to its latest offset, then
 * rewrites every closed segment up to there keeping only each key's latest record. Tombstones
 * stay delete.retention.ms after the first pass that kept them (KIP-534's delete horizon).
 * Offsets never change: consumers and followers see gaps. The active segment is never touched.
 */

export interface LogCleanerConfig {
  /** log.cleaner.backoff.ms: the pause when no log needs cleaning. */
  backoffMs: number;
  /** log.cleaner.dedupe.buffer.size: memory for a pass's key -> offset map. */
  dedupeBufferSize: number;
  /** log.cleaner.io.max.bytes.per.second: bytes read plus written, throttled. */
  ioMaxBytesPerSecond: number;
  /** log.cleaner.io.buffer.size: the size of each read. */
  ioBufferSize: number;
  log: (line: string) => void;
}

export const DEFAULT_LOG_CLEANER_CONFIG: LogCleanerConfig = {
  backoffMs: 15_000,
  dedupeBufferSize: 128 * 1024 * 1024,
  ioMaxBytesPerSecond: Number.POSITIVE_INFINITY,
  ioBufferSize: 512 * 1024,
  log: (line) => process.stderr.write(`${line}\n`),
};

export interface CleanablePartition {
  /** `<topic>-<partition>`, for messages. */
  name: string;
  log: PartitionLog;
}

export interface CleanResult {
  partition: string;
  /** Segments rewritten (or dropped, when nothing of them was left). */
  segmentsRewritten: number;
  recordsRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
  /** The new cleaner checkpoint. */
  cleanedTo: number;
}

interface SegmentRange {
  segment: Segment;
  endOffset: number;
}

interface Plan {
  part: CleanablePartition;
  /** Closed segments from the first, up to the first that may not be cleaned yet. */
  segments: SegmentRange[];
  firstDirty: number;
  ratio: number;
}

interface Pass {
  now: number;
  map: OffsetMap;
  endOffset: number;
  deleteRetentionMs: number;
  /** Each producer's last batch (its last offset): kept even when emptied, for its sequence. */
  lastBatchOfProducer: Map<number, number>;
  recordsRemoved: number;
  nextHorizon: number;
}

const FULL_DISK = new Set(['ENOSPC', 'EDQUOT']);

/** The log changed under the pass (retention, truncation, deletion): its work is dropped. */
class LogChanged extends Error {}

export class LogCleaner {
  private readonly config: LogCleanerConfig;
  /** The earliest tombstone horizon each log's last pass left: a pass is due then. */
  private readonly horizons = new WeakMap<PartitionLog, number>();
  /** Logs whose cleaning failed; left alone until restart, as Kafka marks them uncleanable. */
  private readonly failed = new WeakSet<PartitionLog>();
  private ioWindowStart = performance.now();
  private ioWindowBytes = 0;
  private running?: Promise<void>;
  private stopped = false;
  private wake?: () => void;

  constructor(
    private readonly partitions: () => Iterable<CleanablePartition>,
    config: Partial<LogCleanerConfig> = {},
  ) {
    this.config = {...DEFAULT_LOG_CLEANER_CONFIG, ...definedOnly(config)};
  }

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  /** One pass over the filthiest log that needs one; undefined when none does. */
  async cleanOnce(now = Date.now()): Promise<CleanResult | undefined> {
    let best: Plan | undefined;
    for (const part of this.partitions()) {
      const plan = this.planFor(part, now);
      if (plan && (!best || plan.ratio > best.ratio)) best = plan;
    }
    if (!best) return undefined;
    try {
      return await this.clean(best, now);
    } catch (err) {
      // A deleted topic or a broker shutting down: nothing to report.
      if (err instanceof LogChanged || best.part.log.isClosed) return undefined;
      if (FULL_DISK.has((err as NodeJS.ErrnoException).code ?? '')) {
        // Each segment is either its old self or a complete cleaned copy; a later pass goes on.
        this.config.log(`log cleaner: ${best.part.name}: ${errorMessage(err)}; trying again in ${this.config.backoffMs} ms`);
        return undefined;
      }
      this.failed.add(best.part.log);
      this.config.log(`log cleaner: ${best.part.name} cannot be compacted and is left as it is until restart: ${errorMessage(err)}`);
      return undefined;
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const result = await this.cleanOnce();
      if (result) {
        this.config.log(
          `log cleaner: compacted ${result.partition} below offset ${result.cleanedTo}: ${result.recordsRemoved} records removed, ${result.bytesBefore} -> ${result.bytesAfter} bytes in ${result.segmentsRewritten} segments`,
        );
      } else if (!this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.config.backoffMs);
          timer.unref();
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** Kafka's LogCleanerManager rules: what may be cleaned, and whether it is worth it now. */
  private planFor(part: CleanablePartition, now: number): Plan | undefined {
    const {log} = part;
    if (log.isClosed || this.failed.has(log) || !compacts(log.topicConfig)) return undefined;
    const config = log.topicConfig;
    const firstDirty = Math.max(log.cleanerCheckpoint, log.logStartOffset);
    const segments: SegmentRange[] = [];
    for (const range of log.closedSegments()) {
      // Beyond the high watermark a follower may still truncate; too young waits for min.compaction.lag.ms.
      if (range.endOffset > log.highWatermark || now - range.segment.largestTimestamp() < config.minCompactionLagMs) break;
      segments.push(range);
    }
    let clean = 0;
    let dirty = 0;
    for (const {segment, endOffset} of segments) {
      if (endOffset <= firstDirty) clean += segment.size;
      else dirty += segment.size;
    }
    const ratio = dirty === 0 ? 0 : dirty / (clean + dirty);
    const firstDirtySegment = segments.find((s) => s.endOffset > firstDirty)?.segment;
    const lagExceeded = firstDirtySegment !== undefined && now - firstBatchTimestamp(firstDirtySegment) > config.maxCompactionLagMs;
    const horizonPassed = (this.horizons.get(log) ?? Number.POSITIVE_INFINITY) <= now;
    if (segments.length === 0 || !(ratio > config.minCleanableDirtyRatio || (dirty > 0 && lagExceeded) || horizonPassed)) return undefined;
    return {part, segments, firstDirty, ratio};
  }

  private async clean(plan: Plan, now: number): Promise<CleanResult> {
    const {log} = plan.part;
    const lastBatchOfProducer = new Map<number, number>();
    let dirtyRecords = 0;
    for (const {segment, endOffset} of plan.segments) {
      for await (const h of this.headers(log, segment)) {
        if (h.producerId >= 0) lastBatchOfProducer.set(h.producerId, h.baseOffset + h.lastOffsetDelta);
        if (endOffset > plan.firstDirty) dirtyRecords += h.recordsCount;
      }
    }
    const map = new OffsetMap(dirtyRecords, this.config.dedupeBufferSize);
    const endOffset = await this.buildOffsetMap(plan, map);
    const pass: Pass = {now, map, endOffset, deleteRetentionMs: log.topicConfig.deleteRetentionMs, lastBatchOfProducer, recordsRemoved: 0, nextHorizon: Number.POSITIVE_INFINITY};
    const result: CleanResult = {partition: plan.part.name, segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0, cleanedTo: endOffset};
    for (const {segment} of plan.segments) {
      if (segment.base >= endOffset) break;
      const first = log.closedSegments()[0]?.segment === segment;
      const before = segment.size;
      const after = await this.cleanSegment(log, segment, pass, first);
      if (after === undefined) continue;
      result.segmentsRewritten++;
      result.bytesBefore += before;
      result.bytesAfter += after;
    }
    log.cleanerCheckpoint = endOffset;
    if (pass.nextHorizon < Number.POSITIVE_INFINITY) this.horizons.set(log, pass.nextHorizon);
    else this.horizons.delete(log);
    result.recordsRemoved = pass.recordsRemoved;
    return result;
  }

  /**
   * Maps the dirty section's keys to their latest offsets; returns where the mapped part ends
   * (the dirty section's end, or the batch the map had no room for).
   */
  private async buildOffsetMap(plan: Plan, map: OffsetMap): Promise<number> {
    const {log} = plan.part;
    for (const {segment, endOffset} of plan.segments) {
      if (endOffset <= plan.firstDirty) continue;
      for await (const {header, bytes} of this.batches(log, segment)) {
        // A transactional record may belong to an aborted transaction: it must not supersede anything.
        if (header.baseOffset + header.lastOffsetDelta < plan.firstDirty || header.attributes & (Attr.control | Attr.transactional)) continue;
        if (header.recordsCount > map.room) {
          if (header.baseOffset <= plan.firstDirty) {
            throw new Error(`log.cleaner.dedupe.buffer.size=${this.config.dedupeBufferSize} has no room for the ${header.recordsCount} keys of the batch at offset ${header.baseOffset}; raise it`);
          }
          return header.baseOffset;
        }
        const batch = await readCleanerBatch(bytes, header);
        for (const rec of batch.records) if (rec.key && rec.offset >= plan.firstDirty) map.put(rec.key, rec.offset);
        await this.throttle(header.size);
      }
    }
    return plan.segments[plan.segments.length - 1].endOffset;
  }

  /**
   * Writes `<segment>.log.cleaned` and swaps it in; returns its size, or undefined when nothing
   * changed (the segment is left as it is).
   */
  private async cleanSegment(log: PartitionLog, segment: Segment, pass: Pass, first: boolean): Promise<number | undefined> {
    const tmp = segment.logPath + CLEANED_SUFFIX;
    const fd = fs.openSync(tmp, 'w');
    let open = true;
    try {
      let size = 0;
      let changed = false;
      for await (const {header, bytes} of this.batches(log, segment)) {
        const out = await this.cleanBatch(header, bytes, pass);
        if (out !== bytes) changed = true;
        if (out) {
          writeAll(fd, out, size);
          size += out.length;
        }
        await this.throttle(header.size + (out?.length ?? 0));
      }
      if (!changed) return undefined;
      diskIo.fsync(fd);
      fs.closeSync(fd);
      open = false;
      // A segment left empty goes, unless it is the first: it holds the log start.
      const dropped = size === 0 && !first;
      if (!log.replaceSegment(segment, dropped ? null : tmp)) throw new LogChanged();
      return size;
    } finally {
      if (open) fs.closeSync(fd);
      fs.rmSync(tmp, {force: true});
    }
  }

  /** The batch as the pass keeps it: the same bytes, a rebuilt batch, or null when it goes. */
  private async cleanBatch(header: BatchHeader, bytes: Buffer, pass: Pass): Promise<Buffer | null> {
    const last = header.baseOffset + header.lastOffsetDelta;
    // Past the mapped part nothing is known yet. Transactional batches and their markers stay as
    // they are: which of them were aborted is not known here (Kafka's cleaner drops aborted ones).
    if (last >= pass.endOffset || header.attributes & (Attr.control | Attr.transactional)) return bytes;
    const batch = await readCleanerBatch(bytes, header);
    const horizon = deleteHorizonOf(header);
    const kept: CleanerRecord[] = [];
    let tombstones = false;
    for (const rec of batch.records) {
      // A compacted topic's records need a key; Kafka's cleaner drops those without one too.
      if (!rec.key || pass.map.get(rec.key) > rec.offset) continue;
      if (rec.tombstone) {
        if (horizon !== undefined && pass.now >= horizon) continue;
        tombstones = true;
      }
      kept.push(rec);
    }
    pass.recordsRemoved += batch.records.length - kept.length;
    const newHorizon = tombstones && horizon === undefined ? pass.now + pass.deleteRetentionMs : horizon;
    if (tombstones) pass.nextHorizon = Math.min(pass.nextHorizon, newHorizon!);
    if (kept.length === batch.records.length && newHorizon === horizon) return bytes;
    if (kept.length === 0 && pass.lastBatchOfProducer.get(header.producerId) !== last) return null;
    return rebuildBatch(batch, kept, newHorizon);
  }

  /** Whole batches of a closed segment, read in ioBufferSize chunks. */
  private async *batches(log: PartitionLog, segment: Segment): AsyncGenerator<{header: BatchHeader; bytes: Buffer}> {
    let pos = 0;
    while (pos + BATCH_HEADER_SIZE <= segment.size) {
      const chunk = this.read(log, segment, pos, Math.min(this.config.ioBufferSize, segment.size - pos));
      let at = 0;
      while (at + BATCH_HEADER_SIZE <= chunk.length) {
        const header = readBatchHeader(chunk, at);
        if (header.size < BATCH_HEADER_SIZE) throw new Error(`${segment.logPath}: invalid batch length at position ${pos + at}`);
        if (at + header.size > chunk.length) break;
        yield {header, bytes: chunk.subarray(at, at + header.size)};
        at += header.size;
      }
      if (at === 0) {
        // One batch larger than a read.
        const header = readBatchHeader(chunk, 0);
        if (header.size < BATCH_HEADER_SIZE || pos + header.size > segment.size) throw new Error(`${segment.logPath}: invalid batch length at position ${pos}`);
        yield {header, bytes: this.read(log, segment, pos, header.size)};
        at = header.size;
      }
      pos += at;
    }
  }

  /** Batch headers only: each read serves the headers within it, and skips large batches' bodies. */
  private async *headers(log: PartitionLog, segment: Segment): AsyncGenerator<BatchHeader> {
    for (let pos = 0; pos + BATCH_HEADER_SIZE <= segment.size; ) {
      const chunk = this.read(log, segment, pos, Math.min(this.config.ioBufferSize, segment.size - pos));
      let at = 0;
      while (at + BATCH_HEADER_SIZE <= chunk.length) {
        const h = readBatchHeader(chunk, at);
        if (h.size < BATCH_HEADER_SIZE) throw new Error(`${segment.logPath}: invalid batch length at position ${pos + at}`);
        yield h;
        at += h.size;
      }
      pos += at;
      await this.throttle(chunk.length);
    }
  }

  /** Reads from a segment only while the log still holds it: a removed segment's fd may be reused. */
  private read(log: PartitionLog, segment: Segment, pos: number, len: number): Buffer {
    if (!log.holdsClosed(segment)) throw new LogChanged();
    const buf = Buffer.allocUnsafe(len);
    if (readFully(segment.fd, buf, 0, len, pos) !== len) throw new Error(`${segment.logPath}: short read at position ${pos}`);
    return buf;
  }

  /** Keeps to log.cleaner.io.max.bytes.per.second, and lets produce and fetch run in between. */
  private async throttle(bytes: number): Promise<void> {
    const rate = this.config.ioMaxBytesPerSecond;
    if (Number.isFinite(rate)) {
      this.ioWindowBytes += bytes;
      const elapsed = performance.now() - this.ioWindowStart;
      const ahead = (this.ioWindowBytes / rate) * 1000 - elapsed;
      if (ahead > 0) await sleep(ahead);
      if (elapsed > 1000) {
        this.ioWindowStart = performance.now();
        this.ioWindowBytes = 0;
      }
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The max timestamp of a segment's first batch (Kafka's rule for max.compaction.lag.ms). */
function firstBatchTimestamp(segment: Segment): number {
  if (segment.size < BATCH_HEADER_SIZE) return Number.POSITIVE_INFINITY;
  const h = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
  readFully(segment.fd, h, 0, BATCH_HEADER_SIZE, 0);
  const ts = readBatchHeader(h).maxTimestamp;
  return ts >= 0 ? ts : segment.largestTimestamp();
}
