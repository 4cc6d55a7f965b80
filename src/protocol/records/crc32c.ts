import {createRequire} from 'node:module';

type Crc32c = typeof import('@node-rs/crc32').crc32c;

// Required, not imported: importing any CommonJS package from ESM starts Node's WebAssembly
// export lexer (about 3 MiB of a broker's idle RSS on Node 20, bench:startup). Required on first
// use, not at load: opening the native library costs a broker about 12 ms of CPU before it listens.
let native: Crc32c | undefined;

/** CRC-32C (Castagnoli), as RecordBatch v2 uses it; SIMD through @node-rs/crc32. */
export function crc32c(data: Uint8Array): number {
  native ??= (createRequire(import.meta.url)('@node-rs/crc32') as typeof import('@node-rs/crc32')).crc32c;
  return native(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length)) >>> 0;
}
