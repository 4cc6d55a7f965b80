/** Thrown when a frame does not decode: the connection that sent it is closed, nothing else. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const textDecoder = new TextDecoder('utf-8', {fatal: true});

/** Bounds-checked cursor over one frame. Slices share memory with the frame (no copies). */
export class Reader {
  offset: number;

  /** end is movable so one reader can walk record after record inside its own length. */
  constructor(readonly buf: Buffer, offset = 0, public end = buf.length) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (n < 0 || at + n > this.end) throw new ProtocolError(`truncated: need ${n} bytes at ${at}, have ${this.end - at}`);
    this.offset = at + n;
    return at;
  }

  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }
  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  /** int64 as a JS number: offsets, timestamps and producer ids stay below 2^53. */
  int64(): number {
    const at = this.need(8);
    return this.buf.readInt32BE(at) * 0x1_0000_0000 + this.buf.readUInt32BE(at + 4);
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  uuid(): Buffer {
    return this.raw(16);
  }
  raw(n: number): Buffer {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }

  /** Moves past n bytes and returns where they start: for readers that copy them later (no view). */
  skip(n: number): number {
    return this.need(n);
  }

  /** Unsigned LEB128 varint (compact lengths, tag numbers). */
  uvarint(): number {
    // Most record fields (lengths, offset deltas) fit in one byte.
    const first = this.buf[this.offset];
    if (first < 0x80 && this.offset < this.end) {
      this.offset++;
      return first;
    }
    const u = this.unsignedUpTo(5);
    if (u < 0) throw new ProtocolError('uvarint too long');
    return u;
  }
  /** Zig-zag varint (record fields). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  /** Zig-zag varlong, as a JS number. */
  varlong(): number {
    // Timestamp deltas fit in 7 bytes (49 bits): read those with numbers, as BigInts cost an
    // allocation per record; longer ones take the exact BigInt path below.
    const u = this.unsignedUpTo(7);
    if (u >= 0) return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    return this.bigVarlong();
  }
  /**
   * An unsigned LEB128 of at most `bytes` bytes, read with one bounds check per byte and a running
   * scale (not need() and a power per byte); -1, having moved nowhere, when it is longer.
   */
  private unsignedUpTo(bytes: number): number {
    const buf = this.buf;
    let at = this.offset;
    let result = 0;
    for (let i = 0, scale = 1; i < bytes; i++, scale *= 128) {
      if (at >= this.end) {
        this.offset = at;
        this.need(1); // throws the usual "truncated"
      }
      const b = buf[at++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.offset = at;
        return result;
      }
    }
    return -1;
  }
  private bigVarlong(): number {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.buf[this.need(1)];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return Number((result >> 1n) ^ -(result & 1n));
    }
    throw new ProtocolError('varlong too long');
  }

  private utf8(n: number): string {
    const bytes = this.raw(n);
    try {
      return textDecoder.decode(bytes);
    } catch {
      throw new ProtocolError('string is not valid UTF-8');
    }
  }
  string(): string {
    const s = this.nullableString();
    if (s === null) throw new ProtocolError('null where a string is required');
    return s;
  }
  nullableString(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.utf8(n);
  }
  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new ProtocolError('null where a string is required');
    return s;
  }
  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.utf8(n - 1);
  }
  nullableBytes(): Buffer | null {
    const n = this.int32();
    return n < 0 ? null : this.raw(n);
  }
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.raw(n - 1);
  }
  /** An array length, checked against what is left so a hostile count cannot make us loop or allocate. */
  arrayLength(compact: boolean): number {
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n > this.remaining) throw new ProtocolError(`array length ${n} exceeds the ${this.remaining} bytes left`);
    return n;
  }
}
