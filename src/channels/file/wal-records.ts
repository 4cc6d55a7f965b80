import {crc32c} from '@node-rs/crc32';
import type {Event} from '../../pipeline/event.js';
import {encodedEventSize, EventReader, writeEvent} from '../../pipeline/event-codec.js';

/**
 * The file channel's write-ahead log records. Frame: body length u32, CRC-32C of the body u32,
 * body; all little-endian. Body: type u8, then
 *   PUT:    first sequence f64, count u32, the events (event-codec) with sequences first, first+1, ...
 *   COMMIT: range count u32, then (from f64, to f64) pairs: these sequences were taken for good.
 * A record is all or nothing: a length past the end of the file or a CRC mismatch marks a torn
 * write, and the log ends there.
 */

export const FRAME_SIZE = 8;
const PUT = 1;
const COMMIT = 2;

/** Inclusive range of sequence numbers. */
export type SeqRange = [from: number, to: number];

export type WalRecord = {type: 'put'; firstSeq: number; events: Event[]} | {type: 'commit'; ranges: SeqRange[]};

export function encodePut(firstSeq: number, events: readonly Event[]): Buffer {
  let size = 1 + 8 + 4;
  for (const event of events) size += encodedEventSize(event);
  const buf = Buffer.allocUnsafe(FRAME_SIZE + size);
  let at = FRAME_SIZE;
  buf[at++] = PUT;
  at = buf.writeDoubleLE(firstSeq, at);
  at = buf.writeUInt32LE(events.length, at);
  for (const event of events) at = writeEvent(buf, at, event);
  return seal(buf);
}

export function encodeCommit(ranges: readonly SeqRange[]): Buffer {
  const buf = Buffer.allocUnsafe(FRAME_SIZE + 1 + 4 + ranges.length * 16);
  let at = FRAME_SIZE;
  buf[at++] = COMMIT;
  at = buf.writeUInt32LE(ranges.length, at);
  for (const [from, to] of ranges) {
    at = buf.writeDoubleLE(from, at);
    at = buf.writeDoubleLE(to, at);
  }
  return seal(buf);
}

function seal(buf: Buffer): Buffer {
  const body = buf.subarray(FRAME_SIZE);
  buf.writeUInt32LE(body.length, 0);
  buf.writeUInt32LE(crc32c(body) >>> 0, 4);
  return buf;
}

/** Sorted sequence numbers as the fewest inclusive ranges. */
export function toRanges(seqs: readonly number[]): SeqRange[] {
  const ranges: SeqRange[] = [];
  for (const seq of seqs) {
    const last = ranges[ranges.length - 1];
    if (last && seq === last[1] + 1) last[1] = seq;
    else ranges.push([seq, seq]);
  }
  return ranges;
}

/** The records of one segment's bytes, in order; `position` is where the intact records end. */
export class RecordReader {
  position = 0;

  constructor(private readonly buf: Buffer) {}

  /** The next record, or null at the end of the intact records (the end of the buffer or a torn record). */
  next(): WalRecord | null {
    const {buf, position} = this;
    if (position + FRAME_SIZE > buf.length) return null;
    const length = buf.readUInt32LE(position);
    const end = position + FRAME_SIZE + length;
    if (length === 0 || end > buf.length) return null;
    const body = buf.subarray(position + FRAME_SIZE, end);
    if ((crc32c(body) >>> 0) !== buf.readUInt32LE(position + 4)) return null;
    const record = decodeBody(body);
    this.position = end;
    return record;
  }
}

/** A body whose CRC matched: if it still does not decode, the file is not ours or not this version. */
function decodeBody(body: Buffer): WalRecord {
  try {
    if (body[0] === PUT) {
      const firstSeq = body.readDoubleLE(1);
      const reader = new EventReader(body, 13);
      const events: Event[] = [];
      for (let n = body.readUInt32LE(9); n > 0; n--) events.push(reader.event());
      return {type: 'put', firstSeq, events};
    }
    if (body[0] === COMMIT) {
      const ranges: SeqRange[] = [];
      for (let n = body.readUInt32LE(1), at = 5; n > 0; n--, at += 16) ranges.push([body.readDoubleLE(at), body.readDoubleLE(at + 8)]);
      return {type: 'commit', ranges};
    }
  } catch (err) {
    throw new InvalidRecordError(`record does not decode: ${(err as Error).message}`);
  }
  throw new InvalidRecordError(`unknown record type ${body[0]}`);
}

export class InvalidRecordError extends Error {
  override name = 'InvalidRecordError';
}
