import fs from 'node:fs';
import path from 'node:path';
import {appendWhole} from '../lib/fs.js';
import {BATCH_HEADER_SIZE, batchCrcValid, LOG_OVERHEAD, Off} from '../protocol/records/batch.js';

/**
 * One log segment in Kafka's layout: `<base>.log` holds batches back to back, `<base>.index` maps
 * (lastOffset - base: int32, file position: int32) and `<base>.timeindex` maps
 * (max timestamp so far: int64, lastOffset - base: int32), both sparse, both big-endian.
 * Entries follow Kafka's LogSegment.append so the files read the same way Kafka reads them.
 */

export const INDEX_ENTRY_SIZE = 8;
export const TIME_INDEX_ENTRY_SIZE = 12;
export const DEFAULT_INDEX_INTERVAL_BYTES = 4096;
const RECOVERY_CHUNK = 1 << 20;

export function segmentFileName(base: number, ext: string): string {
  return `${String(base).padStart(20, '0')}${ext}`;
}

export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

/** readSync until `len` bytes or end of file; returns the count read. */
export function readFully(fd: number, buf: Buffer, off: number, len: number, pos: number): number {
  let done = 0;
  while (done < len) {
    const n = fs.readSync(fd, buf, off + done, len - done, pos + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Growable (relative offset, position) pairs; typed arrays keep a 1 GB segment's index small. */
export class OffsetIndex {
  rel = new Int32Array(64);
  pos = new Int32Array(64);
  length = 0;

  push(rel: number, pos: number): void {
    if (this.length === this.rel.length) {
      this.rel = grow(this.rel);
      this.pos = grow(this.pos);
    }
    this.rel[this.length] = rel;
    this.pos[this.length++] = pos;
  }

  /** Index of the last entry with rel <= target, or -1. */
  floor(target: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid] <= target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

export class TimeIndex {
  ts = new Float64Array(64);
  rel = new Int32Array(64);
  length = 0;

  get lastTs(): number {
    return this.length > 0 ? this.ts[this.length - 1] : -1;
  }

  push(ts: number, rel: number): void {
    if (this.length === this.ts.length) {
      const ts2 = new Float64Array(this.ts.length * 2);
      ts2.set(this.ts);
      this.ts = ts2;
      this.rel = grow(this.rel);
    }
    this.ts[this.length] = ts;
    this.rel[this.length++] = rel;
  }

  /** Index of the last entry with ts < target, or -1. */
  lastBelow(target: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid] < target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

const entryScratch = Buffer.alloc(TIME_INDEX_ENTRY_SIZE);

/** Serves header-sized and batch-sized reads from one chunk so a scan costs few syscalls. */
class ChunkReader {
  private readonly buf: Buffer;
  private start = 0;
  private len = 0;

  constructor(private readonly fd: number, private readonly fileSize: number, chunk: number) {
    this.buf = Buffer.allocUnsafe(chunk);
  }

  /** file[pos, pos + n) as [buffer, index of pos]; the caller keeps pos + n <= fileSize. */
  get(pos: number, n: number): [Buffer, number] {
    if (pos >= this.start && pos + n <= this.start + this.len) return [this.buf, pos - this.start];
    if (n > this.buf.length) {
      const b = Buffer.allocUnsafe(n);
      readFully(this.fd, b, 0, n, pos);
      return [b, 0];
    }
    this.start = pos;
    this.len = readFully(this.fd, this.buf, 0, Math.min(this.buf.length, this.fileSize - pos), pos);
    return [this.buf, 0];
  }
}

export class Segment {
  readonly logPath: string;
  readonly indexPath: string;
  readonly timeIndexPath: string;
  /** Bytes of valid batches; the file is never read past this. */
  size = 0;
  readonly index = new OffsetIndex();
  readonly time = new TimeIndex();
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  /** Next offset after the last batch; authoritative for the active segment only. */
  nextOffset: number;
  /** Kafka's rollingBasedTimestamp: the first batch's max timestamp, -1 if unknown. */
  rollBaseTimestamp = -1;
  readonly createdAt = Date.now();
  private bytesSinceIndex = 0;
  private indexFd = -1;
  private timeFd = -1;

  private constructor(
    readonly dir: string,
    readonly base: number,
    readonly fd: number,
    private readonly interval: number,
  ) {
    this.logPath = path.join(dir, segmentFileName(base, '.log'));
    this.indexPath = path.join(dir, segmentFileName(base, '.index'));
    this.timeIndexPath = path.join(dir, segmentFileName(base, '.timeindex'));
    this.nextOffset = base;
  }

  static create(dir: string, base: number, interval: number): Segment {
    const fd = fs.openSync(path.join(dir, segmentFileName(base, '.log')), 'w+');
    const seg = new Segment(dir, base, fd, interval);
    seg.indexFd = fs.openSync(seg.indexPath, 'w+');
    seg.timeFd = fs.openSync(seg.timeIndexPath, 'w+');
    return seg;
  }

  /**
   * Opens an existing segment. The last one is recovered: batches after its last index entry are
   * re-verified (size, CRC32C, offset continuity) and a torn or corrupt tail is cut off, which is
   * what makes kill -9 during an append safe. Older segments were sealed by a roll and are trusted
   * unless their index files are missing or inconsistent.
   */
  static open(dir: string, base: number, interval: number, isLast: boolean): Segment {
    const fd = fs.openSync(path.join(dir, segmentFileName(base, '.log')), 'r+');
    const seg = new Segment(dir, base, fd, interval);
    seg.size = fs.fstatSync(fd).size;
    const intact = seg.loadIndexes();
    seg.openIndexes();
    if (isLast) {
      seg.recover(seg.index.length - 1);
      seg.readRollBase();
    } else {
      if (!intact || (seg.size > 0 && seg.time.length === 0)) seg.recover(-1);
      // seal, not just close: a rebuilt index gets its closing time entry (the segment's max).
      seg.seal();
    }
    return seg;
  }

  /**
   * Writes one batch at the end, with its index entries, whole or not at all: when any write
   * fails (a full disk), the log, both indexes and every counter are put back as they were, so a
   * retry lands where this batch would have and nothing half-written is ever read.
   * The bytes are in the page cache when this returns.
   */
  append(batch: Buffer, lastOffset: number, maxTimestamp: number): void {
    const before = this.mark();
    try {
      appendWhole(this.fd, batch, before.size);
      this.size = before.size + batch.length;
      this.track(before.size, batch.length, lastOffset, maxTimestamp, true);
    } catch (err) {
      this.rollBack(before);
      throw err;
    }
  }

  private mark() {
    const {size, maxTimestamp, offsetOfMaxTimestamp, nextOffset, rollBaseTimestamp, bytesSinceIndex} = this;
    return {size, maxTimestamp, offsetOfMaxTimestamp, nextOffset, rollBaseTimestamp, bytesSinceIndex, indexLength: this.index.length, timeLength: this.time.length};
  }

  private rollBack(m: ReturnType<Segment['mark']>): void {
    this.size = m.size;
    this.maxTimestamp = m.maxTimestamp;
    this.offsetOfMaxTimestamp = m.offsetOfMaxTimestamp;
    this.nextOffset = m.nextOffset;
    this.rollBaseTimestamp = m.rollBaseTimestamp;
    this.bytesSinceIndex = m.bytesSinceIndex;
    this.index.length = m.indexLength;
    this.time.length = m.timeLength;
    try {
      fs.ftruncateSync(this.fd, m.size);
      fs.ftruncateSync(this.indexFd, m.indexLength * INDEX_ENTRY_SIZE);
      fs.ftruncateSync(this.timeFd, m.timeLength * TIME_INDEX_ENTRY_SIZE);
    } catch {
      // Shrinking needs no space; should it fail anyway, recovery at the next open cuts the tail.
    }
  }

  /** Index bookkeeping shared by append and recovery, in Kafka's order and with its rules. */
  private track(pos: number, size: number, lastOffset: number, maxTs: number, persist: boolean): void {
    if (maxTs > this.maxTimestamp) {
      this.maxTimestamp = maxTs;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceIndex > this.interval) {
      // Time entry before offset entry: recovery relies on a time entry never lagging the offset
      // entry written with it (see recover()).
      if (this.maxTimestamp > this.time.lastTs) {
        this.time.push(this.maxTimestamp, this.offsetOfMaxTimestamp - this.base);
        if (persist) this.writeTimeEntry(this.time.length - 1);
      }
      this.index.push(lastOffset - this.base, pos);
      if (persist) this.writeIndexEntry(this.index.length - 1);
      this.bytesSinceIndex = 0;
    }
    this.bytesSinceIndex += size;
    if (pos === 0) this.rollBaseTimestamp = maxTs;
    this.nextOffset = lastOffset + 1;
  }

  private writeIndexEntry(i: number): void {
    entryScratch.writeInt32BE(this.index.rel[i], 0);
    entryScratch.writeInt32BE(this.index.pos[i], 4);
    appendWhole(this.indexFd, entryScratch.subarray(0, INDEX_ENTRY_SIZE), i * INDEX_ENTRY_SIZE);
  }

  private writeTimeEntry(i: number): void {
    const ts = this.time.ts[i];
    entryScratch.writeInt32BE(Math.floor(ts / 0x1_0000_0000), 0);
    entryScratch.writeUInt32BE(ts >>> 0, 4);
    entryScratch.writeInt32BE(this.time.rel[i], 8);
    appendWhole(this.timeFd, entryScratch, i * TIME_INDEX_ENTRY_SIZE);
  }

  /**
   * Loads the longest consistent prefix of both index files into memory. Returns false when a file
   * is missing or had to be cut, i.e. when the index cannot be trusted for a sealed segment.
   */
  private loadIndexes(): boolean {
    let intact = true;
    const idx = readIfExists(this.indexPath);
    if (!idx) intact = false;
    else {
      const n = Math.floor(idx.length / INDEX_ENTRY_SIZE);
      for (let i = 0; i < n; i++) {
        const rel = idx.readInt32BE(i * INDEX_ENTRY_SIZE);
        const pos = idx.readInt32BE(i * INDEX_ENTRY_SIZE + 4);
        const prev = this.index.length - 1;
        if (rel < 0 || pos < 0 || pos >= this.size || (prev >= 0 && (rel <= this.index.rel[prev] || pos <= this.index.pos[prev]))) break;
        this.index.push(rel, pos);
      }
      if (this.index.length * INDEX_ENTRY_SIZE !== idx.length) intact = false;
    }
    const tix = readIfExists(this.timeIndexPath);
    if (!tix) intact = false;
    else {
      const n = Math.floor(tix.length / TIME_INDEX_ENTRY_SIZE);
      for (let i = 0; i < n; i++) {
        const ts = readInt64(tix, i * TIME_INDEX_ENTRY_SIZE);
        const rel = tix.readInt32BE(i * TIME_INDEX_ENTRY_SIZE + 8);
        const prev = this.time.length - 1;
        if (rel < 0 || ts < 0 || (prev >= 0 && (ts <= this.time.ts[prev] || rel <= this.time.rel[prev]))) break;
        this.time.push(ts, rel);
      }
      if (this.time.length * TIME_INDEX_ENTRY_SIZE !== tix.length) intact = false;
    }
    if (this.time.length > 0) {
      this.maxTimestamp = this.time.lastTs;
      this.offsetOfMaxTimestamp = this.base + this.time.rel[this.time.length - 1];
    }
    return intact;
  }

  /**
   * Re-verifies the log from offset-index entry `fromEntry` (or the start of the file when it is
   * -1 or its batch does not check out), truncates the first torn or corrupt batch and everything
   * after it, and rebuilds the index entries past the starting point.
   *
   * Why starting mid-file gives the right max timestamp: the time entry written together with
   * offset entry i holds the max over all batches up to and including batch i. It is either kept
   * (its offset is below batch i) or dropped and re-derived by rescanning batch i, so the prefix
   * that is not rescanned can never hide a larger timestamp.
   */
  recover(fromEntry: number): void {
    const fileSize = fs.fstatSync(this.fd).size;
    const reader = new ChunkReader(this.fd, fileSize, Math.min(RECOVERY_CHUNK, Math.max(fileSize, BATCH_HEADER_SIZE)));
    let start = 0;
    let expected = this.base;
    let keepIndex = 0;
    if (fromEntry >= 0) {
      const pos = this.index.pos[fromEntry];
      const b = verifiedBatchAt(reader, pos, fileSize);
      if (b && b.lastOffset - this.base === this.index.rel[fromEntry]) {
        start = pos;
        expected = b.baseOffset;
        keepIndex = fromEntry;
      }
    }
    this.index.length = keepIndex;
    let keepTime = this.time.length;
    while (keepTime > 0 && this.base + this.time.rel[keepTime - 1] >= expected) keepTime--;
    this.time.length = keepTime;
    this.maxTimestamp = keepTime > 0 ? this.time.ts[keepTime - 1] : -1;
    this.offsetOfMaxTimestamp = keepTime > 0 ? this.base + this.time.rel[keepTime - 1] : -1;
    // The batch at `start` carried entry `keepIndex`; make the rescan write it again.
    this.bytesSinceIndex = start === 0 ? 0 : this.interval + 1;
    this.nextOffset = expected;

    let pos = start;
    let problem = '';
    while (pos < fileSize) {
      if (fileSize - pos < BATCH_HEADER_SIZE) {
        problem = 'a partial batch header';
        break;
      }
      let [buf, at] = reader.get(pos, BATCH_HEADER_SIZE);
      const size = buf.readInt32BE(at + Off.batchLength) + LOG_OVERHEAD;
      const baseOffset = readInt64(buf, at + Off.baseOffset);
      const lastDelta = buf.readInt32BE(at + Off.lastOffsetDelta);
      // Offsets only grow; a compacted segment has gaps between batches.
      if (size < BATCH_HEADER_SIZE || buf[at + Off.magic] !== 2 || lastDelta < 0 || baseOffset < expected) {
        problem = 'an invalid batch header';
        break;
      }
      if (pos + size > fileSize) {
        problem = 'a partial batch';
        break;
      }
      [buf, at] = reader.get(pos, size);
      if (!batchCrcValid(buf.subarray(at, at + size))) {
        problem = 'a CRC mismatch';
        break;
      }
      this.track(pos, size, baseOffset + lastDelta, readInt64(buf, at + Off.maxTimestamp), false);
      expected = baseOffset + lastDelta + 1;
      pos += size;
    }
    if (pos < fileSize) {
      fs.ftruncateSync(this.fd, pos);
      process.stderr.write(
        `kcollect: warning: ${this.logPath}: truncated ${fileSize - pos} bytes at position ${pos} ` +
          `(${problem}; next offset ${expected}), left by an interrupted write or a corrupt disk\n`,
      );
    }
    this.size = pos;
    this.rewriteIndexes(keepIndex, keepTime);
  }

  /** Makes the files match memory: cut to the kept entries, then write the rebuilt ones. */
  private rewriteIndexes(keptIndex: number, keptTime: number): void {
    fs.ftruncateSync(this.timeFd, keptTime * TIME_INDEX_ENTRY_SIZE);
    for (let i = keptTime; i < this.time.length; i++) this.writeTimeEntry(i);
    fs.ftruncateSync(this.indexFd, keptIndex * INDEX_ENTRY_SIZE);
    for (let i = keptIndex; i < this.index.length; i++) this.writeIndexEntry(i);
  }

  /** Drops every batch from the one containing `offset` onwards (batch granularity). */
  truncateTo(offset: number): void {
    const pos = this.positionOf(offset);
    if (pos >= this.size) return;
    fs.ftruncateSync(this.fd, pos);
    this.size = pos;
    let e = this.index.length - 1;
    while (e >= 0 && this.index.pos[e] >= pos) e--;
    this.recover(e);
    if (pos === 0) this.rollBaseTimestamp = -1;
  }

  /**
   * Makes a sealed segment writable again (after truncation removed the newer ones): a segment
   * loaded as sealed never computed its end offset or roll base.
   */
  reactivate(): void {
    this.openIndexes();
    this.recover(this.index.length - 1);
    this.readRollBase();
  }

  /** File position of the first batch whose last offset is >= offset, or `size` if none. */
  positionOf(offset: number): number {
    const e = this.index.floor(offset - this.base);
    let pos = e >= 0 ? this.index.pos[e] : 0;
    const h = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    while (pos + BATCH_HEADER_SIZE <= this.size) {
      readFully(this.fd, h, 0, BATCH_HEADER_SIZE, pos);
      if (readInt64(h, Off.baseOffset) + h.readInt32BE(Off.lastOffsetDelta) >= offset) return pos;
      pos += h.readInt32BE(Off.batchLength) + LOG_OVERHEAD;
    }
    return this.size;
  }

  private readRollBase(): void {
    if (this.size < BATCH_HEADER_SIZE) return;
    const h = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    readFully(this.fd, h, 0, BATCH_HEADER_SIZE, 0);
    this.rollBaseTimestamp = readInt64(h, Off.maxTimestamp);
  }

  openIndexes(): void {
    if (this.indexFd >= 0) return;
    const flags = fs.constants.O_RDWR | fs.constants.O_CREAT;
    this.indexFd = fs.openSync(this.indexPath, flags);
    this.timeFd = fs.openSync(this.timeIndexPath, flags);
  }

  /**
   * Writes Kafka's closing time-index entry (the segment's final max timestamp) and releases the
   * index files: after a roll only the log file is needed, for reads.
   */
  seal(): void {
    if (this.indexFd < 0) return;
    if (this.maxTimestamp > this.time.lastTs) {
      this.time.push(this.maxTimestamp, this.offsetOfMaxTimestamp - this.base);
      try {
        this.writeTimeEntry(this.time.length - 1);
      } catch (err) {
        // Still the active segment: the roll is retried with the next append.
        this.time.length--;
        throw err;
      }
    }
    this.closeIndexes();
  }

  private closeIndexes(): void {
    if (this.indexFd < 0) return;
    fs.closeSync(this.indexFd);
    fs.closeSync(this.timeFd);
    this.indexFd = this.timeFd = -1;
  }

  sync(): void {
    fs.fdatasyncSync(this.fd);
    if (this.indexFd >= 0) {
      fs.fdatasyncSync(this.indexFd);
      fs.fdatasyncSync(this.timeFd);
    }
  }

  close(): void {
    this.seal();
    fs.closeSync(this.fd);
  }

  /** Log file first: a crash in between leaves orphan indexes, which open() removes. */
  remove(): void {
    this.closeIndexes();
    fs.closeSync(this.fd);
    for (const p of [this.logPath, this.indexPath, this.timeIndexPath]) fs.rmSync(p, {force: true});
  }

  /** For retention: Kafka falls back to the file's mtime when no batch carried a timestamp. */
  largestTimestamp(): number {
    return this.maxTimestamp >= 0 ? this.maxTimestamp : fs.fstatSync(this.fd).mtimeMs;
  }
}

function readIfExists(p: string): Buffer | undefined {
  try {
    return fs.readFileSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function verifiedBatchAt(reader: ChunkReader, pos: number, fileSize: number): {baseOffset: number; lastOffset: number} | undefined {
  if (pos + BATCH_HEADER_SIZE > fileSize) return undefined;
  let [buf, at] = reader.get(pos, BATCH_HEADER_SIZE);
  const size = buf.readInt32BE(at + Off.batchLength) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE || buf[at + Off.magic] !== 2 || pos + size > fileSize) return undefined;
  [buf, at] = reader.get(pos, size);
  if (!batchCrcValid(buf.subarray(at, at + size))) return undefined;
  const baseOffset = readInt64(buf, at + Off.baseOffset);
  return {baseOffset, lastOffset: baseOffset + buf.readInt32BE(at + Off.lastOffsetDelta)};
}
