import type {Event} from '../pipeline/event.js';
import {EventReader, WireFormatError, encodedEventSize, writeEvent} from '../pipeline/event-codec.js';

/**
 * The forwarding protocol, one TCP connection from a forward sink to a forward source. Every
 * frame: size u32 (bytes after this field), version u8, kind u8, batch id u32, then the body.
 *   BATCH (sink -> source): event count u32, the events (codec.ts).
 *   ACK   (source -> sink): empty; the batch is safe in the receiving agent's channels.
 *   NACK  (source -> sink): maybe-delivered u8 (1: some of it may have been taken), reason string.
 * The sink sends one batch and waits for its reply before the next. Big-endian throughout.
 */

export const PROTOCOL_VERSION = 1;
/** size + version + kind + batch id. */
const HEADER_BYTES = 10;
const KIND = {batch: 1, ack: 2, nack: 3} as const;

export type Frame =
  | {kind: 'batch'; batchId: number; events: readonly Event[]}
  | {kind: 'ack'; batchId: number}
  | {kind: 'nack'; batchId: number; maybeDelivered: boolean; reason: string};

/** A frame that cannot be read; `batchId` is what its header said, for the NACK. */
export class FrameError extends WireFormatError {
  constructor(
    message: string,
    readonly batchId: number,
  ) {
    super(message);
  }
}

export function encodeFrame(frame: Frame): Buffer {
  let bodySize = 0;
  if (frame.kind === 'batch') bodySize = 4 + frame.events.reduce((n, e) => n + encodedEventSize(e), 0);
  else if (frame.kind === 'nack') bodySize = 1 + 4 + Buffer.byteLength(frame.reason, 'utf8');
  const buf = Buffer.allocUnsafe(HEADER_BYTES + bodySize);
  let at = buf.writeUInt32BE(buf.length - 4, 0);
  at = buf.writeUInt8(PROTOCOL_VERSION, at);
  at = buf.writeUInt8(KIND[frame.kind], at);
  at = buf.writeUInt32BE(frame.batchId, at);
  if (frame.kind === 'batch') {
    at = buf.writeUInt32BE(frame.events.length, at);
    for (const event of frame.events) at = writeEvent(buf, at, event);
  } else if (frame.kind === 'nack') {
    at = buf.writeUInt8(frame.maybeDelivered ? 1 : 0, at);
    at = buf.writeUInt32BE(buf.write(frame.reason, at + 4, 'utf8'), at);
  }
  return buf;
}

/** Collects a connection's bytes and cuts them into frames; refuses one over `maxFrameBytes`. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private length = 0;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The next whole frame, or null until more bytes came. Throws FrameError on a bad frame. */
  next(): Frame | null {
    if (this.length < HEADER_BYTES) return null;
    const head = this.contiguous(HEADER_BYTES);
    const size = head.readUInt32BE(0) + 4;
    const batchId = head.readUInt32BE(6);
    if (head[4] !== PROTOCOL_VERSION) throw new FrameError(`not a kcollect forwarding frame (version byte ${head[4]}, expected ${PROTOCOL_VERSION})`, batchId);
    if (size < HEADER_BYTES) throw new FrameError(`frame of ${size} bytes is shorter than its header`, batchId);
    if (size > this.maxFrameBytes) throw new FrameError(`frame of ${size} bytes exceeds maxFrameBytes ${this.maxFrameBytes}; lower the sending sink's batchSize or raise maxFrameBytes`, batchId);
    if (this.length < size) return null;
    const frame = this.contiguous(size).subarray(0, size);
    this.chunks[0] = this.chunks[0].subarray(size);
    this.length -= size;
    return decodeBody(head[5], batchId, new EventReader(frame, HEADER_BYTES));
  }

  /** The first chunk, merged with the following ones until it holds at least `n` bytes. */
  private contiguous(n: number): Buffer {
    if (this.chunks[0].length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }
}

function decodeBody(kind: number, batchId: number, r: EventReader): Frame {
  try {
    let frame: Frame;
    if (kind === KIND.batch) {
      const events: Event[] = [];
      // An event takes at least 9 bytes (flags, header count, body length).
      for (let n = r.count(9); n > 0; n--) events.push(r.event());
      frame = {kind: 'batch', batchId, events};
    } else if (kind === KIND.ack) {
      frame = {kind: 'ack', batchId};
    } else if (kind === KIND.nack) {
      frame = {kind: 'nack', batchId, maybeDelivered: r.u8() === 1, reason: r.string()};
    } else {
      throw new WireFormatError(`unknown frame kind ${kind}`);
    }
    if (r.remaining !== 0) throw new WireFormatError(`${r.remaining} bytes left over after the frame's body`);
    return frame;
  } catch (err) {
    if (err instanceof WireFormatError) throw new FrameError(`bad frame: ${err.message}`, batchId);
    throw err;
  }
}
