import dgram from 'node:dgram';
import net from 'node:net';
import {errorMessage} from '../../lib/errors.js';
import type {Event} from '../../pipeline/event.js';
import type {Source, SourceContext} from '../../pipeline/source.js';
import {DEFAULT_BIND, ListenAddress, peerHost, untilAborted, type BoundAddress} from './listen.js';
import {syslogEvent} from './syslog/event.js';

export interface SyslogUdpSourceOptions {
  name: string;
  /** Default 127.0.0.1. */
  bind?: string;
  port: number;
  keepFields?: boolean;
  clientIPHeader?: string;
  /** Most messages put into the channel at once (default 100). */
  batchSize?: number;
  /** Messages waiting for the channel beyond this many (or 16 MiB) are dropped and counted. Default 10000. */
  maxQueued?: number;
}

const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/**
 * Flume's syslogudp source: one RFC 5424 or RFC 3164 message per datagram (a datagram is at most
 * 64 KiB, so no size option). UDP cannot be paused: datagrams queue while the channel takes the
 * previous batch, and past a bound they are dropped, counted (EventDroppedCount) and logged,
 * never silently. Use syslogtcp where a message must not be lost.
 */
export class SyslogUdpSource implements Source {
  readonly type = 'syslogudp';
  readonly name: string;
  private readonly address = new ListenAddress();

  constructor(private readonly options: SyslogUdpSourceOptions) {
    this.name = options.name;
  }

  get listening(): Promise<BoundAddress> {
    return this.address.promise;
  }

  async run(ctx: SourceContext): Promise<void> {
    const bind = this.options.bind ?? DEFAULT_BIND;
    const batchSize = this.options.batchSize ?? 100;
    const maxQueued = this.options.maxQueued ?? 10_000;
    const eventOptions = {keepFields: this.options.keepFields, clientIPHeader: this.options.clientIPHeader};
    const socket = dgram.createSocket(net.isIPv6(bind) ? 'udp6' : 'udp4');
    const queue: Array<{event: Event; size: number}> = [];
    let queuedBytes = 0;
    let dropped = 0;
    let wake: (() => void) | undefined;
    socket.on('message', (datagram, peer) => {
      if (queue.length >= maxQueued || queuedBytes + datagram.length > MAX_QUEUED_BYTES) {
        ctx.count('EventDroppedCount');
        // One line per thousand, not per datagram: a flood must not flood the log too.
        if (dropped++ % 1000 === 0) ctx.log(`the channel is not keeping up: dropped ${dropped} datagram(s) so far (queue holds ${queue.length})`);
        return;
      }
      const message = trimNewline(datagram);
      const event = syslogEvent({message, length: message.length}, peerHost(peer.address), eventOptions);
      if (event.rejected) ctx.count('EventRejectedCount');
      queue.push({event, size: datagram.length});
      queuedBytes += datagram.length;
      wake?.();
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.options.port, bind, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      socket.close();
      throw this.address.failed(bind, this.options.port, err);
    }
    socket.on('error', (err) => ctx.log(`socket error: ${errorMessage(err)}`));
    const bound = socket.address();
    this.address.bound({host: bound.address, port: bound.port}, ctx, 'syslog over UDP');
    const stopped = untilAborted(ctx.signal).then(() => socket.close());
    // Delivers in arrival order; after stop, what is queued still goes in.
    while (!ctx.signal.aborted || queue.length > 0) {
      if (queue.length === 0) {
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), stopped]);
        wake = undefined;
        continue;
      }
      const batch = queue.splice(0, batchSize).map(({event, size}) => {
        queuedBytes -= size;
        return event;
      });
      ctx.count('AppendBatchReceivedCount');
      try {
        await ctx.deliver(batch);
        ctx.count('AppendBatchAcceptedCount');
      } catch (err) {
        ctx.count('EventDroppedCount', batch.length + queue.length);
        ctx.log(`${batch.length + queue.length} syslog message(s) could not be put into the channel: ${errorMessage(err)}`);
        queue.length = 0;
        queuedBytes = 0;
        if (ctx.signal.aborted) break;
      }
    }
    await stopped;
  }
}

/** Some senders end a datagram with a newline; it is framing, not message. */
function trimNewline(datagram: Buffer): Buffer {
  let end = datagram.length;
  if (end > 0 && datagram[end - 1] === 0x0a) end--;
  if (end > 0 && datagram[end - 1] === 0x0d) end--;
  return datagram.subarray(0, end);
}
