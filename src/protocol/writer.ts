/**
 * Scratch space grows from FIRST (Node's shared pool serves it: a small request or response
 * allocates no buffer of its own) by GROWTH up to SCRATCH. Starting at 64 KiB made every small
 * Produce a 64 KiB outside-the-heap allocation, and V8 answers that pressure with full GCs.
 */
const FIRST = 512;
const GROWTH = 8;
const SCRATCH = 64 * 1024;
/** Buffers at least this big are passed through as their own chunk instead of being copied. */
const ZERO_COPY_MIN = 4096;

/**
 * Growable output built as a list of chunks, so large record sets (Fetch) go to the socket
 * without being copied into one buffer.
 */
export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer = Buffer.allocUnsafe(FIRST);
  private nextSize = FIRST * GROWTH;
  private pos = 0;
  private flushed = 0;

  get length(): number {
    return this.flushed + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = this.scratch(n);
  }

  private scratch(atLeast: number): Buffer {
    const size = this.nextSize;
    this.nextSize = Math.min(size * GROWTH, SCRATCH);
    return Buffer.allocUnsafe(Math.max(atLeast, size));
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.flushed += this.pos;
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    if (this.buf.length < 256) this.buf = this.scratch(0);
  }

  /** Reserves 4 bytes for an int32 filled in later (lengths, CRCs). */
  reserveInt32(): {set(value: number): void} {
    this.ensure(4);
    const buf = this.buf;
    const at = this.pos;
    this.pos += 4;
    return {set: (value) => buf.writeInt32BE(value, at)};
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int8(v: number): this {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
    return this;
  }
  int16(v: number): this {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
    return this;
  }
  uint16(v: number): this {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
    return this;
  }
  uint32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v >>> 0, this.pos);
    return this;
  }
  int64(v: number | bigint): this {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(BigInt(v), this.pos);
    return this;
  }
  float64(v: number): this {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
    return this;
  }
  uvarint(v: number): this {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  varlong(v: number | bigint): this {
    const b = BigInt(v);
    let u = (b << 1n) ^ (b >> 63n);
    u &= 0xffff_ffff_ffff_ffffn;
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
    return this;
  }
  raw(b: Uint8Array): this {
    if (b.length >= ZERO_COPY_MIN) {
      this.flush();
      this.chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));
      this.flushed += b.length;
      return this;
    }
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  /** A string's UTF-8 bytes, straight into the output (byteLength: Buffer.byteLength(s)). */
  utf8(s: string, byteLength: number): this {
    this.ensure(byteLength);
    this.pos += this.buf.write(s, this.pos, byteLength, 'utf8');
    return this;
  }
  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).raw(b);
  }
  compactNullableString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const b = Buffer.from(s, 'utf8');
    return this.uvarint(b.length + 1).raw(b);
  }
  nullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }
  compactNullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.uvarint(0);
    return this.uvarint(b.length + 1).raw(b);
  }

  /** The bytes written so far, as chunks to hand to socket.write/writev. */
  toChunks(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.flushed);
  }
}
