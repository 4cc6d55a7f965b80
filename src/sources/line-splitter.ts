const LF = 0x0a;
const CR = 0x0d;

/**
 * A complete line: where it sits in the file, and its bytes without the line ending as a range of
 * the buffer it was read in (a Buffer view per line costs more than the rest of the line's trip;
 * `body` makes one on request).
 */
export class Line {
  constructor(
    /** Offset of the line's first byte. */
    readonly offset: number,
    /** Offset just past its newline: where reading resumes after this line. */
    readonly end: number,
    /** How long the line really was; at most maxLineBytes of it are kept. */
    readonly length: number,
    /** The kept bytes lie in `bytes` from `start` to `stop`. */
    readonly bytes: Buffer,
    readonly start: number,
    readonly stop: number,
  ) {}

  /** The kept bytes, as a new view on each call. */
  get body(): Buffer {
    return this.bytes.subarray(this.start, this.stop);
  }
}

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
    return new Line(offset, this.position, content, chunk, start, start + Math.min(content, this.maxLineBytes));
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
    const line = new Line(this.position - this.length - (newline ? 1 : 0), this.position, content, joined, 0, Math.min(content, this.maxLineBytes));
    this.parts = [];
    this.kept = 0;
    this.length = 0;
    this.lastByte = -1;
    return line;
  }
}
