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

/** What makes the lines of a splitter: Line, or a subclass (the tail's lines are its events). */
export type LineClass = new (offset: number, end: number, length: number, bytes: Buffer, start: number, stop: number) => Line;
