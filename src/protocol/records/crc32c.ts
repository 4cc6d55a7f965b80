import {createRequire} from 'node:module';

// Required, not imported: importing any CommonJS package from ESM starts Node's WebAssembly
// export lexer (about 3 MiB of a broker's idle RSS on Node 20, bench:startup), and this is the
// only CommonJS package a broker loads at start.
const {crc32c: native} = createRequire(import.meta.url)('@node-rs/crc32') as typeof import('@node-rs/crc32');

/** CRC-32C (Castagnoli), as RecordBatch v2 uses it; SIMD through @node-rs/crc32. */
export function crc32c(data: Uint8Array): number {
  return native(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length)) >>> 0;
}
