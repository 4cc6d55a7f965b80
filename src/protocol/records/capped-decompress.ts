import {Compression} from './batch.js';
import {compressionName, decompress, gunzipAsync, isXerialHeader, XERIAL_HEADER_SIZE} from './compression.js';

/**
 * decompress() that never yields more than `maxBytes`: the framing's bound is checked before
 * anything is allocated (gzip stops at maxOutputLength), the real size after.
 */
export async function decompressCapped(codec: Compression, data: Buffer, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new Error(`${compressionName(codec)} payload decompresses to more than ${maxBytes} bytes`);
  let out: Buffer;
  if (codec === Compression.gzip) {
    try {
      out = await gunzipAsync(data, {maxOutputLength: maxBytes + 1});
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
      throw new Error(`gzip decompression failed: ${(e as Error).message}`, {cause: e});
    }
  } else {
    let size: SizeBound;
    try {
      size = decompressedBound(codec, data);
    } catch (e) {
      throw new Error(`${compressionName(codec)} decompression failed: ${(e as Error).message}`, {cause: e});
    }
    if (size.bound > maxBytes + size.slack) throw tooLarge();
    out = await decompress(codec, data);
  }
  if (out.length > maxBytes) throw tooLarge();
  return out;
}

/**
 * How large a compressed RecordBatch payload can become, read from its framing without
 * decompressing: what lets a reader refuse a decompression bomb before it allocates. Exact for
 * snappy, and for LZ4 and zstd frames that state their content size; otherwise every
 * compressed block counts as its format's largest, so the bound exceeds the real size by less
 * than one block per frame (`slack`). gzip has no such framing: zlib's maxOutputLength caps it.
 */
interface SizeBound {
  bound: number;
  slack: number;
}

function decompressedBound(codec: Compression, data: Buffer): SizeBound {
  switch (codec) {
    case Compression.snappy:
      return {bound: snappyBound(data), slack: 0};
    case Compression.lz4:
      return lz4Bound(data);
    case Compression.zstd:
      return zstdBound(data);
    default:
      return {bound: Infinity, slack: 0};
  }
}

function malformed(what: string): Error {
  return new Error(`malformed ${what}`);
}

/** Unsigned LEB128 at `at` (snappy's preamble): [value, bytes]. */
function uvarint(data: Buffer, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 5 && at + i < data.length; i++) {
    const b = data[at + i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  throw malformed('snappy length preamble');
}

/** A raw snappy block starts with its uncompressed length; xerial framing is a series of them. */
function snappyBound(data: Buffer): number {
  if (!isXerialHeader(data, 0)) return uvarint(data, 0)[0];
  let total = 0;
  for (let at = 0; at < data.length; ) {
    if (isXerialHeader(data, at)) {
      at += XERIAL_HEADER_SIZE;
      continue;
    }
    if (data.length - at < 4) throw malformed('xerial block length');
    const len = data.readInt32BE(at);
    if (len < 0 || at + 4 + len > data.length) throw malformed('xerial block');
    total += uvarint(data, at + 4)[0];
    at += 4 + len;
  }
  return total;
}

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];

/** LZ4 frames: the content size when stated, else each block's size (stored) or block maximum. */
function lz4Bound(data: Buffer): SizeBound {
  let bound = 0;
  let slack = 0;
  for (let at = 0; at < data.length; ) {
    if (data.length - at < 7 || data.readUInt32LE(at) !== LZ4_MAGIC) throw malformed('LZ4 frame header');
    const flg = data[at + 4];
    const blockMax = LZ4_BLOCK_MAX[(data[at + 5] >> 4) & 7];
    if (!blockMax) throw malformed('LZ4 block size');
    const contentSize = (flg & 0x08) !== 0 && data.length - at >= 14 ? data.readUInt32LE(at + 6) + data.readUInt32LE(at + 10) * 2 ** 32 : -1;
    at += 7 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0);
    const blockChecksum = (flg & 0x10) !== 0 ? 4 : 0;
    let frame = 0;
    for (;;) {
      if (data.length - at < 4) throw malformed('LZ4 block header');
      const word = data.readUInt32LE(at);
      at += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      frame += (word & 0x80000000) !== 0 ? size : blockMax;
      at += size + blockChecksum;
    }
    at += (flg & 0x04) !== 0 ? 4 : 0;
    if (at > data.length) throw malformed('LZ4 frame');
    if (contentSize >= 0) bound += contentSize;
    else {
      bound += frame;
      slack += blockMax;
    }
  }
  return {bound, slack};
}

const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_BLOCK_MAX = 128 << 10;

/** zstd frames: the frame content size when stated, else raw and RLE sizes plus 128 KiB per compressed block. */
function zstdBound(data: Buffer): SizeBound {
  let bound = 0;
  let slack = 0;
  for (let at = 0; at < data.length; ) {
    if (data.length - at < 8) throw malformed('zstd frame header');
    const magic = data.readUInt32LE(at);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      // A skippable frame: no content.
      at += 8 + data.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw malformed('zstd frame header');
    const fhd = data[at + 4];
    const single = (fhd & 0x20) !== 0;
    const fcsBytes = [single ? 1 : 0, 2, 4, 8][fhd >> 6];
    at += 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
    let contentSize = -1;
    if (fcsBytes > 0) {
      if (data.length - at < fcsBytes) throw malformed('zstd frame header');
      contentSize = fcsBytes === 1 ? data[at] : fcsBytes === 2 ? data.readUInt16LE(at) + 256 : fcsBytes === 4 ? data.readUInt32LE(at) : data.readUInt32LE(at) + data.readUInt32LE(at + 4) * 2 ** 32;
      at += fcsBytes;
    }
    let frame = 0;
    for (let last = false; !last; ) {
      if (data.length - at < 3) throw malformed('zstd block header');
      const header = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16);
      at += 3;
      last = (header & 1) !== 0;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw malformed('zstd block type');
      frame += type === 2 ? ZSTD_BLOCK_MAX : size;
      at += type === 1 ? 1 : size;
    }
    at += (fhd & 0x04) !== 0 ? 4 : 0;
    if (at > data.length) throw malformed('zstd frame');
    if (contentSize >= 0) bound += contentSize;
    else {
      bound += frame;
      slack += ZSTD_BLOCK_MAX;
    }
  }
  return {bound, slack};
}
