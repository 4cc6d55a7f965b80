import fs from 'node:fs';
import {crc32c} from '@node-rs/crc32';
import {writeAll, writeAllInBackground} from './fs.js';

/**
 * A small JSON record rewritten in place: `crc32c json\n`, padded with spaces to a fixed size.
 * Checkpoints that change after every batch (how far a file was delivered) go here instead of a
 * temp file and a rename each time. A killed process leaves the last record whole; a torn one
 * (an OS crash mid-write) fails its checksum and reads as absent, so the caller falls back to its
 * last whole save, which only means lines read again.
 */
export class InPlaceRecord {
  private fd: number | undefined;
  /** The background write under way, if any. */
  private writing?: Promise<void>;
  /** The newest record queued behind it: a newer one replaces it (only the newest counts). */
  private waiting?: {record: Buffer; landed: Promise<void>; resolve: () => void; reject: (err: unknown) => void};

  constructor(
    readonly file: string,
    private readonly size = 4096,
  ) {}

  /** Writes `value`; false (nothing written) when it does not fit: the caller saves whole instead. */
  write(value: unknown): boolean {
    // A background write still under way would land after this one and undo it.
    if (this.writing || this.waiting) throw new Error(`${this.file}: write() while a background write is under way`);
    const record = this.encode(value);
    if (!record) return false;
    writeAll(this.open(), record, 0);
    return true;
  }

  /**
   * Writes `value` on the thread pool (a rewrite of one page can wait on the filesystem's journal
   * for a while): one write at a time, in order, a record still waiting replaced by a newer one.
   * Resolves once it (or a newer record) is in the file, rejects when that write failed;
   * undefined (nothing queued) when it does not fit. write() refuses to run while one is under way.
   */
  writeInBackground(value: unknown): Promise<void> | undefined {
    const record = this.encode(value);
    if (!record) return undefined;
    if (this.waiting) {
      this.waiting.record = record;
      return this.waiting.landed;
    }
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const landed = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    this.waiting = {record, landed, resolve, reject};
    this.startNext();
    return landed;
  }

  private startNext(): void {
    const next = this.waiting;
    if (this.writing || !next) return;
    this.waiting = undefined;
    this.writing = (async () => {
      try {
        await writeAllInBackground(this.open(), next.record, 0);
        next.resolve();
      } catch (err) {
        next.reject(err);
      }
    })().then(() => {
      this.writing = undefined;
      this.startNext();
    });
  }

  private encode(value: unknown): Buffer | undefined {
    const json = JSON.stringify(value);
    const record = Buffer.alloc(this.size, ' ');
    const length = record.write(`${crc32c(json).toString(16).padStart(8, '0')} ${json}\n`);
    return length < this.size ? record : undefined;
  }

  private open(): number {
    return (this.fd ??= fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600));
  }

  /** Closes the file once the writes queued are done. */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** The record's value, or undefined when there is none or it is torn (its checksum fails). */
  static read(file: string): unknown {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8').trimEnd();
    } catch {
      return undefined;
    }
    const json = text.slice(9);
    if (text[8] !== ' ' || crc32c(json).toString(16).padStart(8, '0') !== text.slice(0, 8)) return undefined;
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return undefined;
    }
  }
}
