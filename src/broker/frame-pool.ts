import {markLent} from '../lib/lent-buffers.js';

/** Smallest buffer the pool hands out; sizes are rounded up to powers of two from here. */
const MIN_POOLED = 64 * 1024;
/** Frames above this get a buffer of their own (librdkafka's requests stay under message.max.bytes=1000000). */
const MAX_POOLED = 2 * 1024 * 1024;
/** Free buffers one connection keeps; more are in use only while acks=all requests wait. */
const KEEP_FREE = 4;

/**
 * One connection's reusable buffers for Produce frames that arrive in several socket reads. A
 * fresh megabyte per request costs page faults on every request (large allocations are fresh
 * mappings); a reused one is already mapped. The buffers are lent (lib/lent-buffers): the log
 * copies a batch it keeps for followers.
 */
export class FramePool {
  private free: Buffer[] = [];

  /** A lent buffer of at least `size` bytes, or undefined when frames that big are not pooled. */
  take(size: number): Buffer | undefined {
    if (size > MAX_POOLED) return undefined;
    const i = this.free.findIndex((b) => b.length >= size);
    if (i >= 0) return this.free.splice(i, 1)[0];
    let capacity = MIN_POOLED;
    while (capacity < size) capacity *= 2;
    const buf = Buffer.allocUnsafeSlow(capacity);
    markLent(buf);
    return buf;
  }

  /** Back to the pool once the request it held was answered. */
  give(buf: Buffer): void {
    if (this.free.length < KEEP_FREE) this.free.push(buf);
  }
}
