import net from 'node:net';
import type tls from 'node:tls';
import {decode, encode, isFlexible, type Message} from '../protocol/codec.js';
import {KafkaProtocolError} from '../protocol/errors.js';
import {readResponseHeader, writeRequestHeader} from '../protocol/header.js';
import {Reader} from '../protocol/reader.js';
import type {ApiSchema} from '../protocol/schema.js';
import {Writer} from '../protocol/writer.js';
import {UserError} from '../lib/errors.js';
import {nodeTls} from '../lib/lazy-builtins.js';
import {defaultClientConfig, type ClientConfig} from './client-config.js';
import {BrokerUnreachableError} from './kafka-errors.js';
import {ResponseFrames} from './response-frames.js';
import {saslLogin} from './sasl.js';
import {isTlsFailure, tlsFailure, tlsOptions} from './tls-options.js';

interface Pending {
  api: ApiSchema;
  version: number;
  resolve(m: Message): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * A minimal Kafka protocol connection built on our own codec: pipelined requests matched to
 * responses by correlation id. Used where kafkajs has no public API (group-less fetch) and by
 * tests that need exact control over requests.
 */
export class WireConnection {
  private nextCorrelationId = 1;
  private readonly pending = new Map<number, Pending>();
  private error?: Error;
  private versions = new Map<number, [number, number]>();

  private constructor(
    private readonly socket: net.Socket,
    readonly address: string,
    private readonly clientId: string,
    frames: ResponseFrames,
    secure: boolean,
    /** How long a request waits for its answer; undefined: for as long as the connection is open. */
    private readonly requestTimeoutMs: number | undefined,
  ) {
    socket.on('data', (c) => frames.push(c));
    // TLS 1.3 refuses a missing client certificate only after the handshake: still a TLS failure.
    socket.on('error', (e: NodeJS.ErrnoException) => this.fail(secure && isTlsFailure(e) ? tlsFailure(address, e) : e));
    socket.on('close', () => this.fail(new Error(`connection to ${address} closed`)));
  }

  /**
   * Opens a connection: TLS when the config says SSL or SASL_SSL, then the SASL login when it
   * says SASL_*. `localAddress`: the source address (a loopback "node" of the multi-node layout).
   * `config` defaults to the command's (defaultClientConfig()). `reuseResponseBuffers`: large
   * responses are read into one buffer, again and again (see ResponseFrames), for a caller with
   * one request at a time that is done with each response before its next request.
   * `requestTimeoutMs`: a request unanswered that long closes the connection (see request()).
   */
  static async connect(
    host: string,
    port: number,
    {clientId = 'kcollect', timeoutMs = 5000, config = defaultClientConfig(), localAddress, reuseResponseBuffers = false, requestTimeoutMs}: {clientId?: string; timeoutMs?: number; config?: ClientConfig; localAddress?: string; reuseResponseBuffers?: boolean; requestTimeoutMs?: number} = {},
  ): Promise<WireConnection> {
    const address = `${host}:${port}`;
    let conn: WireConnection | undefined;
    const frames = new ResponseFrames((frame) => conn?.onFrame(frame), reuseResponseBuffers);
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = config.tls ? nodeTls().connect({...tlsOptions(host, port, config.tls), localAddress} as tls.ConnectionOptions) : net.connect({host, port, localAddress, onread: frames.onread()});
      const timer = setTimeout(() => {
        s.destroy();
        reject(new BrokerUnreachableError(`no Kafka broker answers at ${address} (timed out${config.tls ? ' during the TLS handshake' : ''})`));
      }, timeoutMs);
      s.once(config.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(config.tls && isTlsFailure(e) ? tlsFailure(address, e) : new BrokerUnreachableError(`no Kafka broker answers at ${address} (${e.code ?? e.message})`));
      });
    });
    socket.setNoDelay(true);
    conn = new WireConnection(socket, address, clientId, frames, config.tls !== undefined, requestTimeoutMs);
    if (config.sasl) {
      try {
        await saslLogin(conn, config.sasl);
      } catch (err) {
        conn.close();
        throw err;
      }
    }
    return conn;
  }

  /** Asks the broker which versions it serves; `pick` then chooses the highest common one. */
  async negotiate(apiVersions: ApiSchema): Promise<void> {
    if (this.versions.size > 0) return;
    const res = await this.request(apiVersions, 0, {});
    for (const k of res.apiKeys) this.versions.set(k.apiKey, [k.minVersion, k.maxVersion]);
  }

  /** Whether the broker serves `api` at all (after negotiate). */
  supports(api: ApiSchema): boolean {
    return this.versions.has(api.apiKey);
  }

  /** Highest version both we (`ours`) and the broker support. */
  pick(api: ApiSchema, ours: [number, number]): number {
    const theirs = this.versions.get(api.apiKey);
    if (!theirs) throw new UserError(`the broker at ${this.address} does not support ${api.name} (API key ${api.apiKey})`, 'this needs a broker that serves it, such as Apache Kafka or `kcollect broker start`');
    const v = Math.min(ours[1], theirs[1]);
    if (v < Math.max(ours[0], theirs[0])) throw new UserError(`no common ${api.name} version with the broker at ${this.address}`);
    return v;
  }

  /**
   * Sends a request and waits for its answer. With a request timeout, a broker that accepted the
   * connection but does not answer (a network partition, a frozen process) fails it after that
   * long plus `waitsMs` (how long the broker may rightly hold it: a Fetch's max wait, a
   * JoinGroup's rebalance), and the connection is closed with every request on it, as Kafka's
   * clients do: its callers' next try opens a new one.
   */
  request(api: ApiSchema, version: number, body: Message, {waitsMs = 0}: {waitsMs?: number} = {}): Promise<Message> {
    return new Promise((resolve, reject) => {
      const pending: Pending = {api, version, resolve, reject};
      this.sendRaw(api, version, body, pending);
      if (this.requestTimeoutMs !== undefined && !this.error) {
        const ms = this.requestTimeoutMs + waitsMs;
        pending.timer = setTimeout(() => this.timedOut(api, ms), ms);
      }
    });
  }

  /** Sends without waiting for a response (Produce acks=0). */
  send(api: ApiSchema, version: number, body: Message): void {
    this.sendRaw(api, version, body);
  }

  private sendRaw(api: ApiSchema, version: number, body: Message, pending?: Pending): void {
    if (this.error) return pending?.reject(this.error);
    const correlationId = this.nextCorrelationId++;
    const w = new Writer();
    const size = w.reserveInt32();
    writeRequestHeader(w, {apiKey: api.apiKey, apiVersion: version, correlationId, clientId: this.clientId}, isFlexible(api.request, version));
    encode(api.request, version, body, w);
    size.set(w.length - 4);
    if (pending) this.pending.set(correlationId, pending);
    this.socket.cork();
    for (const c of w.toChunks()) this.socket.write(c);
    this.socket.uncork();
  }

  /** Writes raw bytes (tests of malformed input). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  get closed(): boolean {
    return this.error !== undefined;
  }

  private fail(e: Error): void {
    if (this.error) return;
    this.error = e;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }

  private timedOut(api: ApiSchema, ms: number): void {
    this.fail(new BrokerUnreachableError(`no answer from the broker at ${this.address} to ${api.name} in ${ms} ms (request.timeout.ms)`, 'check that the broker is running and reachable (`kcollect status`); a broker that is only slow needs a larger request.timeout.ms'));
    this.socket.destroy();
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const p = this.pending.get(correlationId);
    if (!p) return;
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    try {
      const r = new Reader(frame);
      readResponseHeader(r, p.api.apiKey, isFlexible(p.api.response, p.version));
      p.resolve(decode(p.api.response, p.version, r));
    } catch (e) {
      p.reject(e as Error);
    }
  }
}

/** Throws the Kafka error of a response field, keeping the protocol's name and code. */
export function check(errorCode: number, detail?: string): void {
  if (errorCode !== 0) throw new KafkaProtocolError(errorCode, detail);
}
