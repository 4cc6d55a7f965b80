/**
 * The magic numbers of the formats logrotate's `compresscmd` and batch jobs compress with. A
 * compressed file read as lines is nothing but binary dead letters (a rotation's `driving.log.2.gz`
 * matched by `'driving.log*'`), so the sources leave such files alone and say so. Each magic
 * begins with a byte no text line starts with, or is long enough not to be a line's beginning.
 */
const MAGICS: ReadonlyArray<readonly [format: string, magic: Buffer]> = [
  // 1f 8b, then deflate (the only method gzip defines).
  ['gzip', Buffer.from([0x1f, 0x8b, 0x08])],
  ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
  ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
];

/**
 * "BZh", the block size 1-9, and the first block's magic (pi in BCD, printable: so checked whole)
 * or an empty stream's end marker (sqrt(pi)).
 */
const BZIP2 = /^BZh[1-9](?:1AY&SY|\x17rE8P\x90)/;

/** How many first bytes compressionOf needs to recognise every format. */
export const COMPRESSION_MAGIC_BYTES = 10;

/** The compression format a file starting with `head` is in, or undefined for anything else (text). */
export function compressionOf(head: Buffer): string | undefined {
  for (const [format, magic] of MAGICS) if (head.length >= magic.length && head.subarray(0, magic.length).equals(magic)) return format;
  return BZIP2.test(head.subarray(0, COMPRESSION_MAGIC_BYTES).toString('latin1')) ? 'bzip2' : undefined;
}
