import {crc32c} from '../../src/protocol/records/crc32c.js';

/** Zig-zag varint, as RecordBatch v2 records use. */
function varint(n: number): number[] {
  let u = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (u >= 0x80) {
    out.push((u % 0x80) | 0x80);
    u = Math.floor(u / 0x80);
  }
  out.push(u);
  return out;
}

export interface BatchSpec {
  /** Timestamp of each record; defaults to `timestamp` for all. */
  timestamps?: number[];
  timestamp?: number;
  /** Value of record i; defaults to "v<i>" padded to valueSize. */
  value?: (i: number) => Buffer;
  valueSize?: number;
}

/** A valid uncompressed RecordBatch v2 as a producer sends it (baseOffset 0, epoch -1). */
export function makeBatch(count: number, spec: BatchSpec = {}): Buffer {
  const ts = spec.timestamps ?? Array.from({length: count}, () => spec.timestamp ?? 1_700_000_000_000);
  const baseTs = ts[0];
  const maxTs = Math.max(...ts);
  const records: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const value = spec.value ? spec.value(i) : Buffer.from(`v${i}`.padEnd(spec.valueSize ?? 8, '.'));
    const body = Buffer.concat([
      Buffer.from([0, ...varint(ts[i] - baseTs), ...varint(i), ...varint(-1), ...varint(value.length)]),
      value,
      Buffer.from(varint(0)),
    ]);
    records.push(Buffer.from(varint(body.length)), body);
  }
  const payload = Buffer.concat(records);
  const batch = Buffer.alloc(61 + payload.length);
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(0, 21);
  batch.writeInt32BE(count - 1, 23);
  batch.writeBigInt64BE(BigInt(baseTs), 27);
  batch.writeBigInt64BE(BigInt(maxTs), 35);
  batch.writeBigInt64BE(-1n, 43);
  batch.writeInt16BE(-1, 51);
  batch.writeInt32BE(-1, 53);
  batch.writeInt32BE(count, 57);
  payload.copy(batch, 61);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

export function baseOffsetOf(batch: Buffer): number {
  return Number(batch.readBigInt64BE(0));
}

export function lastOffsetOf(batch: Buffer): number {
  return baseOffsetOf(batch) + batch.readInt32BE(23);
}
