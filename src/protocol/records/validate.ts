/**
 * The record-level checks of Kafka's LogValidator, in one pass over the bytes and without
 * building records: every record's length, varints, key/value/header sizes, its offset delta
 * (0, 1, 2, ... in order) and the count the header claims. The broker runs this on every
 * produced batch, so a batch that consumers could not read is refused instead of stored.
 */

export interface RecordsProblem {
  /**
   * CORRUPT_MESSAGE: the bytes do not parse. INVALID_RECORD: they parse but contradict the header.
   * MESSAGE_TOO_LARGE: a compressed payload inflates past what the reader allows.
   */
  error: 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'MESSAGE_TOO_LARGE';
  message: string;
}

/** End of the last varint read by zigzag() (a module cursor: the walk allocates nothing). */
let cursor = 0;

/** Zig-zag varint of at most `maxBytes` bytes at `pos`; NaN when it runs past `end` or is too long. */
function zigzag(buf: Uint8Array, pos: number, end: number, maxBytes: number): number {
  let u = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes && pos < end; i++) {
    const b = buf[pos++];
    u += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      cursor = pos;
      return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    }
    scale *= 128;
  }
  return NaN;
}

const VARINT = 5;
const VARLONG = 10;
const FIELDS = ['key', 'value'];

/**
 * Walks the records section `buf[start, end)` of a RecordBatch v2 (decompressed when the batch
 * is compressed) holding `count` records. Returns the first problem, or undefined when every
 * record is well formed and the count and offset deltas match. `keyRequired`: every record needs
 * a key (compacted topics).
 */
export function checkRecords(buf: Uint8Array, start: number, end: number, count: number, {keyRequired = false} = {}): RecordsProblem | undefined {
  const corrupt = (i: number, what: string): RecordsProblem => ({error: 'CORRUPT_MESSAGE', message: `record ${i}: ${what}`});
  let pos = start;
  for (let i = 0; i < count; i++) {
    if (pos >= end) return {error: 'INVALID_RECORD', message: `recordsCount is ${count} but the batch holds ${i} record(s)`};
    const len = zigzag(buf, pos, end, VARINT);
    if (!(len > 0)) return corrupt(i, 'unreadable or invalid length');
    const recordEnd = cursor + len;
    if (recordEnd > end) return corrupt(i, `length ${len} overruns the batch`);
    // attributes (1 byte), then the timestamp delta.
    if (Number.isNaN(zigzag(buf, cursor + 1, recordEnd, VARLONG))) return corrupt(i, 'unreadable timestamp delta');
    const offsetDelta = zigzag(buf, cursor, recordEnd, VARINT);
    if (Number.isNaN(offsetDelta)) return corrupt(i, 'unreadable offset delta');
    if (offsetDelta !== i) return {error: 'INVALID_RECORD', message: `record ${i} has offset delta ${offsetDelta}; deltas must run 0..${count - 1} in order`};
    pos = cursor;
    // The key, then the value: -1 is null.
    for (let field = 0; field < 2; field++) {
      const n = zigzag(buf, pos, recordEnd, VARINT);
      if (!(n >= -1)) return corrupt(i, `invalid ${FIELDS[field]} length`);
      // Compaction keeps the last record of each key: a record without one could never be cleaned.
      if (field === 0 && n === -1 && keyRequired) return {error: 'INVALID_RECORD', message: `record ${i} has no key; a compacted topic cannot accept records without a key`};
      pos = cursor + Math.max(n, 0);
      if (pos > recordEnd) return corrupt(i, `${FIELDS[field]} of ${n} bytes overruns the record`);
    }
    const headers = zigzag(buf, pos, recordEnd, VARINT);
    if (!(headers >= 0)) return corrupt(i, 'invalid header count');
    pos = cursor;
    for (let h = 0; h < headers; h++) {
      const keyLen = zigzag(buf, pos, recordEnd, VARINT);
      if (!(keyLen >= 0)) return corrupt(i, `header ${h}: invalid key length`);
      pos = cursor + keyLen;
      if (pos > recordEnd) return corrupt(i, `header ${h} overruns the record`);
      const valueLen = zigzag(buf, pos, recordEnd, VARINT);
      if (!(valueLen >= -1)) return corrupt(i, `header ${h}: invalid value length`);
      pos = cursor + Math.max(valueLen, 0);
      if (pos > recordEnd) return corrupt(i, `header ${h} overruns the record`);
    }
    if (pos !== recordEnd) return corrupt(i, `${recordEnd - pos} bytes left inside its declared length`);
  }
  if (pos !== end) return {error: 'INVALID_RECORD', message: `${end - pos} bytes follow the last of ${count} records`};
  return undefined;
}
