import {crc32c as native} from '@node-rs/crc32';

/** CRC-32C (Castagnoli), as RecordBatch v2 uses it; SIMD through @node-rs/crc32. */
export function crc32c(data: Uint8Array): number {
  return native(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length)) >>> 0;
}
