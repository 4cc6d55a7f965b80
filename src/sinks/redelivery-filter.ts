import type {ClientConfig} from '../client/client-config.js';
import {crc32c} from '@node-rs/crc32';
import {ClusterConnections} from '../client/cluster-connections.js';
import {fetchRecords, type StartPosition} from '../client/fetcher.js';
import type {Event} from '../pipeline/event.js';
import {ORIGIN_HEADER, originHeader} from '../pipeline/origin.js';


const identity = (origin: string, body: Buffer) => `${origin}|${crc32c(body)}`;

/**
 * Closes the one window an acknowledgement-then-checkpoint design leaves open: a collector killed
 * after Kafka acknowledged a batch but before its file position was saved reads those lines
 * again. On start the sink reads back the last records of each partition; a line whose origin
 * (host, inode, byte offset) and content match one of them is already in Kafka and is skipped.
 * Events marked redelivered (a file channel's replay, lines a tail reads again after a failed
 * delivery, a forwarding agent's resend) are checked against the topic as it is when they come:
 * the sink keeps one filter for them and reads only the records appended since its last look.
 */
export class RedeliveryFilter {
  private seen = new Set<string>();
  /** Records matched since the last look at the topic. */
  private matched = new Set<string>();
  /** Events still to check: a re-read can only cover what was recently written. */
  private budget = 0;
  /** Per partition, the offset after the last record read: where catchUp() goes on. */
  private next = new Map<number, number>();
  /** Identities kept: the window's worth of each partition (the oldest go first). */
  private capacity = 0;
  skipped = 0;

  /** Kept open between looks: a replay looks once per batch. */
  private readonly cluster: ClusterConnections;

  private constructor(
    private readonly brokers: string[],
    private readonly topic: string,
    clientConfig?: ClientConfig,
  ) {
    this.cluster = new ClusterConnections(brokers, 'kcollect-redelivery-check', clientConfig);
  }

  static async load(brokers: string[], topic: string, window: number, clientConfig?: ClientConfig): Promise<RedeliveryFilter> {
    const filter = new RedeliveryFilter(brokers, topic, clientConfig);
    try {
      await filter.read({kind: 'fromEnd', count: window});
    } catch (err) {
      filter.close();
      throw err;
    }
    filter.capacity = window * Math.max(1, filter.next.size);
    filter.budget = filter.seen.size * 2;
    return filter;
  }

  /** Adds the records appended since the last read (a partition added since: all of it). */
  catchUp(): Promise<void> {
    this.matched.clear();
    return this.read({kind: 'committed', offsets: this.next, otherwise: 'beginning'});
  }

  private async read(start: StartPosition): Promise<void> {
    const {partitions} = await fetchRecords({brokers: this.brokers, cluster: this.cluster, topic: this.topic, start, stopAtEnd: true, maxWaitMs: 100}, (records) => {
      for (const r of records) {
        const origin = r.headers.find((h) => h.key === ORIGIN_HEADER)?.value;
        if (origin && r.value) this.seen.add(identity(origin.toString(), r.value));
      }
    });
    for (const {partition, nextOffset} of partitions) this.next.set(partition, nextOffset);
    if (this.capacity > 0) for (const oldest of this.seen) {
      if (this.seen.size <= this.capacity) break;
      this.seen.delete(oldest);
      this.matched.delete(oldest);
    }
  }

  /** Closes its connections; a later catchUp() fails. */
  close(): void {
    this.cluster.close();
  }

  /** True when this event was already written before the restart. */
  alreadyWritten(event: Event): boolean {
    if (this.budget <= 0) return false;
    this.budget -= 1;
    return this.holds(event);
  }

  /**
   * True when a record read back has this event's origin and content. Each record matches one
   * event per look at the topic (a file truncated and written again may hold the same line at the
   * same offset twice); a later look lets it match again, as a line may be resent more than once.
   */
  holds(event: Event): boolean {
    const origin = originHeader(event);
    if (origin === undefined) return false;
    const id = identity(origin, event.body);
    if (!this.seen.has(id) || this.matched.has(id)) return false;
    this.matched.add(id);
    this.skipped += 1;
    return true;
  }
}
