import net from 'node:net';
import tls from 'node:tls';
import {errorMessage} from '../../lib/errors.js';
import type {SourceContext} from '../../pipeline/source.js';
import {refuseUntrustedSenders} from './tls-config.js';
import {HANG_UP_GRACE_MS, ListenAddress, peerHost, untilAborted} from './listen.js';

export interface TcpConnection {
  /** The sender's address (becomes the events' origin host). */
  readonly peer: string;
  /** Writes to the peer while it can still be written to. */
  reply(text: string): void;
  /** Ends the connection; what the peer still sends is read and dropped. */
  hangUp(): void;
}

/** What a source does with one connection's bytes. Calls come one at a time, in order. */
export interface ConnectionHandler {
  /** The socket stays paused until this resolves, so a fast sender waits for the channel. */
  data(chunk: Buffer): Promise<void>;
  /** The peer closed its side: handle what is left (an unterminated last message). */
  end(): Promise<void>;
}

export interface TcpServerOptions {
  bind: string;
  port: number;
  /** For the log line: what is served. */
  what: string;
  /** Serve TLS instead of plain TCP (see sourceTlsOptions). */
  tls?: tls.TlsOptions;
}

/**
 * Runs a TCP server until the agent stops: listens, hands each connection to `open`, and on
 * stop closes the listener, hangs up idle connections at once and busy ones once their chunk
 * is handled (its events delivered and answered), then waits for all to close.
 */
export async function serveTcp(options: TcpServerOptions, ctx: SourceContext, address: ListenAddress, open: (conn: TcpConnection) => ConnectionHandler): Promise<void> {
  const connections = new Set<{done: Promise<void>; hangUpIfIdle: () => void}>();
  // Half-open: a sender that shuts its side after the last line still gets its replies.
  const accept = (socket: net.Socket) => {
    if (socket.destroyed) return; // refused by refuseUntrustedSenders
    const served = serveConnection(socket, ctx, open);
    connections.add(served);
    void served.done.finally(() => connections.delete(served));
  };
  const server = options.tls ? refuseUntrustedSenders(tls.createServer({...options.tls, allowHalfOpen: true}, accept), ctx) : net.createServer({allowHalfOpen: true}, accept);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.bind, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    throw address.failed(options.bind, options.port, err);
  }
  server.on('error', (err) => ctx.log(`listener error: ${errorMessage(err)}`));
  const bound = server.address() as net.AddressInfo;
  address.bound({host: bound.address, port: bound.port}, ctx, options.what);
  await untilAborted(ctx.signal);
  server.close();
  for (const c of connections) c.hangUpIfIdle();
  await Promise.all([...connections].map((c) => c.done));
}

function serveConnection(socket: net.Socket, ctx: SourceContext, open: (conn: TcpConnection) => ConnectionHandler): {done: Promise<void>; hangUpIfIdle: () => void} {
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 30_000);
  ctx.count('ConnectionAcceptedCount');
  const peer = peerHost(socket.remoteAddress);
  let ended = false;
  let pending = 0;
  const hangUp = () => {
    if (ended) return;
    ended = true;
    socket.end();
    setTimeout(() => socket.destroy(), HANG_UP_GRACE_MS).unref();
    socket.resume(); // read and drop the rest, so the close is orderly and the last reply arrives
  };
  const handler = open({
    peer,
    reply: (text) => {
      if (socket.writable) socket.write(text);
    },
    hangUp,
  });
  let chain = Promise.resolve();
  const run = (step: () => Promise<void>) => {
    pending++;
    chain = chain.then(async () => {
      try {
        if (!ended) await step();
      } catch (err) {
        // A handler that throws is our bug or a failed channel: this connection ends, the source goes on.
        ctx.log(`connection from ${peer}: ${errorMessage(err)}`);
        hangUp();
      }
      pending--;
      if (ctx.signal.aborted) hangUp();
      else if (!ended) socket.resume();
    });
  };
  socket.on('data', (chunk) => {
    if (ended) return;
    socket.pause();
    run(() => handler.data(chunk));
  });
  socket.on('end', () => {
    run(() => handler.end());
    void chain.then(hangUp);
  });
  socket.on('error', () => undefined); // 'close' follows; a peer that went away is no error here
  const done = new Promise<void>((resolve) => socket.on('close', () => void chain.then(() => resolve())));
  return {done, hangUpIfIdle: () => pending === 0 && hangUp()};
}
