import type {Event, EventOrigin, KafkaPosition} from '../../pipeline/event.js';

/**
 * The whole Event as bytes, little-endian: flags u8, headers (u32 count, then key and value
 * strings), body (u32 length + bytes), then origin, kafka position and rejected reason when the
 * flags say so. Strings are u32 byte length + UTF-8; numbers that can pass 2^32 (inode, offsets,
 * timestamps) are float64, exact up to 2^53.
 */

const HAS_ORIGIN = 1;
const HAS_KAFKA = 2;
const HAS_REJECTED = 4;
const ORIGIN_FILE = 1;
const ORIGIN_INODE = 2;
const ORIGIN_OFFSET = 4;

function stringSize(s: string): number {
  return 4 + Buffer.byteLength(s, 'utf8');
}

export function encodedEventSize(event: Event): number {
  let size = 1 + 4 + 4 + event.body.length;
  for (const key in event.headers) size += stringSize(key) + stringSize(event.headers[key]);
  const {origin, kafka, rejected} = event;
  if (origin) {
    size += 1;
    if (origin.file !== undefined) size += stringSize(origin.file);
    if (origin.inode !== undefined) size += 8;
    if (origin.offset !== undefined) size += 8;
  }
  if (kafka) size += stringSize(kafka.topic) + 4 + 8 + 8 + 4 + (kafka.key?.length ?? 0);
  if (rejected !== undefined) size += stringSize(rejected);
  return size;
}

/** Writes `event` at `at`; the caller sized `buf` with encodedEventSize. Returns the end. */
export function writeEvent(buf: Buffer, at: number, event: Event): number {
  const {origin, kafka, rejected} = event;
  buf[at++] = (origin ? HAS_ORIGIN : 0) | (kafka ? HAS_KAFKA : 0) | (rejected !== undefined ? HAS_REJECTED : 0);
  const keys = Object.keys(event.headers);
  at = buf.writeUInt32LE(keys.length, at);
  for (const key of keys) {
    at = writeString(buf, at, key);
    at = writeString(buf, at, event.headers[key]);
  }
  at = writeBytes(buf, at, event.body);
  if (origin) {
    buf[at++] = (origin.file !== undefined ? ORIGIN_FILE : 0) | (origin.inode !== undefined ? ORIGIN_INODE : 0) | (origin.offset !== undefined ? ORIGIN_OFFSET : 0);
    if (origin.file !== undefined) at = writeString(buf, at, origin.file);
    if (origin.inode !== undefined) at = buf.writeDoubleLE(origin.inode, at);
    if (origin.offset !== undefined) at = buf.writeDoubleLE(origin.offset, at);
  }
  if (kafka) {
    at = writeString(buf, at, kafka.topic);
    at = buf.writeInt32LE(kafka.partition, at);
    at = buf.writeDoubleLE(kafka.offset, at);
    at = buf.writeDoubleLE(kafka.timestamp, at);
    if (kafka.key === null) at = buf.writeInt32LE(-1, at);
    else at = writeBytes(buf, at, kafka.key);
  }
  if (rejected !== undefined) at = writeString(buf, at, rejected);
  return at;
}

function writeString(buf: Buffer, at: number, s: string): number {
  const n = buf.write(s, at + 4, 'utf8');
  buf.writeUInt32LE(n, at);
  return at + 4 + n;
}

function writeBytes(buf: Buffer, at: number, bytes: Buffer): number {
  at = buf.writeUInt32LE(bytes.length, at);
  return at + bytes.copy(buf, at);
}

/** Reads sequentially; Buffer's own range checks throw on a record that does not hold together. */
export class EventReader {
  constructor(private readonly buf: Buffer, public at: number) {}

  event(): Event {
    const flags = this.buf[this.at++];
    const headers: Record<string, string> = {};
    for (let n = this.u32(); n > 0; n--) {
      const key = this.string();
      headers[key] = this.string();
    }
    const event: Event = {headers, body: this.bytes(this.u32())};
    if (flags & HAS_ORIGIN) event.origin = this.origin();
    if (flags & HAS_KAFKA) event.kafka = this.kafka();
    if (flags & HAS_REJECTED) event.rejected = this.string();
    return event;
  }

  private origin(): EventOrigin {
    const flags = this.buf[this.at++];
    const origin: EventOrigin = {};
    if (flags & ORIGIN_FILE) origin.file = this.string();
    if (flags & ORIGIN_INODE) origin.inode = this.f64();
    if (flags & ORIGIN_OFFSET) origin.offset = this.f64();
    return origin;
  }

  private kafka(): KafkaPosition {
    const topic = this.string();
    const partition = this.buf.readInt32LE(this.at);
    this.at += 4;
    const offset = this.f64();
    const timestamp = this.f64();
    const keyLength = this.buf.readInt32LE(this.at);
    this.at += 4;
    return {topic, partition, offset, timestamp, key: keyLength < 0 ? null : this.bytes(keyLength)};
  }

  u32(): number {
    const n = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return n;
  }

  f64(): number {
    const n = this.buf.readDoubleLE(this.at);
    this.at += 8;
    return n;
  }

  private string(): string {
    const n = this.u32();
    if (this.at + n > this.buf.length) throw new RangeError('string runs past the record');
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }

  /** A copy, so a replayed event does not pin the whole segment it was read from. */
  private bytes(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new RangeError('bytes run past the record');
    const out = Buffer.from(this.buf.subarray(this.at, this.at + n));
    this.at += n;
    return out;
  }
}
