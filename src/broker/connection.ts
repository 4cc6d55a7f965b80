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
  private queue: Buffer[] = [];
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
    this.queue = [];
    this.inFlight = [];
    this.chunks = [];
    this.socket.destroy();
    this.broker.forgetConnection(this);
  }

  /** True while a request is being answered; graceful shutdown waits for these. */
  get busy(): boolean {
    return this.inFlight.length > 0;
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const size = this.peekSize();
      if (size < 0 || size > this.broker.options.socketRequestMaxBytes) {
        this.broker.stats.framesRejected++;
        // The length prefix is never used to allocate: refuse it before reading any further.
        this.broker.log(`closing ${this.clientAddress}: request size ${size} is negative or exceeds socket.request.max.bytes=${this.broker.options.socketRequestMaxBytes}`);
        return this.close();
      }
      if (this.buffered < 4 + size) break;
      this.queue.push(this.take(4 + size).subarray(4));
    }
    if (this.queue.length >= MAX_QUEUED_REQUESTS) this.socket.pause();
    this.pump();
  }

  private peekSize(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, 4).readInt32BE(0);
  }

  private take(n: number): Buffer {
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
    while (!this.closed && !this.broken && this.queue.length > 0 && this.inFlight.length < MAX_IN_FLIGHT) {
      this.inFlight.push(this.start(this.queue.shift()!));
    }
    if (this.queue.length < MAX_QUEUED_REQUESTS / 2) this.socket.resume();
    void this.writeReplies();
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

  private async start(frame: Buffer): Promise<Reply | RawReply | undefined | 'close'> {
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
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }
}
