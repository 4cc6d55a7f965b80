/**
 * Writes event bodies, one per line, into rolling files the way Flume's HDFS sink does: the
 * directory comes from a path with escapes (path-escapes.ts), a file is written under an in-use
 * name (default suffix .tmp) and renamed when it rolls (by size, count, age or idle time) or the
 * sink closes. A drained event's file is named after where it starts in Kafka:
 * `<prefix><topic>-<partition>-<first offset, 20 digits><suffix>`, so a replay of the same range
 * with the same roll settings writes the same files again instead of adding copies. Size and
 * count rolls depend only on the records; age and idle rolls depend on when records arrive, so a
 * file written again ends where the one already there did (nextOnDisk). A group drain commits a
 * partition at its files' boundaries (committable).
 */
import fs from 'node:fs';
import path from 'node:path';
import {errorMessage, UserError} from '../lib/errors.js';
import {diskIo, fsyncDir, writeAll} from '../lib/fs.js';
import {bodyLength, copyBody, type Event} from '../pipeline/event.js';
import {SinkDataError, SinkUnavailableError, type RejectedEvent, type Sink} from '../pipeline/sink.js';
import {PathEscapeError, compilePathEscapes, type TimeFrom} from './path-escapes.js';

export interface FileRollOptions {
  /** Directory template (hdfs.path): escapes allowed. */
  dir: string;
  /** Start of every file name; escapes allowed (hdfs.filePrefix). */
  filePrefix?: string;
  fileSuffix?: string;
  inUsePrefix?: string;
  inUseSuffix?: string;
  /** Roll once a file holds this many bytes; 0: never. */
  rollSize?: number;
  /** Roll once a file holds this many events; 0: never. */
  rollCount?: number;
  /** Roll a file this long after it was opened; 0: never. */
  rollIntervalMs?: number;
  /** Close a file nothing was written to for this long; 0: never. */
  idleTimeoutMs?: number;
  /** Where the time of the path's date escapes comes from (see path-escapes). */
  timeFrom?: TimeFrom;
  /**
   * A file of the same name already there is an error instead of being written again: for a
   * replay of part of a range (one key, an end), whose file would hold fewer records than the
   * one it replaced.
   */
  keepExisting?: boolean;
  name?: string;
}

export const FILE_ROLL_DEFAULTS = {filePrefix: '', fileSuffix: '.log', inUsePrefix: '', inUseSuffix: '.tmp', rollSize: 64 * 1024 * 1024, rollCount: 0, rollIntervalMs: 0, idleTimeoutMs: 30_000, timeFrom: 'record' as TimeFrom, keepExisting: false};

/** Errors of the disk rather than of the records: worth waiting for (space freed, disk back). */
const TRANSIENT = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE']);

interface OpenFile {
  dir: string;
  finalName: string;
  inUseName: string;
  fd: number;
  bytes: number;
  count: number;
  openedAt: number;
  lastWriteAt: number;
  /** A drained partition's file: the offsets of its first and last records. */
  kafka?: {
    topic: string;
    partition: number;
    first: number;
    last: number;
    /**
     * The first offset of the bucket's next file on disk (closed, or left in use by a killed
     * drain): a file written again ends before it, where it ended the first time.
     */
    until?: number;
    /**
     * A file of the partition closed holding records from before and after this one's first
     * (escapes spread one partition's records over several directories or prefixes): started
     * again at this file's start, a drain would write part of that closed file again into a new
     * one (see committable).
     */
    overtaken: boolean;
  };
}

export class FileRollSink implements Sink {
  readonly type = 'file';
  readonly name: string;
  private readonly options: Required<Omit<FileRollOptions, 'name'>>;
  private readonly dirOf: (e: Event) => string;
  private readonly prefixOf: (e: Event) => string;
  /** Open files by bucket: directory, prefix and Kafka partition. */
  private readonly open = new Map<string, OpenFile>();
  /** Files opened and not closed yet: the open ones, and those a batch rolled and closes once it is on disk. */
  private readonly unfinished = new Set<OpenFile>();
  /** Directories already searched for files a crash left in use. */
  private readonly recovered = new Set<string>();
  /**
   * Per bucket (directory and file-name start of a drained partition), the first offsets of its
   * files on disk when it was first opened, highest first; listed again once a drain gave its
   * partitions up (it may then start again before its own files).
   */
  private readonly onDisk = new Map<string, number[]>();
  private timer?: NodeJS.Timeout;
  private lock: Promise<unknown> = Promise.resolve();
  private sequence = 0;

  constructor(options: FileRollOptions) {
    this.options = {...FILE_ROLL_DEFAULTS, ...options};
    this.name = options.name ?? `file:${options.dir}`;
    this.dirOf = compilePathEscapes(options.dir, this.options.timeFrom);
    this.prefixOf = compilePathEscapes(this.options.filePrefix, this.options.timeFrom);
  }

  async start(): Promise<void> {
    const {rollIntervalMs, idleTimeoutMs} = this.options;
    const every = Math.min(...[rollIntervalMs, idleTimeoutMs].filter((ms) => ms > 0));
    if (Number.isFinite(every)) {
      this.timer = setInterval(() => void this.serialized(() => this.rollExpired()).catch(() => undefined), Math.max(100, Math.min(every / 4, 1000)));
      this.timer.unref();
    }
  }

  write(events: readonly Event[]): Promise<void> {
    return this.serialized(() => this.writeNow(events));
  }

  /**
   * A drain killed while it wrote a file left it under its in-use name, holding records past the
   * committed offset: resuming at that file's first offset (when it is not past the committed
   * one) writes the file again whole under the same name, where resuming at the committed offset
   * would write its uncommitted tail a second time. Only a directory and prefix without escapes
   * can be searched (an escape needs a record to expand).
   */
  resumeFrom(topic: string, partition: number, committed: number): number {
    const {dir, filePrefix, inUsePrefix, inUseSuffix, fileSuffix} = this.options;
    if (dir.includes('%') || filePrefix.includes('%') || inUsePrefix + inUseSuffix === '') return committed;
    const start = inUsePrefix + partitionStem(filePrefix, topic, partition);
    const end = fileSuffix + inUseSuffix;
    // A file this sink has open is its own, not a killed predecessor's.
    const mine = new Set([...this.open.values()].map((f) => f.inUseName));
    let from = committed;
    for (const name of listDir(dir)) {
      const first = mine.has(name) ? undefined : firstOffsetIn(name, start, end);
      if (first !== undefined) from = Math.min(from, first);
    }
    return from;
  }

  /**
   * A drained partition is committed at its files' boundaries, as Kafka Connect's HDFS and S3
   * sinks do: up to the first offset of its in-use file, or all that was confirmed when none is
   * open. Everything before is in closed files, and a drain killed at any moment starts again at
   * the in-use file's start and writes that file again whole under its name (resumeFrom), and
   * any later file already there as it was (nextOnDisk); where the commit followed the writes
   * instead, a file that rolled before its records' commit held records the next drain wrote
   * again into a new file. Where escapes spread a partition over several directories or prefixes,
   * a closed file may hold records from both sides of the oldest in-use file's start: then no
   * offset splits closed from in-use files, and the commit follows the writes.
   */
  committable(topic: string, partition: number, confirmed: number): number {
    let oldest: OpenFile['kafka'];
    for (const {kafka} of this.unfinished) if (kafka && kafka.topic === topic && kafka.partition === partition && (!oldest || kafka.first < oldest.first)) oldest = kafka;
    return !oldest || oldest.overtaken ? confirmed : Math.min(oldest.first, confirmed);
  }

  /** Closes the partitions' in-use files (a drain stops writing them): their commit reaches all that was written. */
  closePartitions(topic: string, partitions: readonly number[]): Promise<void> {
    return this.serialized(async () => {
      for (const file of [...this.open.values()]) if (file.kafka?.topic === topic && partitions.includes(file.kafka.partition)) this.closeFile(file);
      this.onDisk.clear();
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.serialized(async () => {
      for (const file of [...this.open.values()]) this.closeFile(file);
    });
  }

  /** One write or roll at a time: timers and batches never touch a file together. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  private async writeNow(events: readonly Event[]): Promise<void> {
    const rejected: RejectedEvent[] = [];
    // This batch's lines per file, written with one call per file once the batch is gathered.
    const touched = new Map<OpenFile, {bytesBefore: number; countBefore: number; lastBefore?: number; events: Event[]}>();
    // Files that filled up: closed only once the whole batch is on disk, so a failed batch can
    // be taken back from every file it touched (a closed file would keep its part: duplicates).
    const rolled: Array<{key: string; file: OpenFile}> = [];
    const openedHere = new Set<OpenFile>();
    // The bucket of the event before: a drained batch is one partition's, so its key is made once.
    let last: {dir: string; prefix: string; topic?: string; partition?: number; key: string} | undefined;
    try {
      events.forEach((event, index) => {
        let dir: string;
        let prefix: string;
        try {
          dir = this.dirOf(event);
          prefix = this.prefixOf(event);
        } catch (err) {
          if (!(err instanceof PathEscapeError)) throw err;
          rejected.push({index, reason: err.message});
          return;
        }
        const topic = event.kafka?.topic;
        const partition = event.kafka?.partition;
        if (!last || last.dir !== dir || last.prefix !== prefix || last.topic !== topic || last.partition !== partition) {
          last = {dir, prefix, topic, partition, key: `${dir}\0${prefix}\0${event.kafka ? `${topic}\0${partition}` : ''}`};
        }
        const key = last.key;
        let file = this.open.get(key);
        if (file && (this.full(file) || (file.kafka?.until !== undefined && event.kafka!.offset >= file.kafka.until))) {
          rolled.push({key, file});
          this.open.delete(key);
          file = undefined;
        }
        if (!file) {
          file = this.openFile(key, dir, prefix, event);
          openedHere.add(file);
        }
        let t = touched.get(file);
        if (!t) touched.set(file, (t = {bytesBefore: file.bytes, countBefore: file.count, lastBefore: file.kafka?.last, events: []}));
        t.events.push(event);
        file.bytes += bodyLength(event) + 1;
        file.count++;
        if (file.kafka) file.kafka.last = event.kafka!.offset;
      });
      // The write is confirmed once it is on disk: only then may the drain commit it. Each file
      // gets the batch's lines at the batch's own place, so nothing a failed try left is kept.
      const now = Date.now();
      for (const [file, t] of touched) {
        writeAll(file.fd, joinLines(t.events, file.bytes - t.bytesBefore), t.bytesBefore);
        file.lastWriteAt = now;
      }
      // Every flush settles before a failure is handled: the take-back may close these files.
      const flushed = await Promise.allSettled([...touched.keys()].map((file) => diskIo.datasync(file.fd)));
      for (const f of flushed) if (f.status === 'rejected') throw f.reason;
    } catch (err) {
      this.takeBack(touched, rolled, openedHere);
      const code = (err as NodeJS.ErrnoException).code;
      if (code && TRANSIENT.has(code)) throw new SinkUnavailableError(`cannot write files under ${this.options.dir}: ${errorMessage(err)}`, {cause: err});
      throw err;
    }
    for (const {file} of rolled) this.closeFile(file);
    if (rejected.length > 0) throw new SinkDataError(rejected);
  }

  /**
   * Undoes a failed batch: files it opened go, files it rolled are open again, and every other
   * file it touched is cut back to where the batch began, so the retry writes each line once.
   */
  private takeBack(touched: Map<OpenFile, {bytesBefore: number; countBefore: number; lastBefore?: number}>, rolled: Array<{key: string; file: OpenFile}>, openedHere: Set<OpenFile>): void {
    for (const file of openedHere) {
      for (const [key, open] of this.open) if (open === file) this.open.delete(key);
      this.unfinished.delete(file);
      try {
        fs.closeSync(file.fd);
        fs.rmSync(path.join(file.dir, file.inUseName), {force: true});
      } catch {
        // The retry opens (and truncates) the same name again.
      }
    }
    for (const {key, file} of rolled) if (!openedHere.has(file)) this.open.set(key, file);
    for (const [file, t] of touched) {
      if (openedHere.has(file)) continue;
      try {
        fs.ftruncateSync(file.fd, t.bytesBefore);
        file.bytes = t.bytesBefore;
        file.count = t.countBefore;
        if (file.kafka && t.lastBefore !== undefined) file.kafka.last = t.lastBefore;
      } catch {
        this.discard(file);
      }
    }
  }

  private full(file: OpenFile): boolean {
    const {rollSize, rollCount} = this.options;
    return (rollSize > 0 && file.bytes >= rollSize) || (rollCount > 0 && file.count >= rollCount);
  }

  private async rollExpired(): Promise<void> {
    const {rollIntervalMs, idleTimeoutMs} = this.options;
    const now = Date.now();
    for (const [key, file] of this.open) {
      if ((rollIntervalMs > 0 && now - file.openedAt >= rollIntervalMs) || (idleTimeoutMs > 0 && now - file.lastWriteAt >= idleTimeoutMs)) this.closeFile(file);
    }
  }

  private openFile(key: string, dir: string, prefix: string, first: Event): OpenFile {
    const {fileSuffix, inUsePrefix, inUseSuffix} = this.options;
    fs.mkdirSync(dir, {recursive: true, mode: 0o700});
    const partitionStart = first.kafka && partitionStem(prefix, first.kafka.topic, first.kafka.partition);
    const stem = partitionStart ? `${partitionStart}${String(first.kafka!.offset).padStart(20, '0')}` : `${prefix}${Date.now()}-${this.sequence++}`;
    const finalName = stem + fileSuffix;
    const inUseName = inUsePrefix + finalName + inUseSuffix;
    if (this.options.keepExisting) {
      for (const name of new Set([finalName, inUseName])) {
        if (fs.existsSync(path.join(dir, name))) throw new UserError(`${path.join(dir, name)} exists: this replay writes part of its range (one key, or an end) and would replace it with fewer records`, 'replay into another --out-dir');
      }
    }
    const until = partitionStart ? this.nextOnDisk(dir, partitionStart, first.kafka!.offset) : undefined;
    if (partitionStart) this.finishLeftovers(dir, partitionStart, inUseName);
    // 'w' truncates: a replay, or a drain resumed at a killed one's file (resumeFrom), writes it again.
    const fd = fs.openSync(path.join(dir, inUseName), 'w', 0o600);
    const now = Date.now();
    const file: OpenFile = {dir, finalName, inUseName, fd, bytes: 0, count: 0, openedAt: now, lastWriteAt: now};
    if (partitionStart) {
      const {topic, partition, offset} = first.kafka!;
      file.kafka = {topic, partition, first: offset, last: offset, until, overtaken: false};
    }
    this.open.set(key, file);
    this.unfinished.add(file);
    return file;
  }

  /**
   * The first offset of the bucket's next file on disk after `first`: a drain that starts again at
   * a file's start (the group's commit, resumeFrom) may write again files that are already there,
   * closed or left in use, and a file's end may have depended on time (age, idle rolls). Ending
   * each before the next one's start writes them again as they were, each record in one file.
   */
  private nextOnDisk(dir: string, stemStart: string, first: number): number | undefined {
    const marker = `${dir}\0${stemStart}`;
    let starts = this.onDisk.get(marker);
    if (!starts) {
      const {inUsePrefix, inUseSuffix, fileSuffix} = this.options;
      starts = [];
      for (const name of listDir(dir)) {
        const at = firstOffsetIn(name, stemStart, fileSuffix) ?? (name.startsWith(inUsePrefix) && name.endsWith(inUseSuffix) ? firstOffsetIn(name.slice(inUsePrefix.length, name.length - inUseSuffix.length), stemStart, fileSuffix) : undefined);
        if (at !== undefined) starts.push(at);
      }
      this.onDisk.set(marker, starts.sort((a, b) => b - a));
    }
    while (starts.length > 0 && starts[starts.length - 1] <= first) starts.pop();
    return starts.at(-1);
  }

  /**
   * A process killed while a file was open leaves it under its in-use name. Its records were
   * committed (or will be read again into a later file), so it is finished under its final name;
   * except `rewritten`, the one about to be written again from its start (see resumeFrom).
   */
  private finishLeftovers(dir: string, stemStart: string, rewritten: string): void {
    const marker = `${dir}\0${stemStart}`;
    if (this.recovered.has(marker)) return;
    this.recovered.add(marker);
    const {inUsePrefix, inUseSuffix, fileSuffix} = this.options;
    for (const name of fs.readdirSync(dir)) {
      if (name === rewritten || !name.startsWith(inUsePrefix + stemStart) || !name.endsWith(fileSuffix + inUseSuffix) || inUsePrefix + inUseSuffix === '') continue;
      const finalName = name.slice(inUsePrefix.length, name.length - inUseSuffix.length);
      fs.renameSync(path.join(dir, name), path.join(dir, finalName));
    }
  }

  private closeFile(file: OpenFile): void {
    this.finished(file);
    diskIo.fsync(file.fd);
    fs.closeSync(file.fd);
    if (file.inUseName !== file.finalName) fs.renameSync(path.join(file.dir, file.inUseName), path.join(file.dir, file.finalName));
    fsyncDir(file.dir);
  }

  /**
   * A file that could not be cut back after a failed write is left under its in-use name (it
   * holds committed records) and finished by the next open of its bucket.
   */
  private discard(file: OpenFile): void {
    this.finished(file);
    this.recovered.clear();
    this.onDisk.clear();
    try {
      fs.closeSync(file.fd);
    } catch {
      // Already gone with the disk.
    }
  }

  /** The file leaves this sink's hands (it is closed, or left for the next open of its bucket to finish). */
  private finished(file: OpenFile): void {
    for (const [key, open] of this.open) if (open === file) this.open.delete(key);
    this.unfinished.delete(file);
    const k = file.kafka;
    if (!k) return;
    for (const {kafka: other} of this.unfinished) if (other && other.topic === k.topic && other.partition === k.partition && k.first < other.first && other.first < k.last) other.overtaken = true;
  }
}

/** How the names of a drained partition's files start; the 20-digit first offset follows. */
function partitionStem(prefix: string, topic: string, partition: number): string {
  return `${prefix}${topic}-${partition}-`;
}

/** The first offset in a drained partition's (final) file name, `<stem start><20 digits><suffix>`. */
function firstOffsetIn(name: string, stemStart: string, suffix: string): number | undefined {
  const digits = name.startsWith(stemStart) && name.endsWith(suffix) ? name.slice(stemStart.length, name.length - suffix.length) : '';
  return /^\d{20}$/.test(digits) ? Number(digits) : undefined;
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The bodies as lines in one buffer (one write call; a writev of thousands of slices costs more).
 * A drained body is copied straight from the fetched bytes, without a Buffer of its own.
 */
function joinLines(events: Event[], size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const e of events) {
    at += copyBody(e, out, at);
    out[at++] = NEWLINE;
  }
  return out;
}

const NEWLINE = 0x0a;
