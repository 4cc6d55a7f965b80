import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../../lib/errors.js';
import {appendWhole, fsyncDir} from '../../lib/fs.js';
import type {Event} from '../../pipeline/event.js';
import {InvalidRecordError, RecordReader} from './wal-records.js';

/** One log file; `lastSeq` is the highest put sequence in it or any older segment (-1: none yet). */
interface Segment {
  id: number;
  file: string;
  size: number;
  lastSeq: number;
}

interface Append {
  record: Buffer;
  lastSeq: number | undefined;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface Replayed {
  log: WriteAheadLog;
  /** Events put and not committed, oldest first. */
  events: {seq: number; event: Event}[];
  nextSeq: number;
}

const SEGMENT = /^(\d{10})\.wal$/;

function segmentFile(dir: string, id: number): string {
  return path.join(dir, `${String(id).padStart(10, '0')}.wal`);
}

/**
 * The file channel's log: numbered segment files of records (wal-records). Appends are written
 * and fdatasync'ed in batches: whatever queued up while one fsync ran goes out with the next one
 * (group commit), and every append resolves, in order, only once its record is on disk; records
 * that only spare a replay (commits, appendWritten) resolve once written.
 * Segments roll at maxSegmentBytes; sealed segments are deleted oldest first once every event in
 * them was committed. A write that fails (a full disk) is cut back off the segment and rejects
 * the appends it carried, and later appends are tried again, so the channel goes on once there
 * is space. An fsync error poisons the log (after a failed fsync the kernel may have dropped the
 * pages, so nothing later can be trusted): every later append rejects with it, and reopening
 * recovers what reached the disk.
 */
export class WriteAheadLog {
  private queue: Append[] = [];
  private writing: Promise<void> | null = null;
  private rolling = false;
  /** Records written by appendWritten() that no fdatasync covered yet. */
  private unsynced = false;
  private failure: Error | null = null;

  private constructor(
    private readonly dir: string,
    private readonly maxSegmentBytes: number,
    private readonly segments: Segment[],
    private handle: fs.promises.FileHandle,
  ) {}

  /** Reads every segment, cuts a torn tail off the last one and opens it for appending. */
  static async open(dir: string, maxSegmentBytes: number): Promise<Replayed> {
    fs.mkdirSync(dir, {recursive: true, mode: 0o700});
    const ids = fs
      .readdirSync(dir)
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const live = new Map<number, Event>();
    const segments: Segment[] = [];
    let lastSeq = -1;
    let maxSeq = -1;
    for (const [i, id] of ids.entries()) {
      const file = segmentFile(dir, id);
      const bytes = fs.readFileSync(file);
      const reader = new RecordReader(bytes);
      for (;;) {
        let record;
        try {
          record = reader.next();
        } catch (err) {
          if (err instanceof InvalidRecordError) throw corrupt(file, reader.position, err.message);
          throw err;
        }
        if (record === null) break;
        if (record.type === 'put') {
          for (const [k, event] of record.events.entries()) live.set(record.firstSeq + k, event);
          lastSeq = Math.max(lastSeq, record.firstSeq + record.events.length - 1);
          maxSeq = Math.max(maxSeq, lastSeq);
        } else {
          for (const [from, to] of record.ranges) {
            for (let seq = from; seq <= to; seq++) live.delete(seq);
            maxSeq = Math.max(maxSeq, to);
          }
        }
      }
      if (reader.position < bytes.length) {
        // Only the segment being appended to can end in a torn record: older ones were fsynced whole before the roll.
        if (i < ids.length - 1) throw corrupt(file, reader.position, 'a record is cut short or fails its checksum');
        truncate(file, reader.position);
      }
      segments.push({id, file, size: reader.position, lastSeq});
    }
    if (segments.length === 0) {
      const file = segmentFile(dir, 0);
      fs.closeSync(fs.openSync(file, 'wx', 0o600));
      fsyncDir(dir);
      segments.push({id: 0, file, size: 0, lastSeq: -1});
    }
    const active = segments[segments.length - 1];
    const log = new WriteAheadLog(dir, maxSegmentBytes, segments, await fs.promises.open(active.file, 'r+'));
    const events = [...live].map(([seq, event]) => ({seq, event}));
    return {log, events, nextSeq: maxSeq + 1};
  }

  /**
   * Appends a record; resolves once it is on disk. `lastSeq` is the highest sequence a put record
   * carries, so the segment it lands in knows when it may go.
   */
  append(record: Buffer, lastSeq?: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({record, lastSeq, resolve, reject});
      this.writing ??= this.drain();
    });
  }

  /**
   * Appends a record that only spares work after a crash (a commit: without it, events replay and
   * the sink recognises them): resolves once written, which a killed process keeps. It does not
   * wait behind the fdatasync of the puts before it (tens of ms under load); the next fdatasync,
   * or one started when the log falls idle, takes it to disk.
   */
  appendWritten(record: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    // Ahead of puts still queued is fine: a commit names only events whose puts are on disk.
    if (this.rolling) return this.append(record);
    const active = this.segments[this.segments.length - 1];
    if (active.size > 0 && active.size + record.length > this.maxSegmentBytes) return this.append(record);
    try {
      appendWhole(this.handle.fd, record, active.size);
    } catch (err) {
      return Promise.reject(err);
    }
    active.size += record.length;
    this.unsynced = true;
    this.writing ??= this.drain();
    return Promise.resolve();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 || this.unsynced) {
      const batch = this.queue;
      this.queue = [];
      try {
        if (batch.length > 0) await this.writeBatch(batch);
        else await this.sync();
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        // Appends already on disk were resolved; rejecting them again changes nothing.
        for (const append of batch) append.reject(error);
        if (!this.failure) continue;
        for (const append of this.queue) append.reject(this.failure);
        this.queue = [];
        break;
      }
    }
    this.writing = null;
  }

  /** Writes the batch in as few writes as segment rolls allow; each append resolves once its write is on disk. */
  private async writeBatch(batch: Append[]): Promise<void> {
    let chunk: Append[] = [];
    let bytes = 0;
    for (const append of batch) {
      const used = this.segments[this.segments.length - 1].size + bytes;
      if (used > 0 && used + append.record.length > this.maxSegmentBytes) {
        await this.write(chunk, bytes);
        chunk = [];
        bytes = 0;
        await this.roll();
      }
      chunk.push(append);
      bytes += append.record.length;
    }
    await this.write(chunk, bytes);
  }

  /** Appends the records whole or not at all, syncs them, then resolves their appends. */
  private async write(chunk: Append[], bytes: number): Promise<void> {
    if (chunk.length === 0) return;
    const active = this.segments[this.segments.length - 1];
    const data = chunk.length === 1 ? chunk[0].record : Buffer.concat(chunk.map((a) => a.record), bytes);
    appendWhole(this.handle.fd, data, active.size);
    // Counted at once: appendWritten() may write after these bytes while they sync.
    active.size += bytes;
    await this.sync();
    for (const append of chunk) {
      if (append.lastSeq !== undefined) active.lastSeq = append.lastSeq;
      append.resolve();
    }
  }

  /** An fdatasync error poisons the log: the kernel may have dropped the pages it could not write. */
  private async sync(): Promise<void> {
    this.unsynced = false;
    try {
      await this.handle.datasync();
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }

  private async roll(): Promise<void> {
    const previous = this.segments[this.segments.length - 1];
    const next: Segment = {id: previous.id + 1, file: segmentFile(this.dir, previous.id + 1), size: 0, lastSeq: previous.lastSeq};
    this.rolling = true;
    try {
      // A sealed segment must end in a whole record: cut what a failed write could not take back.
      await this.handle.truncate(previous.size);
      if (this.unsynced) await this.sync();
      const handle = await fs.promises.open(next.file, 'wx', 0o600);
      fsyncDir(this.dir);
      await this.handle.close();
      this.handle = handle;
      this.segments.push(next);
    } finally {
      this.rolling = false;
    }
  }

  /** Deletes sealed segments, oldest first, while every event in them is below `lowestLiveSeq`. */
  release(lowestLiveSeq: number): void {
    while (this.segments.length > 1 && this.segments[0].lastSeq < lowestLiveSeq) {
      fs.rmSync(this.segments.shift()!.file, {force: true});
    }
  }

  /** Waits for queued appends, then closes the file (every append was already fsynced). */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
    await this.handle.close();
  }
}

function truncate(file: string, size: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(fd, size);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function corrupt(file: string, position: number, why: string): UserError {
  return new UserError(
    `file channel log ${file} is damaged at byte ${position}: ${why}`,
    'move the channel directory aside to start empty (its undelivered events are then lost), or restore it from a backup',
  );
}
