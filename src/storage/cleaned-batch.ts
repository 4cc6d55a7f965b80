import {Reader} from '../protocol/reader.js';
import {Writer} from '../protocol/writer.js';
import {Attr, BATCH_HEADER_SIZE, type BatchHeader, Compression, LOG_OVERHEAD, Off, compressionOf, computeBatchCrc} from '../protocol/records/batch.js';
import {compress, decompress} from '../protocol/records/compression.js';

/**
 * What the log cleaner needs of a stored RecordBatch v2: its records' keys, tombstones and byte
 * spans, and a rebuilt batch that keeps a subset of them. The header's offsets, producer id,
 * epoch and sequence stay as they were (Kafka keeps the last offset so the producer's last
 * sequence survives), so a consumer sees the same offsets with gaps where records went.
 */

/** KIP-534: baseTimestamp holds the time after which the batch's tombstones may go. */
export const DELETE_HORIZON_FLAG = 0x40;

export interface CleanerRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  /** A null value: a tombstone. */
  tombstone: boolean;
  /** The record's bytes in the payload, length prefix included. */
  start: number;
  end: number;
}

export interface CleanerBatch {
  header: BatchHeader;
  bytes: Buffer;
  /** The uncompressed records section. */
  payload: Buffer;
  records: CleanerRecord[];
}

export function deleteHorizonOf(h: BatchHeader): number | undefined {
  return h.attributes & DELETE_HORIZON_FLAG ? h.baseTimestamp : undefined;
}

/** Walks a (non-control) batch's records; throws on a malformed one. */
export async function readCleanerBatch(bytes: Buffer, header: BatchHeader): Promise<CleanerBatch> {
  const codec = compressionOf(header.attributes);
  const raw = bytes.subarray(BATCH_HEADER_SIZE);
  const payload = codec === Compression.none ? raw : await decompress(codec, raw);
  const logAppendTime = (header.attributes & Attr.logAppendTime) !== 0;
  const records: CleanerRecord[] = [];
  const r = new Reader(payload);
  for (let i = 0; i < header.recordsCount; i++) {
    const start = r.offset;
    const len = r.varint();
    const end = r.offset + len;
    if (len < 0 || end > payload.length) throw new Error(`record ${i} of the batch at offset ${header.baseOffset} overruns it`);
    r.int8();
    const timestampDelta = r.varlong();
    const offsetDelta = r.varint();
    const keyLen = r.varint();
    const key = keyLen < 0 ? null : r.raw(keyLen);
    const tombstone = r.varint() < 0;
    r.offset = end;
    records.push({offset: header.baseOffset + offsetDelta, timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta, key, tombstone, start, end});
  }
  return {header, bytes, payload, records};
}

/**
 * The batch with only `kept` (in order), same codec. With `deleteHorizonMs` the batch is marked
 * as KIP-534 does and record timestamps are re-based on it, so every client reads the same times.
 * With nothing kept it is Kafka's empty batch: the header alone, which carries the producer's
 * last sequence.
 */
export async function rebuildBatch(b: CleanerBatch, kept: CleanerRecord[], deleteHorizonMs?: number): Promise<Buffer> {
  const h = b.header;
  const codec = kept.length === 0 ? Compression.none : compressionOf(h.attributes);
  let attributes = (h.attributes & ~Attr.compressionMask) | codec;
  let baseTimestamp = h.baseTimestamp;
  let records: Buffer;
  if (deleteHorizonMs !== undefined && kept.length > 0) {
    attributes |= DELETE_HORIZON_FLAG;
    baseTimestamp = deleteHorizonMs;
    records = rebase(b, kept, deleteHorizonMs);
  } else {
    records = Buffer.concat(kept.map((rec) => b.payload.subarray(rec.start, rec.end)));
  }
  const body = codec === Compression.none ? records : await compress(codec, records);
  let maxTimestamp = h.maxTimestamp;
  if (kept.length > 0 && !(h.attributes & Attr.logAppendTime)) {
    maxTimestamp = kept[0].timestamp;
    for (const rec of kept) if (rec.timestamp > maxTimestamp) maxTimestamp = rec.timestamp;
  }

  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + body.length);
  b.bytes.copy(out, 0, 0, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - LOG_OVERHEAD, Off.batchLength);
  out.writeInt16BE(attributes, Off.attributes);
  out.writeBigInt64BE(BigInt(baseTimestamp), Off.baseTimestamp);
  out.writeBigInt64BE(BigInt(maxTimestamp), Off.maxTimestamp);
  out.writeInt32BE(kept.length, Off.recordsCount);
  body.copy(out, BATCH_HEADER_SIZE);
  out.writeUInt32BE(computeBatchCrc(out), Off.crc);
  return out;
}

/** Re-encodes each record's timestamp delta against a new base; the rest is copied. */
function rebase(b: CleanerBatch, kept: CleanerRecord[], base: number): Buffer {
  const w = new Writer();
  for (const rec of kept) {
    const r = new Reader(b.payload, rec.start, rec.end);
    r.varint();
    const attributes = r.int8();
    r.varlong();
    const offsetDelta = r.varint();
    const rest = b.payload.subarray(r.offset, rec.end);
    const head = new Writer().int8(attributes).varlong(rec.timestamp - base).varint(offsetDelta).toBuffer();
    w.varint(head.length + rest.length).raw(head).raw(rest);
  }
  return w.toBuffer();
}
