import net from 'node:net';
import tls from 'node:tls';
import {FrameReader, type Frame} from './frames.js';

export type Reply = Extract<Frame, {kind: 'ack' | 'nack'}>;

/** Replies are a few bytes; anything bigger is not a kcollect forward source talking. */
const MAX_REPLY_BYTES = 64 * 1024;

/**
 * One connection of a forward sink: one batch in flight at a time, matched to its reply by
 * batch id. Any failure (close, error, timeout, a reply that does not fit) ends the connection
 * and fails the batch in flight; the sink opens a new connection for the next attempt.
 */
export class Sender {
  private readonly reader = new FrameReader(MAX_REPLY_BYTES);
  private pending?: {batchId: number; resolve: (reply: Reply) => void; reject: (err: Error) => void; timer: NodeJS.Timeout};
  private failure?: Error;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => this.received(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /**
   * Rejects when no connection is made within `timeoutMs` (nothing was sent then). With `tlsOptions`
   * the receiver's certificate is checked against their CA (and `host`) before anything is sent.
   */
  static connect(host: string, port: number, timeoutMs: number, tlsOptions?: tls.ConnectionOptions): Promise<Sender> {
    return new Promise((resolve, reject) => {
      const tcp = {host, port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 30_000};
      const socket = tlsOptions ? tls.connect({...tcp, ...tlsOptions, ...(net.isIP(host) ? {} : {servername: host})}) : net.connect(tcp);
      const failed = (err: Error & {reason?: string}) => {
        clearTimeout(timer);
        socket.destroy();
        reject(tlsOptions && err.reason ? new Error(`TLS: ${err.reason}`) : err);
      };
      const timer = setTimeout(() => failed(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
      const refusedUs = () => failed(new Error('TLS: the receiver closed the connection in the handshake (did it refuse our certificate?)'));
      const connected = () => {
        clearTimeout(timer);
        socket.off('error', failed).off('close', refusedUs);
        resolve(new Sender(socket));
      };
      socket.once('error', failed);
      if (!(socket instanceof tls.TLSSocket)) return void socket.once('connect', connected);
      socket.once('close', refusedUs);
      // TLS 1.3 checks our certificate after the client's side of the handshake is done; the
      // receiver's session ticket comes only once it accepted it, so nothing is sent before that.
      // (Written from inside the ticket's callback, our first frame would never leave: next tick.)
      socket.once('secureConnect', () => (socket.getProtocol() === 'TLSv1.3' ? socket.once('session', () => setImmediate(connected)) : connected()));
    });
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  /** Sends a frame and resolves with the reply to `batchId`; rejects when none came in time. */
  request(batchId: number, frame: Buffer, timeoutMs: number): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      this.pending = {batchId, resolve, reject, timer};
      this.socket.write(frame);
    });
  }

  close(): void {
    this.fail(new Error('connection closed by the sink'));
  }

  private received(chunk: Buffer): void {
    this.reader.push(chunk);
    try {
      for (let frame = this.reader.next(); frame; frame = this.reader.next()) {
        const pending = this.pending;
        if (frame.kind === 'batch' || pending?.batchId !== frame.batchId) throw new Error(`unexpected ${frame.kind} frame for batch ${frame.batchId}`);
        this.pending = undefined;
        clearTimeout(pending.timer);
        pending.resolve(frame);
      }
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.socket.destroy();
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(err);
    }
  }
}
