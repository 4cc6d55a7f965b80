import type {ClientConfig} from '../client/client-config.js';
import {crc32c} from '@node-rs/crc32';
import {fetchRecords} from '../client/fetcher.js';
import type {Event} from '../pipeline/event.js';
import {ORIGIN_HEADER, originHeader} from '../pipeline/origin.js';


const identity = (origin: string, body: Buffer) => `${origin}|${crc32c(body)}`;

/**
 * Closes the one window an acknowledgement-then-checkpoint design leaves open: a collector killed
 * after Kafka acknowledged a batch but before its file position was saved reads those lines
 * again. On start the sink reads back the last records of each partition; a line whose origin
 * (host, inode, byte offset) and content match one of them is already in Kafka and is skipped.
 * The Kafka sink also loads one for each batch holding events a forwarding agent marked as
 * redelivered (an aggregator may have written them before it died), and skips those it holds.
 */
export class RedeliveryFilter {
  private seen = new Set<string>();
  /** Events still to check: a re-read can only cover what was recently written. */
  private budget = 0;
  skipped = 0;

  static async load(brokers: string[], topic: string, window: number, clientConfig?: ClientConfig): Promise<RedeliveryFilter> {
    const filter = new RedeliveryFilter();
    await fetchRecords({brokers, clientConfig, topic, start: {kind: 'fromEnd', count: window}, stopAtEnd: true, maxWaitMs: 100, clientId: 'kcollect-redelivery-check'}, (records) => {
      for (const r of records) {
        const origin = r.headers.find((h) => h.key === ORIGIN_HEADER)?.value;
        if (origin && r.value) filter.seen.add(identity(origin.toString(), r.value));
      }
    });
    filter.budget = filter.seen.size * 2;
    return filter;
  }

  /** True when this event was already written before the restart. */
  alreadyWritten(event: Event): boolean {
    if (this.budget <= 0) return false;
    this.budget -= 1;
    return this.holds(event);
  }

  /** True when a record read back has this event's origin and content (each record matches once). */
  holds(event: Event): boolean {
    const origin = originHeader(event);
    if (origin === undefined || !this.seen.delete(identity(origin, event.body))) return false;
    this.skipped += 1;
    return true;
  }
}
