import {markLent} from '../lib/lent-buffers.js';

/** Smallest buffer the pool hands out; sizes are rounded up to powers of two from here. */
const MIN_POOLED = 64 * 1024;
/** Frames above this get a buffer of their own (librdkafka's requests stay under message.max.bytes=1000000). */
const MAX_POOLED = 2 * 1024 * 1024;
/** Free bytes the broker keeps for all connections together (a few producers' requests in flight). */
const KEEP_FREE_BYTES = 16 * 1024 * 1024;

/**
 * The broker's reusable buffers for Produce frames that arrive in several socket reads: no
 * allocation (and no external memory for the garbage collector to chase) per request. The
 * buffers are lent (lib/lent-buffers): the log copies a batch it keeps for followers.
 */
export class FramePool {
  private free: Buffer[] = [];
  private freeBytes = 0;

  /** A lent buffer of at least `size` bytes, or undefined when frames that big are not pooled. */
  take(size: number): Buffer | undefined {
    if (size > MAX_POOLED) return undefined;
    const i = this.free.findIndex((b) => b.length >= size);
    if (i >= 0) {
      const [buf] = this.free.splice(i, 1);
      this.freeBytes -= buf.length;
      return buf;
    }
    let capacity = MIN_POOLED;
    while (capacity < size) capacity *= 2;
    const buf = Buffer.allocUnsafeSlow(capacity);
    markLent(buf);
    return buf;
  }

  /** Back to the pool once the request it held was answered. */
  give(buf: Buffer): void {
    if (this.freeBytes + buf.length > KEEP_FREE_BYTES) return;
    this.free.push(buf);
    this.freeBytes += buf.length;
  }
}
