import {isUtf8} from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import {setTimeout as sleep} from 'node:timers/promises';
import {errorMessage} from '../../lib/errors.js';
import {hasCredentials} from '../../lib/http-security.js';
import type {Source, SourceContext} from '../../pipeline/source.js';
import {parseJsonEvents} from './json-events.js';
import {refuseUntrustedSenders} from './tls-config.js';
import {DEFAULT_BIND, HANG_UP_GRACE_MS, ListenAddress, peerHost, untilAborted, type BoundAddress} from './listen.js';

export interface HttpSourceOptions {
  name: string;
  /** Default 127.0.0.1. */
  bind?: string;
  port: number;
  /** Larger request bodies are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** Requests being read or delivered at once; more are answered 503 (default 32). */
  maxPendingRequests?: number;
  /** Serve HTTPS: the server options from sourceTlsOptions. */
  tls?: tls.TlsOptions;
  /** Require HTTP basic auth: others get 401 and nothing of theirs is read. */
  basicAuth?: {username: string; password: string};
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_PENDING_REQUESTS = 32;

/**
 * Flume's http source with its JSONHandler: POST a JSON array of `{"headers": {...}, "body": "..."}`.
 * The answer is 200 only once deliver() resolved, that is once the events are safe in the
 * channel; 400 when the body is not such an array (nothing of it is delivered), 413 when it is
 * over maxBodyBytes, 405 for anything but POST, 503 when the agent is stopping, too many requests
 * are in hand, or the channel refused the events (they may be partly in: the sender resends).
 */
export class HttpSource implements Source {
  readonly type = 'http';
  readonly name: string;
  private readonly address = new ListenAddress();
  private readonly maxBodyBytes: number;
  private readonly maxPending: number;
  private pending = 0;
  /** Requests whose body is still coming in. */
  private readonly reading = new Set<http.IncomingMessage>();

  constructor(private readonly options: HttpSourceOptions) {
    this.name = options.name;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.maxPending = options.maxPendingRequests ?? DEFAULT_MAX_PENDING_REQUESTS;
  }

  get listening(): Promise<BoundAddress> {
    return this.address.promise;
  }

  async run(ctx: SourceContext): Promise<void> {
    const bind = this.options.bind ?? DEFAULT_BIND;
    const inFlight = new Set<Promise<void>>();
    const listener: http.RequestListener = (req, res) => {
      const handled = this.handle(req, res, ctx).catch((err) => {
        ctx.log(`request from ${peerHost(req.socket.remoteAddress)} failed: ${errorMessage(err)}`);
        reply(res, 500, {error: `internal error: ${errorMessage(err)}`});
      });
      inFlight.add(handled);
      void handled.finally(() => inFlight.delete(handled));
    };
    const server = this.options.tls ? refuseUntrustedSenders(https.createServer(this.options.tls, listener), ctx) : http.createServer(listener);
    server.on('clientError', (_err, socket: net.Socket) => {
      // Garbage that is not HTTP: answer 400 if the socket still can be, never crash.
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port, bind, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      throw this.address.failed(bind, this.options.port, err);
    }
    const bound = server.address() as net.AddressInfo;
    this.address.bound({host: bound.address, port: bound.port}, ctx, this.options.tls ? 'HTTPS, JSON events' : 'HTTP, JSON events');
    await untilAborted(ctx.signal);
    // Stop: no new connections, idle ones closed. A request being delivered gets its answer
    // (with Connection: close) however long the channel takes; one still uploading its body
    // after a grace period is cut off, so a slow sender cannot hold the agent up.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.race([closed, sleep(HANG_UP_GRACE_MS)]);
    for (const req of this.reading) req.socket.destroy();
    await Promise.all(inFlight);
    server.closeAllConnections();
    await closed;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, ctx: SourceContext): Promise<void> {
    if (ctx.signal.aborted) res.shouldKeepAlive = false;
    if (this.options.basicAuth && !hasCredentials(req.headers.authorization, this.options.basicAuth)) {
      ctx.count('RequestUnauthorizedCount');
      res.setHeader('WWW-Authenticate', `Basic realm="kcollect source ${this.name}"`);
      return drainAndReply(req, res, 401, {error: 'unauthorized: send the user and password of the source\'s basicAuth'});
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return drainAndReply(req, res, 405, {error: `${req.method} is not supported: POST a JSON array of {"headers": {...}, "body": "..."}`});
    }
    if (ctx.signal.aborted) return drainAndReply(req, res, 503, {error: `agent stopping: source ${this.name} takes no more events`}, true);
    const charset = /;\s*charset="?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
    if (charset && !/^utf-?8$/i.test(charset)) return drainAndReply(req, res, 415, {error: `charset ${charset} is not supported: send UTF-8 JSON`});
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.maxBodyBytes) return tooLarge(req, res, this.maxBodyBytes);
    if (this.pending >= this.maxPending) {
      ctx.count('RequestBusyCount');
      return drainAndReply(req, res, 503, {error: `source ${this.name} has ${this.pending} requests in hand; retry later`}, true);
    }
    this.pending++;
    try {
      this.reading.add(req);
      const body = await readBody(req, this.maxBodyBytes).finally(() => this.reading.delete(req));
      if (body === null) return tooLarge(req, res, this.maxBodyBytes);
      if (!isUtf8(body)) return reply(res, 400, {error: 'the body is not valid UTF-8'});
      const parsed = parseJsonEvents(body.toString('utf8'));
      if (typeof parsed === 'string') {
        ctx.count('RequestRejectedCount');
        return reply(res, 400, {error: parsed});
      }
      const origin = {host: peerHost(req.socket.remoteAddress)};
      const events = parsed.map((e) => ({...e, origin}));
      if (events.length > 0) {
        ctx.count('AppendBatchReceivedCount');
        try {
          await ctx.deliver(events);
        } catch (err) {
          ctx.log(`${events.length} event(s) from ${origin.host} could not be put into the channel: ${errorMessage(err)}`);
          res.setHeader('Retry-After', '5');
          return reply(res, 503, {error: `source ${this.name} could not put the events into its channels (some may be in): ${errorMessage(err)}`});
        }
        ctx.count('AppendBatchAcceptedCount');
      }
      return reply(res, 200, {accepted: events.length});
    } finally {
      this.pending--;
    }
  }
}

function reply(res: http.ServerResponse, status: number, body: object): void {
  if (res.headersSent || res.destroyed) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)});
  res.end(text);
}

/** Answers without reading the body (Node discards what remains), retrying later when `retry`. */
function drainAndReply(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: object, retry = false): void {
  if (retry) res.setHeader('Retry-After', '5');
  reply(res, status, body);
  req.resume();
}

/** 413, and the connection closes: the rest of an oversized body is not worth reading. */
function tooLarge(req: http.IncomingMessage, res: http.ServerResponse, max: number): void {
  res.shouldKeepAlive = false;
  reply(res, 413, {error: `the body exceeds maxBodyBytes (${max} bytes); send fewer events per request`});
  req.resume();
}

/** The whole body, or null once it passes `max` bytes. */
async function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  // Not destroyed on an early return: the 413 still has to go out on this socket.
  for await (const chunk of req.iterator({destroyOnReturn: false}) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return null;
    parts.push(chunk);
  }
  return Buffer.concat(parts, size);
}
