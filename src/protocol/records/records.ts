import {Reader} from '../reader.js';
import {
  Attr,
  BATCH_HEADER_SIZE,
  type BatchHeader,
  Compression,
  LOG_OVERHEAD,
  Off,
  compressionOf,
  computeBatchCrc,
  iterateBatches,
  readBatchHeader,
} from './batch.js';
import {compress, compressionName, decompress} from './compression.js';
import {copyRange} from '../../lib/copy-range.js';

/** One record of a RecordBatch v2, with absolute offset and timestamp. */
export interface KafkaRecord {
  /** Set when decoded with DecodeOptions.origin (a consumer's records). */
  topic?: string;
  partition?: number;
  offset: number;
  timestamp: number;
  /** key, value and header values share memory with the input (or the decompressed payload). */
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{key: string; value: Buffer | null}>;
}

export interface DecodedBatch {
  header: BatchHeader;
  /** Empty for control batches (transaction markers), which clients never surface. */
  records: KafkaRecord[];
}

export interface DecodeOptions {
  /** Check each batch's CRC-32C as a consumer with check.crcs=true does. Default true. */
  verifyCrc?: boolean;
  /** A compressed batch decompressing to more is an error (default DEFAULT_MAX_DECOMPRESSED_BYTES). */
  maxDecompressedBytes?: number;
  /** Stamp every record with where it was fetched from, so a consumer needs no copy of each. */
  origin?: {topic: string; partition: number};
}

/**
 * Decodes concatenated RecordBatch v2 batches (a Produce or Fetch records field). A trailing
 * partial batch is ignored, as clients do with Fetch responses truncated at max_bytes. A
 * malformed batch throws an Error naming its base offset.
 */
export async function decodeBatches(buf: Buffer, opts: DecodeOptions = {}): Promise<DecodedBatch[]> {
  const verifyCrc = opts.verifyCrc ?? true;
  const out: DecodedBatch[] = [];
  let end = 0;
  for (const {at, header} of iterateBatches(buf)) {
    end = at + header.size;
    const batch = buf.subarray(at, end);
    const where = `batch at offset ${header.baseOffset} (byte ${at})`;
    if (header.magic !== 2) throw new Error(`${where}: unsupported magic ${header.magic}, only RecordBatch v2 is supported`);
    if (verifyCrc) {
      const crc = computeBatchCrc(batch);
      if (crc !== header.crc) {
        throw new Error(`${where}: CRC-32C mismatch (stored ${hex32(header.crc)}, computed ${hex32(crc)})`);
      }
    }
    if (header.attributes & Attr.control) {
      out.push({header, records: []});
      continue;
    }
    const codec = compressionOf(header.attributes);
    let payload = batch.subarray(BATCH_HEADER_SIZE);
    if (codec !== Compression.none) {
      try {
        payload = await decompress(codec, payload, opts.maxDecompressedBytes);
      } catch (e) {
        throw new Error(`${where}: ${(e as Error).message}`, {cause: e});
      }
    }
    try {
      out.push({header, records: decodeRecords(header, payload, opts.origin)});
    } catch (e) {
      const codecNote = codec === Compression.none ? '' : ` (${compressionName(codec)} payload)`;
      throw new Error(`${where}${codecNote}: ${(e as Error).message}`, {cause: e});
    }
  }
  // iterateBatches also stops at a length too small to be a batch; that is corruption, not a
  // partial batch, and would otherwise hide every later batch silently.
  if (buf.length - end >= LOG_OVERHEAD) {
    const size = buf.readInt32BE(end + Off.batchLength) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE) {
      throw new Error(`batch at byte ${end}: batchLength ${size - LOG_OVERHEAD} is smaller than a batch header`);
    }
  }
  return out;
}

/**
 * The records of one uncompressed batch, synchronously (the broker reading its own
 * __consumer_offsets records); a compressed batch throws.
 */
export function decodeUncompressedBatch(batch: Buffer): KafkaRecord[] {
  const header = readBatchHeader(batch);
  if (header.attributes & Attr.control) return [];
  if (compressionOf(header.attributes) !== Compression.none) throw new Error(`batch at offset ${header.baseOffset} is compressed`);
  return decodeRecords(header, batch.subarray(BATCH_HEADER_SIZE, header.size));
}

function hex32(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

function decodeRecords(header: BatchHeader, data: Buffer, origin?: DecodeOptions['origin']): KafkaRecord[] {
  const count = header.recordsCount;
  // Every record takes at least 7 bytes, so a hostile count cannot make us loop or allocate.
  if (count < 0 || count * 7 > data.length) {
    throw new Error(`recordsCount ${count} does not fit in ${data.length} bytes of records`);
  }
  const logAppendTime = (header.attributes & Attr.logAppendTime) !== 0;
  const r = new Reader(data);
  // One reader for the inside of every record, moved from record to record (not one each).
  const inside = new Reader(data);
  const records: KafkaRecord[] = new Array(count);
  let i = 0;
  try {
    for (; i < count; i++) records[i] = decodeRecord(r, inside, header, logAppendTime, origin);
  } catch (e) {
    throw new Error(`record ${i}: ${(e as Error).message}`, {cause: e});
  }
  // Java's RecordIterator rejects this too ("records still remaining").
  if (r.remaining !== 0) throw new Error(`${r.remaining} bytes left after ${count} records`);
  return records;
}

function decodeRecord(r: Reader, rr: Reader, header: BatchHeader, logAppendTime: boolean, origin: DecodeOptions['origin']): KafkaRecord {
  const len = r.varint();
  const end = r.offset + len;
  if (len < 0 || end > r.end) throw new Error(`length ${len} overruns the records`);
  rr.offset = r.offset;
  rr.end = end;
  rr.int8(); // attributes, unused
  const timestampDelta = rr.varlong();
  const offsetDelta = rr.varint();
  const key = nullableVarBytes(rr);
  const valueLength = rr.varint();
  const valueStart = valueLength < 0 ? 0 : rr.skip(valueLength);
  const headerCount = rr.varint();
  if (headerCount < 0 || headerCount * 2 > rr.remaining) throw new Error(`bad header count ${headerCount}`);
  const headersStart = rr.offset;
  // A consumer's record checks its headers' layout now and makes them when read (a drain to files
  // reads none); the others get them made.
  let headers = NO_HEADERS;
  if (origin) skipHeaders(rr, headerCount);
  else headers = readHeaders(rr, headerCount);
  if (rr.remaining !== 0) throw new Error(`${rr.remaining} bytes left over inside its declared length`);
  r.offset = end;
  const offset = header.baseOffset + offsetDelta;
  // Consumers stamp every record of a LogAppendTime batch with the broker's time.
  const timestamp = logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
  if (origin) return new ConsumedRecord(origin.topic, origin.partition, offset, timestamp, key, rr.buf, valueStart, valueLength, headersStart, headerCount);
  return {topic: undefined, partition: undefined, offset, timestamp, key, value: valueLength < 0 ? null : rr.buf.subarray(valueStart, valueStart + valueLength), headers};
}

function readHeaders(rr: Reader, count: number): KafkaRecord['headers'] {
  if (count === 0) return NO_HEADERS;
  const headers: KafkaRecord['headers'] = new Array(count);
  for (let h = 0; h < count; h++) {
    const keyLen = rr.varint();
    if (keyLen < 0) throw new Error('null header key');
    const key = rr.raw(keyLen).toString('utf8');
    headers[h] = {key, value: nullableVarBytes(rr)};
  }
  return headers;
}

/** Moves past `count` headers, checking them as readHeaders would. */
function skipHeaders(rr: Reader, count: number): void {
  for (let h = 0; h < count; h++) {
    const keyLen = rr.varint();
    if (keyLen < 0) throw new Error('null header key');
    rr.skip(keyLen);
    const valueLen = rr.varint();
    if (valueLen >= 0) rr.skip(valueLen);
  }
}

/**
 * A consumer's record (decoded with DecodeOptions.origin). Its value and headers are made only
 * when read: a sink that copies value bytes (copyValue) straight from the fetched buffer makes
 * neither, which saves a Buffer and, for a collector's records, four header objects per record on
 * a drain of millions.
 */
export class ConsumedRecord implements KafkaRecord {
  readonly #bytes: Buffer;
  readonly #valueStart: number;
  readonly #valueLength: number;
  readonly #headersStart: number;
  readonly #headerCount: number;
  #headers: KafkaRecord['headers'] | undefined;

  constructor(
    public topic: string,
    public partition: number,
    public offset: number,
    public timestamp: number,
    public key: Buffer | null,
    bytes: Buffer,
    valueStart: number,
    valueLength: number,
    headersStart: number,
    headerCount: number,
  ) {
    this.#bytes = bytes;
    this.#valueStart = valueStart;
    this.#valueLength = valueLength;
    this.#headersStart = headersStart;
    this.#headerCount = headerCount;
  }

  // Accessors, not fields: a copy made by spreading ({...record, value}) keeps none of them, so
  // nothing can read the length or bytes of a value the copy replaced; a copy names its headers.
  get value(): Buffer | null {
    return this.#valueLength < 0 ? null : this.#bytes.subarray(this.#valueStart, this.#valueStart + this.#valueLength);
  }

  get headers(): KafkaRecord['headers'] {
    if (this.#headers === undefined) {
      const rr = new Reader(this.#bytes);
      rr.offset = this.#headersStart;
      this.#headers = readHeaders(rr, this.#headerCount);
    }
    return this.#headers;
  }

  /** Bytes of the value; -1 for a null value. */
  get valueLength(): number {
    return this.#valueLength;
  }

  /** Copies the value's bytes (none for null) into target at `at`; returns how many. */
  copyValue(target: Buffer, at: number): number {
    if (this.#valueLength <= 0) return 0;
    return copyRange(this.#bytes, this.#valueStart, this.#valueStart + this.#valueLength, target, at);
  }
}

/** Shared by every record without headers (most of a log), frozen so no reader can add to it. */
const NO_HEADERS: KafkaRecord['headers'] = Object.freeze([]) as unknown as KafkaRecord['headers'];

function nullableVarBytes(r: Reader): Buffer | null {
  const n = r.varint();
  return n < 0 ? null : r.raw(n);
}

// ---------------------------------------------------------------------------------------------

export type Bytes = Buffer | Uint8Array | string;

export type HeaderValue = Bytes | null;

/**
 * A header whose value is `prefix` followed by the decimal digits of a record's `headerNumber`:
 * key and prefix shared by many records (a collector's origin header: its read's `host:inode:`,
 * then each line's offset), so a record carries it without a header object or string of its own.
 */
export interface NumberedHeader {
  key: string;
  prefix: Buffer;
}

export interface RecordInput {
  key?: Bytes | null;
  value: Bytes | null;
  /**
   * A value that lies in a larger buffer (a line in its read chunk, a fetched record) may give its
   * length (-1: null) and copy itself instead: the encoder then never asks for `value`, so no
   * Buffer view is made per record.
   */
  valueLength?: number;
  copyValue?(target: Buffer, at: number): number;
  headers?: Array<{key: string; value: HeaderValue}>;
  /** A last header after `headers`, its value numberedHeader.prefix then headerNumber's digits (a whole number). */
  numberedHeader?: NumberedHeader;
  headerNumber?: number;
  /** CreateTime in ms; defaults to opts.baseTimestamp, else Date.now(). */
  timestamp?: number;
}

export interface EncodeOptions {
  compression?: Compression;
  /** Timestamp for records that carry none (default Date.now()). */
  baseTimestamp?: number;
  /** Idempotent producers: id ≥ 0 with epoch and the first record's sequence. Default -1. */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  /** A transaction marker batch (the broker's only). */
  control?: boolean;
}

function toBuffer(b: Bytes | null | undefined): Buffer | null {
  if (b === null || b === undefined) return null;
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Bytes of a record's value (0 for null), without making a Buffer of a value given in place. */
export function valueBytes(record: Pick<RecordInput, 'value' | 'valueLength' | 'copyValue'>): number {
  if (record.copyValue !== undefined && record.valueLength !== undefined) return Math.max(0, record.valueLength);
  const value = record.value;
  return value === null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** Encoded length of a header value; -1 for null. */
function byteLength(b: HeaderValue): number {
  if (b === null) return -1;
  return typeof b === 'string' ? Buffer.byteLength(b) : b.length;
}

/** Decimal digits of a whole number (comparisons, not divisions: once per record). */
function digitCount(n: number): number {
  let digits = 1;
  for (let bound = 10; n >= bound; bound *= 10) digits++;
  return digits;
}

/** Writes the `digits` decimal digits of whole number `n` at `at`; returns the end. */
function putDigits(buf: Buffer, at: number, n: number, digits: number): number {
  const end = at + digits;
  let rest = n;
  // Integer arithmetic while it fits 31 bits (offsets of files under 2 GiB), floats beyond.
  for (let d = end - 1; d >= at; d--) {
    const next = rest < 0x80000000 ? (rest / 10) | 0 : Math.floor(rest / 10);
    buf[d] = 0x30 + (rest - next * 10);
    rest = next;
  }
  return end;
}

/** Bytes of a zig-zag varint; exact for |v| < 2^52, which covers timestamp deltas. */
function varintSize(v: number): number {
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  // Below 2^31 (sizes, deltas, lengths: nearly all) in integer steps.
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  let n = 1;
  while (u >= 0x80) {
    u = Math.floor(u / 0x80);
    n++;
  }
  return n;
}

/**
 * Builds one RecordBatch v2 as a Java producer does (MemoryRecordsBuilder): baseOffset 0,
 * partitionLeaderEpoch -1, offset deltas 0..n-1, baseTimestamp = the first record's
 * timestamp, maxTimestamp = the largest, CreateTime, CRC-32C over attributes..end.
 */
export async function encodeBatch(records: RecordInput[], opts: EncodeOptions = {}): Promise<Buffer> {
  const codec = opts.compression ?? Compression.none;
  if (codec === Compression.none) return encodeBatchUncompressed(records, opts);
  const {buf, baseTimestamp, maxTimestamp} = encodeRecords(records, opts, 0);
  const payload = await compress(codec, buf);
  const batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  payload.copy(batch, BATCH_HEADER_SIZE);
  return assembleBatch(batch, records.length, baseTimestamp, maxTimestamp, opts);
}

/** encodeBatch without compression, synchronously: for the broker's own records (__consumer_offsets). */
export function encodeBatchUncompressed(records: RecordInput[], opts: Omit<EncodeOptions, 'compression'> = {}): Buffer {
  // The records are written straight after the batch header's room: no copy of the values.
  const {buf, baseTimestamp, maxTimestamp} = encodeRecords(records, opts, BATCH_HEADER_SIZE);
  return assembleBatch(buf, records.length, baseTimestamp, maxTimestamp, {...opts, compression: Compression.none});
}

/**
 * The records, encoded after `headroom` bytes left free, in one buffer of exactly their size:
 * sizes are counted first, then every record is written in place (each value is copied once).
 */
function encodeRecords(records: RecordInput[], opts: EncodeOptions, headroom: number): {buf: Buffer; baseTimestamp: number; maxTimestamp: number} {
  if (records.length === 0) throw new Error('a record batch needs at least one record');
  const defaultTs = opts.baseTimestamp ?? Date.now();

  // Each record's parts, asked for once: a record may build its headers on each request.
  const count = records.length;
  if (parts.sizes.length < count) parts = new RecordParts(count * 2);
  const {timestamps, keys, values, valueLengths, headerLists, numberDigits, sizes} = parts;
  const baseTimestamp = records[0].timestamp ?? defaultTs;
  let maxTimestamp = baseTimestamp;
  let total = headroom;
  for (let i = 0; i < count; i++) {
    const rec = records[i];
    const timestamp = (timestamps[i] = rec.timestamp ?? defaultTs);
    if (!Number.isSafeInteger(timestamp)) throw new Error(`timestamp ${timestamp} is not an integer`);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const key = (keys[i] = toBuffer(rec.key));
    const inPlace = rec.copyValue !== undefined && rec.valueLength !== undefined;
    const value = (values[i] = inPlace ? null : toBuffer(rec.value));
    const valueLength = (valueLengths[i] = inPlace ? rec.valueLength! : value ? value.length : -1);
    const headers = (headerLists[i] = rec.headers ?? NO_HEADERS);
    let size = 1 + varintSize(timestamp - baseTimestamp) + varintSize(i);
    size += key ? varintSize(key.length) + key.length : 1;
    size += valueLength < 0 ? 1 : varintSize(valueLength) + valueLength;
    for (let h = 0; h < headers.length; h++) {
      const k = headerKey(headers[h].key);
      size += varintSize(k.length) + k.length;
      const n = byteLength(headers[h].value);
      size += n < 0 ? 1 : varintSize(n) + n;
    }
    const numbered = rec.numberedHeader;
    numberDigits[i] = 0;
    if (numbered) {
      const k = headerKey(numbered.key);
      const digits = (numberDigits[i] = digitCount(rec.headerNumber!));
      size += varintSize(k.length) + k.length + varintSize(numbered.prefix.length + digits) + numbered.prefix.length + digits;
    }
    size += varintSize(headers.length + (numbered ? 1 : 0));
    sizes[i] = size;
    total += varintSize(size) + size;
  }

  const buf = Buffer.allocUnsafe(total);
  let at = headroom;
  for (let i = 0; i < count; i++) {
    const key = keys[i];
    const value = values[i];
    const headers = headerLists[i];
    // varint() writes the same bytes as varlong() for |v| < 2^52, without BigInt.
    at = putVarint(buf, at, sizes[i]);
    buf[at++] = 0; // attributes
    at = putVarint(buf, at, timestamps[i] - baseTimestamp);
    at = putVarint(buf, at, i);
    if (key) {
      at = putVarint(buf, at, key.length);
      at += key.copy(buf, at);
    } else at = putVarint(buf, at, -1);
    at = putVarint(buf, at, valueLengths[i]);
    if (value) at += value.copy(buf, at);
    else if (valueLengths[i] > 0) at += records[i].copyValue!(buf, at);
    const digits = numberDigits[i];
    at = putVarint(buf, at, headers.length + (digits > 0 ? 1 : 0));
    for (let h = 0; h < headers.length; h++) {
      const k = headerKey(headers[h].key);
      at = putVarint(buf, at, k.length);
      at += k.copy(buf, at);
      // Strings (a collector's origin header) are written as UTF-8 without a Buffer of their own.
      const v = headers[h].value;
      if (v === null) at = putVarint(buf, at, -1);
      else if (typeof v === 'string') {
        const n = Buffer.byteLength(v);
        at = putVarint(buf, at, n);
        at += buf.write(v, at, n, 'utf8');
      } else {
        const bytes = toBuffer(v)!;
        at = putVarint(buf, at, bytes.length);
        at += bytes.copy(buf, at);
      }
    }
    if (digits > 0) {
      const {key, prefix} = records[i].numberedHeader!;
      const k = headerKey(key);
      at = putVarint(buf, at, k.length);
      at += copyRange(k, 0, k.length, buf, at);
      at = putVarint(buf, at, prefix.length + digits);
      at += copyRange(prefix, 0, prefix.length, buf, at);
      at = putDigits(buf, at, records[i].headerNumber!, digits);
    }
  }
  // Nothing of this batch stays reachable from the shared arrays.
  keys.fill(null, 0, count);
  values.fill(null, 0, count);
  headerLists.fill(NO_HEADERS, 0, count);
  return {buf, baseTimestamp, maxTimestamp};
}

/**
 * encodeRecords' per-record parts, shared by every call (each runs to its end without yielding):
 * a collector encodes a batch of ~1,000 lines every millisecond or two, and seven arrays per batch
 * were a sixth of what it allocated.
 */
class RecordParts {
  readonly timestamps: Float64Array;
  readonly keys: Array<Buffer | null>;
  readonly values: Array<Buffer | null>;
  readonly valueLengths: Float64Array;
  readonly headerLists: Array<Array<{key: string; value: HeaderValue}>>;
  /** Digits of each record's numbered header; 0: it has none. */
  readonly numberDigits: Uint8Array;
  readonly sizes: Float64Array;

  constructor(n: number) {
    this.timestamps = new Float64Array(n);
    this.keys = new Array<Buffer | null>(n).fill(null);
    this.values = new Array<Buffer | null>(n).fill(null);
    this.valueLengths = new Float64Array(n);
    this.headerLists = new Array<Array<{key: string; value: HeaderValue}>>(n).fill(NO_HEADERS);
    this.numberDigits = new Uint8Array(n);
    this.sizes = new Float64Array(n);
  }
}
let parts = new RecordParts(1024);

/**
 * Header keys as UTF-8, kept between batches: they repeat on every record of every batch (a
 * collector's origin header). Bounded, for producers that copy records with keys of all kinds.
 */
const headerKeys = new Map<string, Buffer>();
let lastKey: string | undefined;
let lastKeyBytes: Buffer = Buffer.alloc(0);
function headerKey(k: string): Buffer {
  // Mostly the very key asked for before: no map lookup then.
  if (k !== lastKey) {
    let bytes = headerKeys.get(k);
    if (bytes === undefined) {
      if (headerKeys.size >= 1024) headerKeys.clear();
      headerKeys.set(k, (bytes = Buffer.from(k, 'utf8')));
    }
    lastKey = k;
    lastKeyBytes = bytes;
  }
  return lastKeyBytes;
}

/** Writes `v` as a zig-zag varint at `at`; returns the end. Exact for |v| < 2^52. */
function putVarint(buf: Buffer, at: number, v: number): number {
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  if (u < 0x80000000) {
    // Nearly every varint of a batch: integer steps instead of a division each.
    while (u >= 0x80) {
      buf[at++] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
    buf[at++] = u;
    return at;
  }
  while (u >= 0x80) {
    buf[at++] = (u % 0x80) | 0x80;
    u = Math.floor(u / 0x80);
  }
  buf[at++] = u;
  return at;
}

/** Fills in the header of a batch whose records (or compressed records) follow BATCH_HEADER_SIZE bytes of room. */
function assembleBatch(batch: Buffer, count: number, baseTimestamp: number, maxTimestamp: number, opts: EncodeOptions): Buffer {
  const codec = opts.compression ?? Compression.none;
  batch.writeBigInt64BE(0n, Off.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, Off.batchLength);
  batch.writeInt32BE(-1, Off.partitionLeaderEpoch);
  batch.writeInt8(2, Off.magic);
  batch.writeInt16BE(codec | (opts.transactional ? Attr.transactional : 0) | (opts.control ? Attr.control : 0), Off.attributes);
  batch.writeInt32BE(count - 1, Off.lastOffsetDelta);
  batch.writeBigInt64BE(BigInt(baseTimestamp), Off.baseTimestamp);
  batch.writeBigInt64BE(BigInt(maxTimestamp), Off.maxTimestamp);
  batch.writeBigInt64BE(BigInt(opts.producerId ?? -1), Off.producerId);
  batch.writeInt16BE(opts.producerEpoch ?? -1, Off.producerEpoch);
  batch.writeInt32BE(opts.baseSequence ?? -1, Off.baseSequence);
  batch.writeInt32BE(count, Off.recordsCount);
  batch.writeUInt32BE(computeBatchCrc(batch), Off.crc);
  return batch;
}
