import {LineEvent, bodyLength, copyBody, headersOf, type Event, type EventOrigin, type KafkaPosition} from './event.js';

/**
 * A whole Event as bytes (the forwarding wire, the file channel's log), big-endian: flags u8, headers (u32 count, then
 * key and value strings), body (u32 length + bytes), then origin, Kafka position and rejected
 * reason when the flags say so. Strings are u32 byte length + UTF-8; numbers that can pass 2^32
 * (inode, offsets, timestamps) are float64, exact up to 2^53.
 */

const HAS_ORIGIN = 1;
const HAS_KAFKA = 2;
const HAS_REJECTED = 4;
const REDELIVERED = 8;
const ORIGIN_FILE = 1;
const ORIGIN_INODE = 2;
const ORIGIN_OFFSET = 4;
const ORIGIN_HOST = 8;
const ORIGIN_ID = 16;
const ORIGIN_GENERATION = 32;

/** The bytes do not hold together: a peer that is not kcollect's, or a bug on one side. */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

const stringSize = (s: string) => 4 + Buffer.byteLength(s, 'utf8');

/**
 * An event's origin as its fields. A line of a file nobody gave another origin answers from its
 * read's shared origin: encoding a line must not make the origin object and body view it does
 * not have yet (a file channel holds up to its capacity of such lines in memory).
 */
function originOf(event: Event): EventOrigin | undefined {
  if (!(event instanceof LineEvent) || !event.plainOrigin) return event.origin;
  scratchOrigin.file = event.from.file;
  scratchOrigin.inode = event.from.inode;
  scratchOrigin.offset = event.offset;
  scratchOrigin.generation = event.from.generation > 0 ? event.from.generation : undefined;
  return scratchOrigin;
}
/** originOf's answer for a line: filled on each call, read before the next. */
const scratchOrigin: EventOrigin = {file: '', inode: 0, offset: 0};

export function encodedEventSize(event: Event): number {
  let size = 1 + 4 + 4 + bodyLength(event);
  const headers = headersOf(event);
  for (const key in headers) size += stringSize(key) + stringSize(headers[key]);
  const {kafka, rejected} = event;
  const origin = originOf(event);
  if (origin) {
    size += 1;
    if (origin.file !== undefined) size += stringSize(origin.file);
    if (origin.inode !== undefined) size += 8;
    if (origin.offset !== undefined) size += 8;
    if (origin.host !== undefined) size += stringSize(origin.host);
    if (origin.id !== undefined) size += stringSize(origin.id);
    if (origin.generation !== undefined) size += 8;
  }
  if (kafka) size += stringSize(kafka.topic) + 4 + 8 + 8 + 4 + (kafka.key?.length ?? 0);
  if (rejected !== undefined) size += stringSize(rejected);
  return size;
}

/** Writes `event` at `at` into a buffer sized with encodedEventSize; returns the end. */
export function writeEvent(buf: Buffer, at: number, event: Event): number {
  const {kafka, rejected} = event;
  const origin = originOf(event);
  buf[at++] = (origin ? HAS_ORIGIN : 0) | (kafka ? HAS_KAFKA : 0) | (rejected !== undefined ? HAS_REJECTED : 0) | (event.redelivered ? REDELIVERED : 0);
  const headers = headersOf(event);
  const keys = Object.keys(headers);
  at = buf.writeUInt32BE(keys.length, at);
  for (const key of keys) {
    at = writeString(buf, at, key);
    at = writeString(buf, at, headers[key]);
  }
  at = buf.writeUInt32BE(bodyLength(event), at);
  at += copyBody(event, buf, at);
  if (origin) {
    buf[at++] =
      (origin.file !== undefined ? ORIGIN_FILE : 0) |
      (origin.inode !== undefined ? ORIGIN_INODE : 0) |
      (origin.offset !== undefined ? ORIGIN_OFFSET : 0) |
      (origin.host !== undefined ? ORIGIN_HOST : 0) |
      (origin.id !== undefined ? ORIGIN_ID : 0) |
      (origin.generation !== undefined ? ORIGIN_GENERATION : 0);
    if (origin.file !== undefined) at = writeString(buf, at, origin.file);
    if (origin.inode !== undefined) at = buf.writeDoubleBE(origin.inode, at);
    if (origin.offset !== undefined) at = buf.writeDoubleBE(origin.offset, at);
    if (origin.host !== undefined) at = writeString(buf, at, origin.host);
    if (origin.id !== undefined) at = writeString(buf, at, origin.id);
    if (origin.generation !== undefined) at = buf.writeDoubleBE(origin.generation, at);
  }
  if (kafka) {
    at = writeString(buf, at, kafka.topic);
    at = buf.writeInt32BE(kafka.partition, at);
    at = buf.writeDoubleBE(kafka.offset, at);
    at = buf.writeDoubleBE(kafka.timestamp, at);
    at = kafka.key === null ? buf.writeInt32BE(-1, at) : writeBytes(buf, at, kafka.key);
  }
  if (rejected !== undefined) at = writeString(buf, at, rejected);
  return at;
}

function writeString(buf: Buffer, at: number, s: string): number {
  const n = buf.write(s, at + 4, 'utf8');
  buf.writeUInt32BE(n, at);
  return at + 4 + n;
}

function writeBytes(buf: Buffer, at: number, bytes: Buffer): number {
  at = buf.writeUInt32BE(bytes.length, at);
  return at + bytes.copy(buf, at);
}

/** Reads events one after the other; every length is checked against what is left. */
export class EventReader {
  constructor(
    private readonly buf: Buffer,
    public at = 0,
  ) {}

  get remaining(): number {
    return this.buf.length - this.at;
  }

  event(): Event {
    const flags = this.u8();
    const headers: Record<string, string> = {};
    for (let n = this.count(8); n > 0; n--) {
      const key = this.string();
      headers[key] = this.string();
    }
    const event: Event = {headers, body: this.bytes(this.u32())};
    if (flags & HAS_ORIGIN) event.origin = this.origin();
    if (flags & HAS_KAFKA) event.kafka = this.kafka();
    if (flags & HAS_REJECTED) event.rejected = this.string();
    if (flags & REDELIVERED) event.redelivered = true;
    return event;
  }

  private origin(): EventOrigin {
    const flags = this.u8();
    const origin: EventOrigin = {};
    if (flags & ORIGIN_FILE) origin.file = this.string();
    if (flags & ORIGIN_INODE) origin.inode = this.f64();
    if (flags & ORIGIN_OFFSET) origin.offset = this.f64();
    if (flags & ORIGIN_HOST) origin.host = this.string();
    if (flags & ORIGIN_ID) origin.id = this.string();
    if (flags & ORIGIN_GENERATION) origin.generation = this.f64();
    return origin;
  }

  private kafka(): KafkaPosition {
    const topic = this.string();
    const partition = this.need(4).readInt32BE(this.at - 4);
    const offset = this.f64();
    const timestamp = this.f64();
    const keyLength = this.need(4).readInt32BE(this.at - 4);
    return {topic, partition, offset, timestamp, key: keyLength < 0 ? null : this.bytes(keyLength)};
  }

  /** A count of items at least `minItemBytes` each: one the rest of the bytes cannot hold is garbage. */
  count(minItemBytes: number): number {
    const n = this.u32();
    if (n * minItemBytes > this.remaining) throw new WireFormatError(`count ${n} does not fit in the ${this.remaining} bytes left`);
    return n;
  }

  u8(): number {
    return this.need(1)[this.at - 1];
  }

  u32(): number {
    return this.need(4).readUInt32BE(this.at - 4);
  }

  private f64(): number {
    return this.need(8).readDoubleBE(this.at - 8);
  }

  string(): string {
    const n = this.u32();
    return this.need(n).toString('utf8', this.at - n, this.at);
  }

  /** A copy, so an event kept in a channel does not pin the whole frame it came in. */
  private bytes(n: number): Buffer {
    return Buffer.from(this.need(n).subarray(this.at - n, this.at));
  }

  /** Moves past `n` bytes, throwing when they are not there; returns the buffer for reading them. */
  private need(n: number): Buffer {
    if (n > this.remaining) throw new WireFormatError(`${n} bytes needed at ${this.at}, ${this.remaining} left`);
    this.at += n;
    return this.buf;
  }
}
