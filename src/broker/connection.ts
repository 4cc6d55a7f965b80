import type {Socket} from 'node:net';
import {decode, encode, isFlexible} from '../protocol/codec.js';
import {readRequestHeader, writeResponseHeader, type RequestHeader} from '../protocol/header.js';
import {ProtocolError, Reader} from '../protocol/reader.js';
import {Writer} from '../protocol/writer.js';
import type {Session} from '../security/session.js';
import type {Broker} from './broker.js';
import {apiVersionsErrorResponse} from './handlers/18-api-versions.js';
import {rawSaslStep} from './handlers/17-sasl-handshake.js';

/** Stop reading from a client that has this many requests waiting to be started. */
const MAX_QUEUED_REQUESTS = 64;
/** Requests of one connection being answered at once (long polls, produce writes). */
const MAX_IN_FLIGHT = 16;
const PRODUCE_API_KEY = 0;

interface PartialFrame {
  size: number;
  reserved: boolean;
  body?: Buffer;
  /** The pooled buffer `body` lies in, given back once the request was answered. */
  pooled?: Buffer;
  filled: number;
}

interface QueuedFrame {
  body: Buffer;
  /** Bytes of queued.max.request.bytes held until the request was answered. */
  reserved: number;
  pooled?: Buffer;
}

interface Reply {
  header: RequestHeader;
  version: number;
  body: Record<string, unknown>;
}

/** A SASL token answered outside Kafka's framing (after SaslHandshake v0): size + bytes. */
interface RawReply {
  raw: Buffer;
}

/**
 * One client connection: splits the byte stream into frames, starts requests in arrival order
 * (several at once, so a long poll does not hold up the requests behind it), writes the replies
 * strictly in that order as Kafka does, and closes only this connection when a frame is
 * malformed.
 */
export class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The frame whose length prefix was read and whose body is still arriving. */
  private partial?: PartialFrame;
  private queue: QueuedFrame[] = [];
  private loadingHandler = false;
  /** When bytes last came in or went out; idle connections are closed (connections.max.idle.ms). */
  lastActive = Date.now();
  private inFlight: Array<Promise<Reply | RawReply | undefined | 'close'>> = [];
  private writing = false;
  private broken = false;
  private closed = false;
  private readonly aborted = new AbortController();
  readonly clientAddress: string;

  constructor(
    private readonly socket: Socket,
    private readonly broker: Broker,
    readonly session: Session,
  ) {
    this.clientAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.aborted.abort();
    const memory = this.broker.requestMemory;
    for (const f of this.queue) memory.release(f.reserved);
    if (this.partial?.reserved) memory.release(this.partial.size);
    else if (this.partial) memory.cancel(this.onMemoryGranted);
    this.partial = undefined;
    this.queue = [];
    this.inFlight = [];
    this.chunks = [];
    this.socket.destroy();
    this.broker.forgetConnection(this);
  }

  /** True while a request is being answered; graceful shutdown waits for these. */
  get busy(): boolean {
    return this.inFlight.length > 0 || this.queue.length > 0;
  }

  private onData(chunk: Buffer): void {
    this.lastActive = Date.now();
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.readFrames();
  }

  /**
   * Cuts complete frames off the received bytes. A frame's size is reserved from the broker's
   * queued.max.request.bytes budget before its body is read; without room this connection stops
   * reading until room is given back. A body within one socket read is used where it lies; one
   * spread over several reads is copied as it arrives into one buffer (a pooled one for Produce,
   * whose appends keep no reference to it), so the socket's read chunks are short-lived.
   */
  private readFrames(): void {
    while (!this.closed) {
      if (!this.partial) {
        if (this.buffered < 4) break;
        const size = this.peekSize();
        if (size < 0 || size > this.broker.options.socketRequestMaxBytes) {
          this.broker.stats.framesRejected++;
          // The length prefix is never used to allocate: refuse it before reading any further.
          this.broker.log(`closing ${this.clientAddress}: request size ${size} is negative or exceeds socket.request.max.bytes=${this.broker.options.socketRequestMaxBytes}`);
          return this.close();
        }
        this.take(4);
        const frame: PartialFrame = {size, reserved: false, filled: 0};
        this.partial = frame;
        frame.reserved = this.broker.requestMemory.reserve(size, this.onMemoryGranted);
        if (!frame.reserved) break;
      }
      const frame = this.partial;
      if (!frame.reserved) break;
      if (!frame.body) {
        if (frame.size === 0 || (this.chunks.length > 0 && this.chunks[0].length >= frame.size)) {
          this.queue.push({body: this.take(frame.size), reserved: frame.size});
          this.partial = undefined;
          continue;
        }
        frame.pooled = this.isProduceFrame() ? this.broker.framePool.take(frame.size) : undefined;
        frame.body = frame.pooled ? frame.pooled.subarray(0, frame.size) : Buffer.allocUnsafeSlow(frame.size);
      }
      frame.filled += this.drainInto(frame.body, frame.filled);
      if (frame.filled < frame.size) break;
      this.queue.push({body: frame.body, reserved: frame.size, pooled: frame.pooled});
      this.partial = undefined;
    }
    this.updateFlow();
    this.pump();
  }

  private readonly onMemoryGranted = (): void => {
    // A connection that closed while waiting cancelled its reservation, so `partial` is still set.
    this.partial!.reserved = true;
    this.readFrames();
  };

  /**
   * Whether the frame whose body starts the buffered bytes is a Produce request (its API key is
   * in the first read). A raw SASL token before authentication is not a request at all.
   */
  private isProduceFrame(): boolean {
    if (this.session.sasl?.raw && !this.session.authenticated) return false;
    const first = this.chunks[0];
    return first !== undefined && first.length >= 2 && first.readInt16BE(0) === PRODUCE_API_KEY;
  }

  /** Moves buffered bytes into `target` from `offset` on; returns how many were moved. */
  private drainInto(target: Buffer, offset: number): number {
    let moved = 0;
    while (this.chunks.length > 0 && offset + moved < target.length) {
      const c = this.chunks[0];
      const n = Math.min(c.length, target.length - offset - moved);
      c.copy(target, offset + moved, 0, n);
      moved += n;
      if (n === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(n);
    }
    this.buffered -= moved;
    return moved;
  }

  /** Reads while there is room: fewer than MAX_QUEUED_REQUESTS waiting and memory reserved. */
  private updateFlow(): void {
    const waitingForMemory = this.partial !== undefined && !this.partial.reserved;
    if (waitingForMemory || this.queue.length >= MAX_QUEUED_REQUESTS) this.socket.pause();
    else if (this.queue.length < MAX_QUEUED_REQUESTS / 2) this.socket.resume();
  }

  private peekSize(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, 4).readInt32BE(0);
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    let out: Buffer;
    const first = this.chunks[0];
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.concat(this.chunks, n);
      let left = n;
      while (left > 0) {
        const c = this.chunks[0];
        if (c.length <= left) {
          left -= c.length;
          this.chunks.shift();
        } else {
          this.chunks[0] = c.subarray(left);
          left = 0;
        }
      }
    }
    this.buffered -= n;
    return out;
  }

  /**
   * Starts queued requests, up to MAX_IN_FLIGHT at once. Each handler's synchronous part (e.g. a
   * Produce append) runs here, in arrival order; replies are written strictly in that order too.
   */
  private pump(): void {
    while (!this.closed && !this.broken && !this.loadingHandler && this.queue.length > 0 && this.inFlight.length < MAX_IN_FLIGHT) {
      if (this.awaitHandler(this.queue[0].body)) break;
      this.inFlight.push(this.start(this.queue.shift()!));
    }
    this.updateFlow();
    void this.writeReplies();
  }

  /**
   * True while the handler of this frame's API key is being loaded (first request of a rarely
   * used API): nothing after it starts before it, so arrival order holds.
   */
  private awaitHandler(frame: Buffer): boolean {
    const apiKey = frame.length >= 2 ? frame.readInt16BE(0) : -1;
    const loading = this.broker.router.ready(apiKey);
    if (!loading) return false;
    this.loadingHandler = true;
    loading.then(
      () => {
        this.loadingHandler = false;
        this.pump();
      },
      (err: Error) => {
        this.broker.log(`closing ${this.clientAddress}: cannot load the handler of api ${apiKey}: ${err.stack ?? err}`);
        this.close();
      },
    );
    return true;
  }

  private async writeReplies(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (!this.closed && this.inFlight.length > 0) {
        const reply = await this.inFlight[0];
        this.inFlight.shift();
        if (reply === 'close') return this.close();
        if (reply) this.send(reply);
        if (this.session.closeAfterReply) return this.endAfterWrites();
        if (this.socket.writableNeedDrain) await new Promise((resolve) => this.socket.once('drain', resolve));
        this.pump();
      }
    } finally {
      this.writing = false;
      this.broker.connectionIdle();
    }
  }

  /** Lets the last reply reach the client, then closes (failed authentication). */
  private endAfterWrites(): void {
    this.broken = true;
    this.socket.end();
    setTimeout(() => this.close(), 1000).unref();
  }

  private async start(frame: QueuedFrame): Promise<Reply | RawReply | undefined | 'close'> {
    try {
      return await this.answer(frame.body);
    } finally {
      this.broker.requestMemory.release(frame.reserved);
      if (frame.pooled) this.broker.framePool.give(frame.pooled);
    }
  }

  private async answer(frame: Buffer): Promise<Reply | RawReply | undefined | 'close'> {
    this.broker.stats.requests++;
    const router = this.broker.router;
    let header: RequestHeader | undefined;
    try {
      if (this.session.sasl?.raw && !this.session.authenticated) {
        const raw = rawSaslStep(frame, this.session, this.broker, this.clientAddress);
        return raw === 'close' ? 'close' : {raw};
      }
      const r = new Reader(frame);
      header = readRequestHeader(r, router.requestIsFlexible);
      const handler = router.get(header.apiKey);
      if (header.apiKey === 18 && !router.supports(18, header.apiVersion)) {
        // KIP-511: an ApiVersions version we do not know is answered in v0 with our versions.
        return {header, version: 0, body: apiVersionsErrorResponse(router)};
      }
      if (!this.session.mayServe(header.apiKey)) {
        // As Kafka: any other request before SASL authentication ends the connection.
        this.broker.authFailures.write(`closing ${this.clientAddress} (listener ${this.session.listener.name}): api ${header.apiKey} sent before SASL authentication`);
        return 'close';
      }
      if (!handler || !router.supports(header.apiKey, header.apiVersion)) {
        // Like Kafka: there is no response schema for an unknown key or version, so we disconnect.
        throw new ProtocolError(`unsupported API key ${header.apiKey} version ${header.apiVersion}`);
      }
      const request = decode(handler.api.request, header.apiVersion, r);
      const body = await handler.handle(request, {header, broker: this.broker, clientAddress: this.clientAddress, signal: this.aborted.signal, session: this.session});
      return body === undefined ? undefined : {header, version: header.apiVersion, body};
    } catch (err) {
      // Nothing after a bad frame is started: the connection is closed once earlier replies are out.
      this.broken = true;
      this.broker.stats.framesRejected++;
      const what = header ? `api ${header.apiKey} v${header.apiVersion}` : 'request header';
      if (err instanceof ProtocolError) {
        this.broker.log(`closing ${this.clientAddress}: malformed ${what}: ${err.message}`);
      } else {
        this.broker.log(`closing ${this.clientAddress}: error answering ${what}: ${(err as Error)?.stack ?? err}`);
      }
      return 'close';
    }
  }

  private send(reply: Reply | RawReply): void {
    if (this.closed) return;
    if ('raw' in reply) {
      const size = Buffer.alloc(4);
      size.writeInt32BE(reply.raw.length);
      this.socket.write(Buffer.concat([size, reply.raw]));
      return;
    }
    const {header, version, body} = reply;
    const schema = this.broker.router.get(header.apiKey)!.api.response;
    const flexible = isFlexible(schema, version);
    const w = new Writer();
    const size = w.reserveInt32();
    writeResponseHeader(w, header.correlationId, header.apiKey, flexible);
    encode(schema, version, body, w);
    size.set(w.length - 4);
    const chunks = w.toChunks();
    this.lastActive = Date.now();
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }
}
