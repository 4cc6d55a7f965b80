import os from 'node:os';
import {errorMessage} from '../lib/errors.js';
import type {Event} from '../pipeline/event.js';
import {SinkUnavailableError, type Sink} from '../pipeline/sink.js';
import {encodeFrame} from './frames.js';
import type tls from 'node:tls';
import {Sender} from './sender.js';

export interface ForwardSinkOptions {
  name: string;
  /** The receiving agent's forward source. */
  host: string;
  port: number;
  /** Default 5 s. */
  connectTimeoutMs?: number;
  /**
   * How long a sent batch may wait for its acknowledgement (default 20 s). Past it the batch
   * counts as maybe delivered: keep it above the receiver's slowest channel put.
   */
  ackTimeoutMs?: number;
  /** TLS to a receiver whose `tls:` is set: its CA, and our certificate when it asks for one. */
  tls?: tls.ConnectionOptions;
}

const HOST = os.hostname();

/**
 * Sends batches to another agent's forward source and waits for each acknowledgement (Flume's
 * Avro sink). A refused connection or a NACK for a batch that never went in is plain
 * unavailability. A batch sent without a reply may have arrived: its events are marked
 * `redelivered`, so the attempt that follows (the runner's retry with the same events, or the
 * next sink of a failover group) lets the final Kafka sink skip those already written.
 * File events get the host that read them before they leave, so their identity stays the same
 * wherever they end up being written.
 */
export class ForwardSink implements Sink {
  readonly type = 'forward';
  readonly name: string;
  private readonly target: string;
  private sender?: Sender;
  private lastBatchId = 0;

  constructor(private readonly options: ForwardSinkOptions) {
    this.name = options.name;
    this.target = `${options.host}:${options.port}`;
  }

  async write(events: readonly Event[]): Promise<void> {
    for (const {origin} of events) if (origin && origin.id === undefined) origin.host ??= HOST;
    const sender = await this.connected();
    const batchId = (this.lastBatchId = (this.lastBatchId % 0xffff_ffff) + 1);
    let reply;
    try {
      reply = await sender.request(batchId, encodeFrame({kind: 'batch', batchId, events}), this.options.ackTimeoutMs ?? 20_000);
    } catch (err) {
      for (const event of events) event.redelivered = true;
      throw new SinkUnavailableError(`${this.target} did not acknowledge ${events.length} event(s) (${errorMessage(err)}); they may have arrived, so they go on marked as redelivered`, {cause: err});
    }
    if (reply.kind === 'nack') {
      // The receiver may hang up after a NACK: the next attempt starts on a new connection.
      await this.close();
      if (reply.maybeDelivered) for (const event of events) event.redelivered = true;
      throw new SinkUnavailableError(`${this.target} refused ${events.length} event(s): ${reply.reason}`);
    }
  }

  async probe(): Promise<void> {
    await this.connected();
  }

  private async connected(): Promise<Sender> {
    if (this.sender?.usable) return this.sender;
    this.sender = undefined;
    try {
      this.sender = await Sender.connect(this.options.host, this.options.port, this.options.connectTimeoutMs ?? 5000, this.options.tls);
    } catch (err) {
      throw new SinkUnavailableError(`cannot connect to ${this.target}: ${errorMessage(err)}`, {cause: err});
    }
    return this.sender;
  }

  async close(): Promise<void> {
    this.sender?.close();
    this.sender = undefined;
  }
}
