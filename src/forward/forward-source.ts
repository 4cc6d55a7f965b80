import net from 'node:net';
import tls from 'node:tls';
import {errorMessage, listenFailure} from '../lib/errors.js';
import type {Event} from '../pipeline/event.js';
import type {Source, SourceContext} from '../pipeline/source.js';
import {refuseUntrustedSenders} from '../sources/net/tls-config.js';
import {FrameError, FrameReader, encodeFrame, type Frame} from './frames.js';

export interface ForwardSourceOptions {
  name: string;
  /** Address to listen on (default 127.0.0.1: another host's agents need it set). */
  bind?: string;
  /** 0 picks a free port; `listening` tells which. */
  port: number;
  /** Larger frames are refused and their connection closed (default 64 MiB). */
  maxFrameBytes?: number;
  /** Take senders over TLS only (the server options from sourceTlsOptions). */
  tls?: tls.TlsOptions;
}

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
const HANG_UP_GRACE_MS = 5000;

/**
 * Receives batches from other agents' forward sinks (Flume's Avro source). A batch is
 * acknowledged only after deliver() resolved, that is once it is safe in this agent's channels
 * (on disk with a file channel, in the destination with a memory channel); a failed delivery is
 * answered with a NACK that says the batch may be partly in. Frames of one connection are handled
 * one at a time and the socket is paused meanwhile, so a sender cannot queue up unbounded bytes.
 */
export class ForwardSource implements Source {
  readonly type = 'forward';
  readonly name: string;
  /** Resolves with the bound address once run() listens; rejects when it cannot. */
  readonly listening: Promise<{host: string; port: number}>;
  private bound!: {resolve: (a: {host: string; port: number}) => void; reject: (err: Error) => void};
  private readonly maxFrameBytes: number;

  constructor(private readonly options: ForwardSourceOptions) {
    this.name = options.name;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.listening = new Promise((resolve, reject) => (this.bound = {resolve, reject}));
    this.listening.catch(() => undefined); // run() reports the failure too
  }

  async run(ctx: SourceContext): Promise<void> {
    /** Each connection's end, and how to hang it up when it is between batches. */
    const connections = new Map<Promise<void>, () => void>();
    const accept = (socket: net.Socket) => {
      if (socket.destroyed) return; // refused by refuseUntrustedSenders
      const {done, hangUpIfIdle} = this.serve(socket, ctx);
      const served = done.finally(() => connections.delete(served));
      connections.set(served, hangUpIfIdle);
    };
    const server = this.options.tls ? refuseUntrustedSenders(tls.createServer(this.options.tls, accept), ctx) : net.createServer(accept);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port, this.options.bind ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      const failure = listenFailure(this.options.bind ?? '127.0.0.1', this.options.port, err);
      this.bound.reject(failure);
      throw failure;
    }
    const {address, port} = server.address() as net.AddressInfo;
    ctx.log(`listening on ${address}:${port}${this.options.tls ? ' (TLS)' : ''}`);
    this.bound.resolve({host: address, port});
    if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, {once: true}));
    // Stop: no new connections; a batch being delivered gets its reply, idle connections end now.
    server.close();
    for (const hangUpIfIdle of connections.values()) hangUpIfIdle();
    await Promise.all(connections.keys());
  }

  /** Handles one connection until it closes. */
  private serve(socket: net.Socket, ctx: SourceContext): {done: Promise<void>; hangUpIfIdle: () => void} {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    ctx.count('ConnectionAcceptedCount');
    const reader = new FrameReader(this.maxFrameBytes);
    const reply = (frame: Frame) => {
      if (socket.writable) socket.write(encodeFrame(frame));
    };
    // Once ended, what still comes in is read and dropped, so the close is orderly and the last
    // reply is not lost to a reset; a peer that does not close its side in time is cut off.
    let ended = false;
    const hangUp = () => {
      ended = true;
      socket.end();
      setTimeout(() => socket.destroy(), HANG_UP_GRACE_MS).unref();
    };
    const handle = async () => {
      try {
        for (let frame = reader.next(); frame && !ended; frame = reader.next()) {
          if (frame.kind !== 'batch') throw new FrameError(`unexpected ${frame.kind} frame from a sender`, frame.batchId);
          reply(await this.accept(frame.batchId, frame.events, ctx));
        }
      } catch (err) {
        // A frame that cannot be read leaves the stream out of step: refuse it and hang up.
        ctx.log(`refused a frame from ${socket.remoteAddress}:${socket.remotePort}: ${errorMessage(err)}`);
        if (err instanceof FrameError) reply({kind: 'nack', batchId: err.batchId, maybeDelivered: false, reason: err.message});
        hangUp();
      }
      if (ctx.signal.aborted && !ended) hangUp();
      socket.resume();
    };
    let chain = Promise.resolve();
    socket.on('data', (chunk) => {
      if (ended) return;
      reader.push(chunk);
      // Paused while a batch is being delivered: a sender cannot queue up unbounded bytes here.
      socket.pause();
      chain = chain.then(handle);
    });
    socket.on('error', () => undefined); // 'close' follows; a sender that went away is no error here
    const done = new Promise<void>((resolve) => socket.on('close', () => void chain.then(resolve)));
    return {done, hangUpIfIdle: () => !socket.isPaused() && !ended && hangUp()};
  }

  private async accept(batchId: number, events: readonly Event[], ctx: SourceContext): Promise<Frame> {
    ctx.count('AppendBatchReceivedCount');
    if (ctx.signal.aborted) return {kind: 'nack', batchId, maybeDelivered: false, reason: `agent stopping: source ${this.name} takes no more batches`};
    try {
      await ctx.deliver(events);
    } catch (err) {
      return {kind: 'nack', batchId, maybeDelivered: true, reason: `source ${this.name} could not put the batch into its channels: ${errorMessage(err)}`};
    }
    ctx.count('AppendBatchAcceptedCount');
    return {kind: 'ack', batchId};
  }
}
