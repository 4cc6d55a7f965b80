/**
 * Buffers that are reused once the call they were handed to has returned (e.g. a connection's
 * Produce frames): whoever keeps bytes past that call must keep a copy of a lent buffer's bytes.
 */
const lent = new WeakSet<ArrayBufferLike>();

/** `buf` must own its memory (Buffer.allocUnsafeSlow): small Buffers share a slab with others. */
export function markLent(buf: Buffer): void {
  lent.add(buf.buffer);
}

/** True when `buf` (or a view of it) lies in a lent buffer. */
export function isLent(buf: Buffer): boolean {
  return lent.has(buf.buffer);
}
