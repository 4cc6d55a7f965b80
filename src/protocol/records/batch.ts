import {crc32c} from './crc32c.js';

/**
 * RecordBatch v2 header accessors (DefaultRecordBatch.java). The broker reads and patches only
 * the 61-byte header, never the records, so every codec passes through untouched (unless a
 * topic's compression.type names another codec: see withPayload).
 */
export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes before batchLength's count starts. */
export const LOG_OVERHEAD = 12;

export const Off = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
} as const;

export const Attr = {
  compressionMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
} as const;

export enum Compression {
  none = 0,
  gzip = 1,
  snappy = 2,
  lz4 = 3,
  zstd = 4,
}

export interface BatchHeader {
  baseOffset: number;
  /** Total size of the batch in bytes (batchLength + 12). */
  size: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

function writeInt64(buf: Buffer, at: number, v: number): void {
  buf.writeBigInt64BE(BigInt(v), at);
}

/** Reads the header of the batch starting at `at`. The caller checks there are 61 bytes. */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: readInt64(buf, at + Off.baseOffset),
    size: buf.readInt32BE(at + Off.batchLength) + LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(at + Off.partitionLeaderEpoch),
    magic: buf.readInt8(at + Off.magic),
    crc: buf.readUInt32BE(at + Off.crc),
    attributes: buf.readInt16BE(at + Off.attributes),
    lastOffsetDelta: buf.readInt32BE(at + Off.lastOffsetDelta),
    baseTimestamp: readInt64(buf, at + Off.baseTimestamp),
    maxTimestamp: readInt64(buf, at + Off.maxTimestamp),
    producerId: readInt64(buf, at + Off.producerId),
    producerEpoch: buf.readInt16BE(at + Off.producerEpoch),
    baseSequence: buf.readInt32BE(at + Off.baseSequence),
    recordsCount: buf.readInt32BE(at + Off.recordsCount),
  };
}

/** CRC-32C over attributes..end, as stored in the header. */
export function computeBatchCrc(batch: Buffer): number {
  return crc32c(batch.subarray(Off.attributes));
}

export function batchCrcValid(batch: Buffer): boolean {
  return batch.length >= BATCH_HEADER_SIZE && computeBatchCrc(batch) === batch.readUInt32BE(Off.crc);
}

/** Assigns the broker-owned fields, which lie outside the CRC. */
export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  writeInt64(batch, Off.baseOffset, baseOffset);
}

export function setPartitionLeaderEpoch(batch: Buffer, epoch: number): void {
  batch.writeInt32BE(epoch, Off.partitionLeaderEpoch);
}

/** For LogAppendTime topics: stamps the time, sets the attribute bit and recomputes the CRC. */
export function setLogAppendTime(batch: Buffer, now: number): void {
  batch.writeInt16BE(batch.readInt16BE(Off.attributes) | Attr.logAppendTime, Off.attributes);
  writeInt64(batch, Off.maxTimestamp, now);
  batch.writeUInt32BE(computeBatchCrc(batch), Off.crc);
}

/**
 * A copy of `batch` holding `payload` as its records, written with `codec` (none: the records
 * themselves): every header field is kept but the length, the codec bits and the CRC. For a broker
 * that stores batches in its topic's compression.type.
 */
export function withPayload(batch: Buffer, codec: Compression, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  payload.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - LOG_OVERHEAD, Off.batchLength);
  out.writeInt16BE((out.readInt16BE(Off.attributes) & ~Attr.compressionMask) | codec, Off.attributes);
  out.writeUInt32BE(computeBatchCrc(out), Off.crc);
  return out;
}

export function compressionOf(attributes: number): Compression {
  return attributes & Attr.compressionMask;
}

/**
 * Splits a buffer of concatenated batches into whole batches. A trailing partial batch is
 * ignored (reported through `rest`), as clients do.
 */
export function* iterateBatches(buf: Buffer): Generator<{at: number; header: BatchHeader}> {
  let at = 0;
  while (at + BATCH_HEADER_SIZE <= buf.length) {
    const header = readBatchHeader(buf, at);
    if (header.size < BATCH_HEADER_SIZE || at + header.size > buf.length) return;
    yield {at, header};
    at += header.size;
  }
}
