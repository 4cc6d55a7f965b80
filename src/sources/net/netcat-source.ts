import {errorMessage} from '../../lib/errors.js';
import type {Event} from '../../pipeline/event.js';
import type {Source, SourceContext} from '../../pipeline/source.js';
import type {Line} from '../../lib/line.js';
import {LineSplitter} from '../line-splitter.js';
import {rejectReason} from '../classify.js';
import {DEFAULT_BIND, ListenAddress, type BoundAddress} from './listen.js';
import {serveTcp, type ConnectionHandler, type TcpConnection} from './tcp-server.js';

export interface NetcatSourceOptions {
  name: string;
  /** Default 127.0.0.1. */
  bind?: string;
  /** 0 picks a free port; `listening` tells which. */
  port: number;
  /** Answer each line with OK once it is safe in the channel (Flume's ack-every-event). */
  ack?: boolean;
  /** A line with its newline must fit in this many bytes (Flume's max-line-length, default 512). */
  maxLineLength?: number;
  /** Most lines put into the channel at once (default 100). */
  batchSize?: number;
}

export const DEFAULT_MAX_LINE_LENGTH = 512;

/**
 * Flume's netcat source: one event per line of a TCP connection (\n or \r\n). With ack, each line
 * is answered `OK` only after deliver() resolved for it. A line longer than maxLineLength is
 * answered `FAILED: ...` and goes on cut and marked rejected (a Kafka sink dead-letters it, with
 * the sender as origin); unlike Flume the connection stays open. Lines that are binary or not
 * UTF-8 are rejected the same way, but answered OK: they are safe, on their way to the dead letters.
 */
export class NetcatSource implements Source {
  readonly type = 'netcat';
  readonly name: string;
  private readonly address = new ListenAddress();
  private readonly maxLineLength: number;
  private readonly batchSize: number;

  constructor(private readonly options: NetcatSourceOptions) {
    this.name = options.name;
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.batchSize = options.batchSize ?? 100;
  }

  /** Resolves with the bound address once run() listens; rejects when it cannot. */
  get listening(): Promise<BoundAddress> {
    return this.address.promise;
  }

  run(ctx: SourceContext): Promise<void> {
    return serveTcp({bind: this.options.bind ?? DEFAULT_BIND, port: this.options.port, what: `netcat${this.options.ack ? ', ack every line' : ''}`}, ctx, this.address, (conn) => this.connection(conn, ctx));
  }

  private connection(conn: TcpConnection, ctx: SourceContext): ConnectionHandler {
    const splitter = new LineSplitter(this.maxLineLength - 1);
    let warned = false;
    const tooLong = `FAILED: Event exceeds the maximum length (${this.maxLineLength} bytes, including newline)\n`;
    const handle = async (lines: Line[]) => {
      for (let i = 0; i < lines.length; i += this.batchSize) {
        const batch = lines.slice(i, i + this.batchSize);
        ctx.count('AppendBatchReceivedCount');
        try {
          await ctx.deliver(batch.map((line) => this.toEvent(line, conn.peer)));
        } catch (err) {
          ctx.log(`lines from ${conn.peer} could not be put into the channel: ${errorMessage(err)}`);
          conn.reply(`FAILED: ${errorMessage(err)}\n`.repeat(batch.length));
          conn.hangUp();
          return;
        }
        ctx.count('AppendBatchAcceptedCount');
        let replies = '';
        for (const line of batch) {
          if (line.length > line.body.length) {
            replies += tooLong;
            ctx.count('EventRejectedCount');
            if (!warned) ctx.log(`${conn.peer} sent a line of ${line.length} bytes, longer than maxLineLength ${this.maxLineLength}: passed on cut and rejected`);
            warned = true;
          } else if (this.options.ack) replies += 'OK\n';
        }
        if (replies) conn.reply(replies);
      }
    };
    return {
      data: (chunk) => handle(splitter.push(chunk)),
      // A last line without newline before the peer closed its side is still a line.
      end: async () => {
        const last = splitter.flushPending();
        if (last) await handle([last]);
      },
    };
  }

  private toEvent(line: Line, peer: string): Event {
    const event: Event = {headers: {}, body: line.body, origin: {host: peer}, readAt: Date.now()};
    const rejected = line.length > line.body.length ? `line of ${line.length} bytes exceeds maxLineLength (${this.maxLineLength} bytes, including newline)` : rejectReason(line.body);
    if (rejected) event.rejected = rejected;
    return event;
  }
}
