/**
 * The most bytes a compressed RecordBatch payload can decompress to, read from the codec's own
 * framing before anything is decompressed, so a small hostile payload (a "zip bomb") is refused
 * instead of being inflated into memory. undefined when the framing does not say (then the
 * caller checks the output size instead).
 */

/** Snappy: raw blocks start with the uncompressed length; xerial frames hold such blocks. */
export function snappyBound(data: Buffer, isXerialHeader: (at: number) => boolean, headerSize: number): number | undefined {
  if (!isXerialHeader(0)) return rawSnappyLength(data, 0);
  let total = 0;
  let at = 0;
  while (at < data.length) {
    if (isXerialHeader(at)) {
      at += headerSize;
      continue;
    }
    if (data.length - at < 4) return undefined;
    const len = data.readInt32BE(at);
    const block = rawSnappyLength(data, at + 4);
    if (len < 0 || block === undefined) return undefined;
    total += block;
    at += 4 + len;
  }
  return total;
}

function rawSnappyLength(data: Buffer, at: number): number | undefined {
  let value = 0;
  for (let shift = 0; shift < 35 && at < data.length; shift += 7) {
    const b = data[at++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return value;
  }
  return undefined;
}

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/** LZ4 frames: the content size when the frame gives it, else blocks times the block maximum. */
export function lz4Bound(data: Buffer): number | undefined {
  let total = 0;
  let at = 0;
  while (at < data.length) {
    if (data.length - at < 7 || data.readUInt32LE(at) !== LZ4_MAGIC) return undefined;
    const flg = data[at + 4];
    const blockMax = LZ4_BLOCK_MAX[(data[at + 5] >> 4) & 0x7];
    if (!blockMax) return undefined;
    const hasContentSize = (flg & 0x08) !== 0;
    const blockChecksum = (flg & 0x10) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    let frameBound = 0;
    at += 6;
    if (hasContentSize) {
      frameBound = Number(data.readBigUInt64LE(at));
      at += 8;
    }
    if (flg & 0x01) at += 4; // dictionary id
    at += 1; // header checksum
    let blocks = 0;
    while (true) {
      if (data.length - at < 4) return undefined;
      const word = data.readUInt32LE(at);
      at += 4;
      if (word === 0) break;
      at += (word & 0x7fffffff) + (blockChecksum ? 4 : 0);
      blocks++;
    }
    if (contentChecksum) at += 4;
    total += hasContentSize ? frameBound : blocks * blockMax;
  }
  return total;
}

const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_BLOCK_MAX = 128 * 1024;

/**
 * zstd frames: the frame content size when given, else the sum over blocks (raw and RLE blocks
 * say their size; a compressed block is at most 128 KiB and at most the window).
 */
export function zstdBound(data: Buffer): number | undefined {
  let total = 0;
  let at = 0;
  while (at < data.length) {
    if (data.length - at < 8) return undefined;
    const magic = data.readUInt32LE(at);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      at += 8 + data.readUInt32LE(at + 4); // skippable frame
      continue;
    }
    if (magic !== ZSTD_MAGIC) return undefined;
    const fhd = data[at + 4];
    at += 5;
    const singleSegment = (fhd & 0x20) !== 0;
    let window = ZSTD_BLOCK_MAX;
    if (!singleSegment) {
      const wd = data[at++];
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 0x7);
    }
    at += [0, 1, 2, 4][fhd & 0x3]; // dictionary id
    const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fhd >> 6];
    let contentSize: number | undefined;
    if (fcsSize === 1) contentSize = data[at];
    else if (fcsSize === 2) contentSize = data.readUInt16LE(at) + 256;
    else if (fcsSize === 4) contentSize = data.readUInt32LE(at);
    else if (fcsSize === 8) contentSize = Number(data.readBigUInt64LE(at));
    at += fcsSize;
    let frameBound = 0;
    while (true) {
      if (data.length - at < 3) return undefined;
      const header = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16);
      at += 3;
      const last = header & 1;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 0) (frameBound += size), (at += size);
      else if (type === 1) (frameBound += size), (at += 1);
      else if (type === 2) (frameBound += Math.min(window, ZSTD_BLOCK_MAX)), (at += size);
      else return undefined;
      if (last) break;
    }
    if (fhd & 0x04) at += 4; // content checksum
    total += contentSize ?? frameBound;
  }
  return total;
}
