/**
 * CellSet JSON written straight into bytes, for puts: {"Row":[{"key":b64,"Cell":[{"column":b64,
 * "timestamp":n,"$":b64}]}]}. Base64 needs no JSON escaping, so each row is appended to one
 * growing buffer with its key and values base64-encoded in place: no string or object per cell
 * (a drain puts millions of cells, and their strings were most of its garbage). Rows are written
 * comma-separated, so any run of consecutive rows is a request body as it lies, between
 * `{"Row":[` and `]}`, with no copy.
 */
import type {HBaseRow} from './wire.js';

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
const PAD = 0x3d; // '='

export const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

/** Writes `src` bytes [start, end) base64-encoded into `out` at `at`; returns where it ended. */
export function writeBase64(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  const whole = end - ((end - start) % 3);
  let i = start;
  for (; i < whole; i += 3) {
    const n = (src[i] << 16) | (src[i + 1] << 8) | src[i + 2];
    out[at] = ALPHABET[n >>> 18];
    out[at + 1] = ALPHABET[(n >>> 12) & 63];
    out[at + 2] = ALPHABET[(n >>> 6) & 63];
    out[at + 3] = ALPHABET[n & 63];
    at += 4;
  }
  if (i < end) {
    const two = i + 1 < end;
    const n = (src[i] << 16) | (two ? src[i + 1] << 8 : 0);
    out[at] = ALPHABET[n >>> 18];
    out[at + 1] = ALPHABET[(n >>> 12) & 63];
    out[at + 2] = two ? ALPHABET[(n >>> 6) & 63] : PAD;
    out[at + 3] = PAD;
    at += 4;
  }
  return at;
}

const ROW_OPEN = Buffer.from('{"key":"');
const CELLS_OPEN = Buffer.from('","Cell":[');
const ROW_CLOSE = Buffer.from(']}');
const VALUE_OPEN = Buffer.from('"$":"');
const CELL_CLOSE = Buffer.from('"}');
const BODY_OPEN = Buffer.from('{"Row":[');
const BODY_CLOSE = Buffer.from(']}');
/** Room for a timestamp: '"timestamp":-9007199254740991,' */
const TIMESTAMP_ROOM = 32;

/** Rows' CellSet elements, comma-separated in one buffer; a run of them is a request body. */
export class CellSetWriter {
  private buf: Buffer;
  private end = 0;
  private rowCount = 0;
  /** where the last row begun starts (after its comma) */
  private lastRowStart = 0;
  /** `{"column":"<b64>",` of each column name met, encoded once */
  private readonly columns = new Map<string, Buffer>();
  private lastTimestamp = NaN;
  private timestampText = Buffer.alloc(0);
  private firstCell = true;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written so far: the last row ends here. */
  get length(): number {
    return this.end;
  }

  /** Where the last row begun starts. */
  get rowStart(): number {
    return this.lastRowStart;
  }

  /**
   * The body of the rows from the one starting at `start` to the one ending at `end`, as pieces
   * to send one after another; valid once no more rows are written.
   */
  body(start: number, end: number): Buffer[] {
    return [BODY_OPEN, this.buf.subarray(start, end), BODY_CLOSE];
  }

  /** Appends `{"key":..,"Cell":[..]}` of `row`. */
  row(row: HBaseRow): void {
    this.beginRow(row.key);
    for (const cell of row.cells) this.cell(cell.column, cell.timestamp, cell.value, 0, cell.value.length);
    this.endRow();
  }

  /** Starts a row; its cells follow, then endRow(). */
  beginRow(key: Uint8Array): void {
    this.reserve(1 + ROW_OPEN.length + base64Length(key.length) + CELLS_OPEN.length);
    if (this.rowCount++ > 0) this.buf[this.end++] = 0x2c; // ','
    this.lastRowStart = this.end;
    this.put(ROW_OPEN);
    this.end = writeBase64(key, 0, key.length, this.buf, this.end);
    this.put(CELLS_OPEN);
    this.firstCell = true;
  }

  /** A cell of the row begun, its value the bytes [start, end) of `source`. */
  cell(column: string, timestamp: number | undefined, source: Uint8Array, start: number, end: number): void {
    const prefix = this.column(column);
    this.reserve(1 + prefix.length + TIMESTAMP_ROOM + VALUE_OPEN.length + base64Length(end - start) + CELL_CLOSE.length);
    if (!this.firstCell) this.buf[this.end++] = 0x2c; // ','
    this.firstCell = false;
    this.put(prefix);
    if (timestamp !== undefined) this.timestamp(timestamp);
    this.put(VALUE_OPEN);
    this.end = writeBase64(source, start, end, this.buf, this.end);
    this.put(CELL_CLOSE);
  }

  endRow(): void {
    this.reserve(ROW_CLOSE.length);
    this.put(ROW_CLOSE);
  }

  private column(name: string): Buffer {
    let bytes = this.columns.get(name);
    if (bytes === undefined) this.columns.set(name, (bytes = Buffer.from(`{"column":"${Buffer.from(name).toString('base64')}",`)));
    return bytes;
  }

  /** `"timestamp":<digits>,` without a string for the number; a row's cells mostly share one. */
  private timestamp(ts: number): void {
    if (ts !== this.lastTimestamp) {
      if (!Number.isSafeInteger(ts)) throw new RangeError(`a cell timestamp must be an integer, not ${ts}`);
      this.lastTimestamp = ts;
      this.timestampText = Buffer.from(`"timestamp":${ts},`);
    }
    this.put(this.timestampText);
  }

  /** Copies `bytes` (a few dozen: a plain loop costs less than a native call). */
  private put(bytes: Buffer): void {
    const buf = this.buf;
    let at = this.end;
    for (let i = 0; i < bytes.length; i++) buf[at++] = bytes[i];
    this.end = at;
  }

  private reserve(bytes: number): void {
    if (this.end + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.end + bytes));
    this.buf.copy(grown, 0, 0, this.end);
    this.buf = grown;
  }
}

/** Bytes of the body of rows that take `rowBytes` from the first one's start to the last one's end. */
export const cellSetBodyLength = (rowBytes: number): number => BODY_OPEN.length + rowBytes + BODY_CLOSE.length;

/** The CellSet body of `rows`, in pieces. */
export function cellSetBody(rows: HBaseRow[]): Buffer[] {
  const writer = new CellSetWriter();
  for (const row of rows) writer.row(row);
  return writer.body(0, writer.length);
}
