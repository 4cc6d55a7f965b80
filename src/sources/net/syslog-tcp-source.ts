import type tls from 'node:tls';
import {errorMessage} from '../../lib/errors.js';
import type {Source, SourceContext} from '../../pipeline/source.js';
import {DEFAULT_BIND, ListenAddress, type BoundAddress} from './listen.js';
import {syslogEvent} from './syslog/event.js';
import {SyslogFramer, type SyslogFrame} from './syslog/framing.js';
import {serveTcp, type ConnectionHandler, type TcpConnection} from './tcp-server.js';

export interface SyslogTcpSourceOptions {
  name: string;
  /** Default 127.0.0.1. */
  bind?: string;
  port: number;
  /** Largest message in bytes (Flume's eventSize, default 2500); longer ones are cut, marked Incomplete and rejected. */
  eventSize?: number;
  /** Keep the whole message as the body (Flume's keepFields = all). */
  keepFields?: boolean;
  /** Header that receives the sender's IP address (Flume's clientIPHeader). */
  clientIPHeader?: string;
  /** Most messages put into the channel at once (default 100). */
  batchSize?: number;
  /** Syslog over TLS (RFC 5425): the server options from sourceTlsOptions. */
  tls?: tls.TlsOptions;
}

export const DEFAULT_EVENT_SIZE = 2500;

/**
 * Flume's syslogtcp source: RFC 5424 and RFC 3164 messages over TCP, each framed by a newline or
 * by an octet count (RFC 6587), told apart per message; with `tls`, syslog over TLS (RFC 5425,
 * whose octet-counted frames are the same). Each connection is read in order and
 * paused while its messages are put into the channel, so a fast sender waits rather than fills
 * memory. Syslog over TCP has no acknowledgements: what a sender wrote before the agent stopped
 * and was not yet read is the sender's to resend.
 */
export class SyslogTcpSource implements Source {
  readonly type = 'syslogtcp';
  readonly name: string;
  private readonly address = new ListenAddress();
  private readonly eventSize: number;
  private readonly batchSize: number;

  constructor(private readonly options: SyslogTcpSourceOptions) {
    this.name = options.name;
    this.eventSize = options.eventSize ?? DEFAULT_EVENT_SIZE;
    this.batchSize = options.batchSize ?? 100;
  }

  get listening(): Promise<BoundAddress> {
    return this.address.promise;
  }

  run(ctx: SourceContext): Promise<void> {
    return serveTcp({bind: this.options.bind ?? DEFAULT_BIND, port: this.options.port, what: this.options.tls ? 'syslog over TLS' : 'syslog over TCP', tls: this.options.tls}, ctx, this.address, (conn) => this.connection(conn, ctx));
  }

  private connection(conn: TcpConnection, ctx: SourceContext): ConnectionHandler {
    const framer = new SyslogFramer(this.eventSize);
    const eventOptions = {keepFields: this.options.keepFields, clientIPHeader: this.options.clientIPHeader, maxBytes: this.eventSize};
    const handle = async (frames: SyslogFrame[]) => {
      for (let i = 0; i < frames.length; i += this.batchSize) {
        const events = frames.slice(i, i + this.batchSize).map((f) => syslogEvent(f, conn.peer, eventOptions));
        ctx.count('AppendBatchReceivedCount');
        try {
          await ctx.deliver(events);
        } catch (err) {
          ctx.log(`${events.length} syslog message(s) from ${conn.peer} could not be put into the channel: ${errorMessage(err)}`);
          conn.hangUp();
          return;
        }
        ctx.count('AppendBatchAcceptedCount');
        const cut = events.filter((e) => e.rejected).length;
        if (cut > 0) ctx.count('EventRejectedCount', cut);
      }
    };
    return {
      data: (chunk) => handle(framer.push(chunk)),
      end: async () => {
        const last = framer.flush();
        if (last) await handle([last]);
      },
    };
  }
}
