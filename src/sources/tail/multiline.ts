import {Line} from '../../lib/line.js';

const NEWLINE = Buffer.from('\n');

/**
 * Joins a start line and the lines after it that do not match the start pattern (a stack trace
 * under its log line) into one record, joined with \n. A group ends when the next start line
 * arrives or, for the last group of a quiet file, when the caller flushes it after a timeout.
 * Lines before the first start line form a group of their own. Only the first maxBytes bytes of
 * a group are kept, so a pattern that never matches cannot exhaust memory.
 */
export class MultilineGrouper {
  private parts: Buffer[] = [];
  private kept = 0;
  private length = 0;
  private offset = -1;
  private end = 0;
  /** When the last line joined the pending group (ms). */
  lastAddedAt = 0;

  constructor(
    private readonly start: RegExp,
    private readonly maxBytes: number,
  ) {}

  get hasPending(): boolean {
    return this.offset >= 0;
  }

  /** Where the pending group starts (only meaningful while hasPending). */
  get pendingOffset(): number {
    return this.offset;
  }

  /** Adds a line; returns the group it completed, if it began a new one. */
  add(line: Line, now: number): Line | null {
    const done = this.hasPending && this.start.test(line.body.toString('utf8')) ? this.flush() : null;
    if (this.hasPending) this.keep(NEWLINE), (this.length += 1);
    else this.offset = line.offset;
    this.keep(line.body);
    this.length += line.length;
    this.end = line.end;
    this.lastAddedAt = now;
    return done;
  }

  flush(): Line | null {
    if (!this.hasPending) return null;
    const group = new Line(this.offset, this.end, this.length, Buffer.concat(this.parts, this.kept), 0, this.kept);
    this.parts = [];
    this.kept = 0;
    this.length = 0;
    this.offset = -1;
    return group;
  }

  private keep(bytes: Buffer): void {
    const room = this.maxBytes - this.kept;
    if (room <= 0) return;
    const part = bytes.length <= room ? bytes : bytes.subarray(0, room);
    this.parts.push(part);
    this.kept += part.length;
  }
}
