/**
 * A put's CellSet read straight from the request's bytes, without JSON.parse's object per row and
 * cell (the emulator's largest cost): {"Row":[{"key":b64,"Cell":[{"column":b64,"timestamp":n,
 * "$":b64}]}]}, members in any order, any JSON whitespace. It takes only that plain form: every
 * row with its key, every cell with column, integer timestamp and value, strings in canonical
 * base64 with no escapes, no other members. Anything else (a missing timestamp or key, unknown
 * members, malformed JSON) is null, and the caller reads the body with JSON.parse and its checks,
 * which give the same result for the plain form and say what is wrong with the others.
 */

export interface ScannedCellSet {
  body: Buffer;
  /** each row's key as it is in the body (base64) */
  keys: string[];
  /** each distinct column as it is in the body (base64) */
  columns: string[];
  /** cells: CELL_FIELDS numbers each (row, column, timestamp, value start, value end in `body`) */
  cells: Float64Array;
  cellCount: number;
}

export const CELL_FIELDS = 5;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** 1 for base64's 64 characters; '=' is handled apart (padding, only at the end) */
const BASE64_CHAR = new Uint8Array(256);
for (const c of Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1')) BASE64_CHAR[c] = 1;
const EQUALS = 0x3d;
/** 15 digits: always a safe integer */
const MAX_DIGITS = 15;

/** The member names of the plain form, as bytes; a name is matched against them without a string. */
const NAMES = ['Row', 'key', 'Cell', 'column', 'timestamp', '$'].map((n) => Buffer.from(n, 'latin1'));
const [ROW, KEY, CELL, COLUMN, TIMESTAMP, VALUE] = [0, 1, 2, 3, 4, 5];

/** Thrown inside the scan for "not the plain form"; never leaves scanCellSet. */
const NOT_PLAIN = Symbol('not plain');

class Scan {
  at = 0;
  readonly keys: string[] = [];
  readonly columns: string[] = [];
  cells: Float64Array;
  cellCount = 0;
  private lastColumn = -1;
  /** [start, end) of the last string read */
  private start = 0;
  private end = 0;

  constructor(readonly body: Buffer) {
    this.cells = new Float64Array(CELL_FIELDS * Math.max(16, body.length >>> 6));
  }

  cellSet(): void {
    this.expect(0x7b); // {
    if (this.name() !== ROW) throw NOT_PLAIN;
    this.expect(0x3a);
    this.expect(0x5b); // [
    if (!this.peek(0x5d)) {
      do this.row();
      while (this.comma());
    }
    this.expect(0x5d);
    this.expect(0x7d);
    if (this.skipSpace() !== this.body.length) throw NOT_PLAIN;
  }

  private row(): void {
    this.expect(0x7b);
    const row = this.keys.length;
    let key: string | undefined;
    let cells = false;
    do {
      const name = this.name();
      this.expect(0x3a);
      if (name === KEY && key === undefined) {
        this.base64();
        // An empty key decodes to no bytes: the general path answers that with its 400.
        if (this.start === this.end) throw NOT_PLAIN;
        key = this.body.toString('latin1', this.start, this.end);
      } else if (name === CELL && !cells) {
        cells = true;
        this.expect(0x5b);
        if (!this.peek(0x5d)) {
          do this.cell(row);
          while (this.comma());
        }
        this.expect(0x5d);
      } else throw NOT_PLAIN;
    } while (this.comma());
    this.expect(0x7d);
    if (key === undefined || !cells) throw NOT_PLAIN;
    this.keys.push(key);
  }

  private cell(row: number): void {
    this.expect(0x7b);
    let column = -1;
    let timestamp: number | undefined;
    let valueStart = -1;
    let valueEnd = -1;
    do {
      const name = this.name();
      this.expect(0x3a);
      if (name === COLUMN && column < 0) {
        this.base64();
        if (this.start === this.end) throw NOT_PLAIN;
        column = this.columnIndex(this.start, this.end);
      } else if (name === TIMESTAMP && timestamp === undefined) {
        timestamp = this.integer();
      } else if (name === VALUE && valueStart < 0) {
        this.base64();
        valueStart = this.start;
        valueEnd = this.end;
      } else throw NOT_PLAIN;
    } while (this.comma());
    this.expect(0x7d);
    if (column < 0 || timestamp === undefined || valueStart < 0) throw NOT_PLAIN;
    if (CELL_FIELDS * (this.cellCount + 1) > this.cells.length) {
      const grown = new Float64Array(2 * this.cells.length);
      grown.set(this.cells);
      this.cells = grown;
    }
    const at = CELL_FIELDS * this.cellCount++;
    this.cells[at] = row;
    this.cells[at + 1] = column;
    this.cells[at + 2] = timestamp;
    this.cells[at + 3] = valueStart;
    this.cells[at + 4] = valueEnd;
  }

  /** The index of the column at [start, end) among those met; a row's cells mostly repeat the last row's columns in order. */
  private columnIndex(start: number, end: number): number {
    const n = this.columns.length;
    for (let k = 1; k <= n; k++) {
      const i = (this.lastColumn + k) % n;
      if (this.sameText(this.columns[i], start, end)) return (this.lastColumn = i);
    }
    this.columns.push(this.body.toString('latin1', start, end));
    return (this.lastColumn = n);
  }

  private sameText(text: string, start: number, end: number): boolean {
    if (text.length !== end - start) return false;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== this.body[start + i]) return false;
    return true;
  }

  /** A member name: the index of one of NAMES, or -1 for any other. */
  private name(): number {
    this.string();
    const {body, start, end} = this;
    for (let n = 0; n < NAMES.length; n++) {
      const name = NAMES[n];
      if (name.length !== end - start) continue;
      let i = 0;
      while (i < name.length && name[i] === body[start + i]) i++;
      if (i === name.length) return n;
    }
    return -1;
  }

  /** A string of canonical base64 (padding only at its end, length a multiple of 4). */
  private base64(): void {
    this.string();
    const {body, start, end} = this;
    if ((end - start) % 4 !== 0) throw NOT_PLAIN;
    let i = start;
    while (i < end && BASE64_CHAR[body[i]] === 1) i++;
    if (end - i <= 2) while (i < end && body[i] === EQUALS) i++;
    if (i !== end) throw NOT_PLAIN;
  }

  /** A string's content, as [start, end); escapes and control characters are not the plain form. */
  private string(): void {
    this.expect(QUOTE);
    const body = this.body;
    let i = this.at;
    for (; i < body.length; i++) {
      const c = body[i];
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 0x20 || c >= 0x80) throw NOT_PLAIN;
    }
    if (i >= body.length) throw NOT_PLAIN;
    this.start = this.at;
    this.end = i;
    this.at = i + 1;
  }

  /** -?[0-9]{1,15} without leading zeros, not followed by a fraction or exponent. */
  private integer(): number {
    const body = this.body;
    let i = this.skipSpace();
    const negative = body[i] === 0x2d;
    if (negative) i++;
    const first = i;
    let n = 0;
    for (; i < body.length && body[i] >= 0x30 && body[i] <= 0x39; i++) n = n * 10 + body[i] - 0x30;
    const digits = i - first;
    if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && body[first] === 0x30)) throw NOT_PLAIN;
    if (body[i] === 0x2e || body[i] === 0x65 || body[i] === 0x45) throw NOT_PLAIN;
    this.at = i;
    return negative ? -n : n;
  }

  /** Consumes a ',' (true) or nothing (false). */
  private comma(): boolean {
    return this.peek(0x2c) && (this.at++, true);
  }

  private peek(byte: number): boolean {
    return this.body[this.skipSpace()] === byte;
  }

  private expect(byte: number): void {
    if (this.body[this.skipSpace()] !== byte) throw NOT_PLAIN;
    this.at++;
  }

  /** Skips JSON whitespace; returns the position reached. */
  private skipSpace(): number {
    const body = this.body;
    let i = this.at;
    while (i < body.length) {
      const c = body[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    return (this.at = i);
  }
}

/** The body's cells when it is a CellSet in the plain form, else null (read it with JSON.parse). */
export function scanCellSet(body: Buffer): ScannedCellSet | null {
  const scan = new Scan(body);
  try {
    scan.cellSet();
  } catch (err) {
    if (err === NOT_PLAIN) return null;
    throw err;
  }
  return {body, keys: scan.keys, columns: scan.columns, cells: scan.cells, cellCount: scan.cellCount};
}
