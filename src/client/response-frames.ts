import type net from 'node:net';

/** Plain TCP reads land here first, a size Node itself reads in. */
const READ_CHUNK = 64 * 1024;
/** A response at least this big is read straight into its own buffer once its size is known. */
const DIRECT_MIN = 64 * 1024;

/**
 * Splits a connection's byte stream into size-prefixed Kafka response frames. Chunks (TLS, which
 * decrypts into its own buffers) are joined once a frame is whole. Over plain TCP, `onread` lets
 * the rest of a large frame (a Fetch response of a megabyte or more) be read by the kernel
 * straight into the frame's own buffer: no chunk per read, no joining copy.
 */
export class ResponseFrames {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly spare = Buffer.allocUnsafe(READ_CHUNK);
  /** The large frame being filled by direct reads, size prefix included. */
  private direct?: {frame: Buffer; filled: number};
  private directReads = false;
  /** With reuseFrames: the buffer large frames are read into, grown as needed. */
  private reusable?: Buffer;

  /**
   * reuseFrames: every large frame is read into one buffer, which is read into again for the
   * next; only for a caller that is done with each response before it sends its next request.
   */
  constructor(
    private readonly onFrame: (frame: Buffer) => void,
    private readonly reuseFrames = false,
  ) {}

  /** net.connect's `onread` option: reads into `spare`, or into the large frame being filled. */
  onread(): net.OnReadOpts {
    this.directReads = true;
    return {
      buffer: () => this.readTarget(),
      callback: (n, buf) => {
        this.onRead(n, buf as Buffer);
        return true;
      },
    };
  }

  /** A chunk of the stream (the socket's 'data' event). */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const first = this.chunks[0].length >= 4 ? this.chunks[0] : Buffer.concat(this.chunks, 4);
      const size = first.readInt32BE(0);
      if (this.buffered < 4 + size) {
        if (this.directReads && size >= DIRECT_MIN) this.readDirectly(4 + size);
        return;
      }
      // Concatenate once, when the whole frame is there.
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.chunks = all.length > 4 + size ? [all.subarray(4 + size)] : [];
      this.buffered -= 4 + size;
      this.onFrame(all.subarray(4, 4 + size));
    }
  }

  /** The frame's first bytes move into its own buffer; later reads fill the rest. */
  private readDirectly(length: number): void {
    const frame = this.reuseFrames ? this.reusableFrame(length) : Buffer.allocUnsafe(length);
    let filled = 0;
    for (const c of this.chunks) filled += c.copy(frame, filled);
    this.chunks = [];
    this.buffered = 0;
    this.direct = {frame, filled};
  }

  private reusableFrame(length: number): Buffer {
    if (!this.reusable || this.reusable.length < length) this.reusable = Buffer.allocUnsafe(length);
    return this.reusable.subarray(0, length);
  }

  private readTarget(): Buffer {
    return this.direct ? this.direct.frame.subarray(this.direct.filled) : this.spare;
  }

  private onRead(n: number, buf: Buffer): void {
    if (!this.direct) {
      // `spare` is read into again: what stays buffered is copied out of it. A read that begins a
      // large frame is not: push moves it into the frame's own buffer at once.
      const size = this.chunks.length === 0 && n >= 4 ? buf.readInt32BE(0) : -1;
      this.push(size >= DIRECT_MIN && n < 4 + size ? buf.subarray(0, n) : Buffer.from(buf.subarray(0, n)));
      return;
    }
    // readTarget never hands out more than the frame's remainder: a direct read ends within it.
    this.direct.filled += n;
    if (this.direct.filled < this.direct.frame.length) return;
    const {frame} = this.direct;
    this.direct = undefined;
    this.onFrame(frame.subarray(4));
  }
}
