import {promisify} from 'node:util';
import type {ZlibOptions} from 'node:zlib';
import {Compression} from './batch.js';
import {lz4Bound, snappyBound, zstdBound} from './decompressed-size.js';

/**
 * Codecs for the compressed payload of a RecordBatch v2 (everything after recordsCount).
 *
 * compress() writes what the Java producer writes, so every consumer accepts it:
 * - gzip: a single gzip member, zlib default level (Java GZIPOutputStream).
 * - snappy: xerial framing with 32 KiB blocks (Java SnappyOutputStream). librdkafka and
 *   kafkajs codecs read xerial too.
 * - lz4: LZ4 frame, independent 64 KiB blocks, no checksums (KafkaLZ4BlockOutputStream;
 *   librdkafka writes the same frame descriptor 60 40 82).
 * - zstd: one frame at level 3 (zstd-jni's and librdkafka's default).
 *
 * decompress() accepts what any client writes: xerial or raw snappy (librdkafka), LZ4 frames
 * with or without content size, block or content checksums and linked blocks, zstd frames
 * with or without content size.
 */

/**
 * The codecs load on first use: a broker or collector that never meets a compressed batch does
 * not pay their start-up time and memory (even Node's zlib costs a broker ~7 ms to load).
 */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
const zstdCodec = lazy(() => import('@mongodb-js/zstd').then((m) => m.default));
const lz4Codec = lazy(() => import('lz4-napi').then((m) => m.default));
const snappyCodec = lazy(() => import('snappy').then((m) => m.default));

const zlibCodec = lazy(() => import('node:zlib').then(({default: zlib}) => ({gzip: promisify(zlib.gzip), gunzip: promisify(zlib.gunzip)})));
/** gzip at `level` (-1: zlib's default, 6, which Java's GZIPOutputStream uses too). */
const gzipAsync = async (data: Buffer, level = -1) => (await zlibCodec()).gzip(data, {level});
/** gunzip; `options.maxOutputLength` caps what it may produce (ERR_BUFFER_TOO_LARGE past it). */
export const gunzipAsync = async (data: Buffer, options: ZlibOptions = {}) => (await zlibCodec()).gunzip(data, options);

const CODEC_NAMES: Record<number, string> = {0: 'none', 1: 'gzip', 2: 'snappy', 3: 'lz4', 4: 'zstd'};

export function compressionName(codec: Compression): string {
  return CODEC_NAMES[codec] ?? `unknown(${codec})`;
}

/**
 * `level` is the codec's (gzip -1 or 1-9, zstd -131072 to 22: the broker's compression.gzip.level
 * and compression.zstd.level); snappy and lz4 have one level here.
 */
export async function compress(codec: Compression, data: Buffer, level?: number): Promise<Buffer> {
  switch (codec) {
    case Compression.none:
      return data;
    case Compression.gzip:
      return gzipAsync(data, level);
    case Compression.snappy:
      return xerialCompress(data);
    case Compression.lz4:
      return lz4FrameCompress(data);
    case Compression.zstd:
      return (await zstdCodec()).compress(data, level ?? ZSTD_LEVEL);
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}

/**
 * Decompressed payloads larger than this are refused unless the caller allows more: consumers
 * are not made to inflate a small hostile batch into gigabytes.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** A compressed payload that would decompress to more than the caller allows. */
export class DecompressedTooLargeError extends Error {
  constructor(codec: Compression, maxBytes: number, size?: number) {
    super(`${compressionName(codec)} decompression failed: the payload decompresses to ${size === undefined ? 'more than' : `${size} bytes, more than`} the ${maxBytes}-byte limit`);
    this.name = 'DecompressedTooLargeError';
  }
}

export async function decompress(codec: Compression, data: Buffer, maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): Promise<Buffer> {
  // What the codec's framing says the output can be, checked before inflating anything.
  const bound = codec === Compression.snappy ? snappyBound(data, (at) => isXerialHeader(data, at), XERIAL_HEADER_SIZE) : codec === Compression.lz4 ? lz4Bound(data) : codec === Compression.zstd ? zstdBound(data) : undefined;
  if (bound !== undefined && bound > maxBytes) throw new DecompressedTooLargeError(codec, maxBytes, codec === Compression.lz4 ? undefined : bound);
  let out: Buffer;
  try {
    switch (codec) {
      case Compression.none:
        return data;
      case Compression.gzip:
        out = await gunzipAsync(data, {maxOutputLength: maxBytes});
        break;
      case Compression.snappy:
        out = await snappyDecompress(data);
        break;
      case Compression.lz4:
        out = await (await lz4Codec()).decompressFrame(data);
        break;
      case Compression.zstd:
        out = await (await zstdCodec()).decompress(data);
        break;
      default:
        throw new Error(`unknown compression codec ${codec}`);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressedTooLargeError(codec, maxBytes);
    throw new Error(`${compressionName(codec)} decompression failed: ${(e as Error).message}`, {cause: e});
  }
  if (out.length > maxBytes) throw new DecompressedTooLargeError(codec, maxBytes, out.length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// zstd

const ZSTD_LEVEL = 3;

// ---------------------------------------------------------------------------------------------
// snappy, xerial framing: magic(8) version int32 compatibleVersion int32, then
// [int32 length, raw snappy block]*. Several streams may be concatenated.

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
export const XERIAL_HEADER_SIZE = 16;
/** SnappyOutputStream.DEFAULT_BLOCK_SIZE. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerialHeader(data: Buffer, at: number): boolean {
  return data.length - at >= XERIAL_MAGIC.length && data.compare(XERIAL_MAGIC, 0, 8, at, at + 8) === 0;
}

async function xerialCompress(data: Buffer): Promise<Buffer> {
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8); // version
  header.writeInt32BE(1, 12); // minimum compatible version
  // Blocks are independent, so they compress in parallel on the libuv pool.
  const snappy = await snappyCodec();
  const jobs: Promise<Buffer>[] = [];
  for (let at = 0; at < data.length; at += XERIAL_BLOCK_SIZE) {
    jobs.push(snappy.compress(data.subarray(at, at + XERIAL_BLOCK_SIZE)));
  }
  const blocks = await Promise.all(jobs);
  const parts: Buffer[] = [header];
  for (const block of blocks) {
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

async function snappyDecompress(data: Buffer): Promise<Buffer> {
  const snappy = await snappyCodec();
  if (!isXerialHeader(data, 0)) {
    // librdkafka writes one raw snappy block for the whole payload.
    return (await snappy.uncompress(data, {asBuffer: true})) as Buffer;
  }
  const blocks: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    if (isXerialHeader(data, at)) {
      if (data.length - at < XERIAL_HEADER_SIZE) throw new Error(`truncated xerial header at byte ${at}`);
      at += XERIAL_HEADER_SIZE;
      continue;
    }
    if (data.length - at < 4) throw new Error(`truncated xerial block length at byte ${at}`);
    const len = data.readInt32BE(at);
    at += 4;
    if (len < 0 || at + len > data.length) {
      throw new Error(`xerial block of ${len} bytes at byte ${at - 4} overruns the ${data.length}-byte payload`);
    }
    blocks.push(data.subarray(at, at + len));
    at += len;
  }
  const out = await Promise.all(blocks.map((b) => snappy.uncompress(b, {asBuffer: true}) as Promise<Buffer>));
  return out.length === 1 ? out[0] : Buffer.concat(out);
}

// ---------------------------------------------------------------------------------------------
// LZ4 frame. lz4-napi's own frame encoder picks up to 4 MiB blocks; Java's reader allocates the
// block size the descriptor names, so we write the 64 KiB frame Java and librdkafka write,
// from lz4-napi's block compressor (its output carries a 4-byte LE size prefix we drop).

/** magic 0x184D2204 LE, FLG 0x60 (version 1, independent blocks), BD 0x40 (64 KiB), HC. */
const LZ4_FRAME_HEADER = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
const LZ4_BLOCK_SIZE = 64 * 1024;
const LZ4_UNCOMPRESSED_FLAG = 0x8000_0000;

async function lz4FrameCompress(data: Buffer): Promise<Buffer> {
  const lz4 = await lz4Codec();
  const jobs: Promise<Buffer>[] = [];
  for (let at = 0; at < data.length; at += LZ4_BLOCK_SIZE) {
    jobs.push(lz4.compress(data.subarray(at, at + LZ4_BLOCK_SIZE)));
  }
  const blocks = await Promise.all(jobs);
  const parts: Buffer[] = [LZ4_FRAME_HEADER];
  blocks.forEach((prefixed, i) => {
    const block = prefixed.subarray(4);
    const raw = data.subarray(i * LZ4_BLOCK_SIZE, (i + 1) * LZ4_BLOCK_SIZE);
    const len = Buffer.allocUnsafe(4);
    // Incompressible blocks are stored as is, flagged by the high bit, as LZ4F does.
    if (block.length < raw.length) {
      len.writeUInt32LE(block.length, 0);
      parts.push(len, block);
    } else {
      len.writeUInt32LE((raw.length | LZ4_UNCOMPRESSED_FLAG) >>> 0, 0);
      parts.push(len, raw);
    }
  });
  parts.push(Buffer.alloc(4)); // EndMark
  return Buffer.concat(parts);
}
