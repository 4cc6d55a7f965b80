import fs from 'node:fs';
import {crc32c} from '@node-rs/crc32';
import {writeAll} from './fs.js';

/**
 * A small JSON record rewritten in place: `crc32c json\n`, padded with spaces to a fixed size.
 * Checkpoints that change after every batch (how far a file was delivered) go here instead of a
 * temp file and a rename each time. A killed process leaves the last record whole; a torn one
 * (an OS crash mid-write) fails its checksum and reads as absent, so the caller falls back to its
 * last whole save, which only means lines read again.
 */
export class InPlaceRecord {
  private fd: number | undefined;

  constructor(
    readonly file: string,
    private readonly size = 4096,
  ) {}

  /** Writes `value`; false (nothing written) when it does not fit: the caller saves whole instead. */
  write(value: unknown): boolean {
    const json = JSON.stringify(value);
    const record = Buffer.alloc(this.size, ' ');
    const length = record.write(`${crc32c(json).toString(16).padStart(8, '0')} ${json}\n`);
    if (length >= this.size) return false;
    this.fd ??= fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    writeAll(this.fd, record, 0);
    return true;
  }

  close(): void {
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
