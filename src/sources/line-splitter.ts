import {Line, type LineClass} from '../lib/line.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines ending in \n or \r\n. A line still missing its newline stays
 * pending; a line longer than maxLineBytes keeps only its first maxLineBytes bytes in memory
 * (the rest is counted and skipped), so a runaway line cannot exhaust memory.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private kept = 0;
  private length = 0;
  private lastByte = -1;

  constructor(
    private readonly maxLineBytes: number,
    /** Offset of the next byte push() will see. */
    private position = 0,
    /** What each line is made as (a subclass of Line: the tail makes its events at once). */
    private readonly lineClass: LineClass = Line,
  ) {}

  /** Where the pending (incomplete) line starts: everything before it came out as lines. */
  get pendingOffset(): number {
    return this.position - this.length;
  }

  get hasPending(): boolean {
    return this.length > 0;
  }

  /**
   * The complete lines of `chunk` (with any pending start). `owned`: the caller never reuses
   * the chunk, so lines are views into it instead of copies (a line split across chunks is still
   * joined into one buffer).
   */
  push(chunk: Buffer, owned = false): Line[] {
    const lines: Line[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) {
        this.append(chunk.subarray(start), owned);
        break;
      }
      if (owned && this.length === 0) {
        lines.push(this.view(chunk, start, nl));
      } else {
        this.append(chunk.subarray(start, nl), owned);
        this.position += 1;
        lines.push(this.take(true));
      }
      start = nl + 1;
    }
    return lines;
  }

  /** A whole line inside an owned chunk, between `start` and its newline at `nl`. */
  private view(chunk: Buffer, start: number, nl: number): Line {
    const content = nl > start && chunk[nl - 1] === CR ? nl - 1 - start : nl - start;
    const offset = this.position;
    this.position += nl + 1 - start;
    return new this.lineClass(offset, this.position, content, chunk, start, start + Math.min(content, this.maxLineBytes));
  }

  /** The pending bytes as a last line without newline (a rotated file that will not grow). */
  flushPending(): Line | null {
    return this.length > 0 ? this.take(false) : null;
  }

  private append(bytes: Buffer, owned: boolean): void {
    if (bytes.length === 0) return;
    const room = this.maxLineBytes + 1 - this.kept;
    if (room > 0) {
      const part = bytes.length <= room ? bytes : bytes.subarray(0, room);
      // Copy unless owned: the reader may reuse its chunk buffer.
      this.parts.push(owned ? part : Buffer.from(part));
      this.kept += part.length;
    }
    this.length += bytes.length;
    this.position += bytes.length;
    this.lastByte = bytes[bytes.length - 1];
  }

  private take(newline: boolean): Line {
    const content = newline && this.lastByte === CR ? this.length - 1 : this.length;
    const joined = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.kept);
    const line = new this.lineClass(this.position - this.length - (newline ? 1 : 0), this.position, content, joined, 0, Math.min(content, this.maxLineBytes));
    this.parts = [];
    this.kept = 0;
    this.length = 0;
    this.lastByte = -1;
    return line;
  }
}
