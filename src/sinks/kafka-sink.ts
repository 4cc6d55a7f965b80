import {openProducer, type Acks, type CompressionName, type OutgoingRecord, type TopicProducer} from '../client/producer.js';
import {StickyPartitioner, partitionForKey} from '../client/partitioner.js';
import type {Event} from '../pipeline/event.js';
import type {Sink} from '../pipeline/sink.js';
import type {DeadLetterTopic} from './dead-letter.js';
import {ORIGIN_HEADER, RedeliveryFilter, originHeader} from './redelivery-filter.js';

export interface KafkaSinkOptions {
  name: string;
  brokers: string[];
  topic: string;
  /** The record key of an event (see pipeline/key.ts); null: no key. */
  key?: (event: Event) => Buffer | null;
  acks?: Acks;
  compression?: CompressionName;
  /** Default true: a retried batch is not written twice. */
  idempotent?: boolean;
  /** Bodies over this size go to the dead-letter topic (Kafka's max.message.bytes, ~1 MB). */
  maxRecordBytes?: number;
  deadLetters?: DeadLetterTopic;
  /**
   * Records per partition read back on start to recognise lines a killed collector reads again
   * (see redelivery-filter.ts); 0 turns the check off. Default 10,000.
   */
  redeliveryWindow?: number;
}

/**
 * Sends events to a Kafka topic: headers become record headers, a numeric `timestamp` header
 * (Flume's timestamp interceptor) becomes the record timestamp. write() resolves once Kafka
 * acknowledged every record. Rejected and oversized events go to the dead-letter topic (or, with
 * none configured, are counted and dropped with a log line).
 */
export class KafkaSink implements Sink {
  readonly type = 'kafka';
  readonly name: string;
  private producer?: TopicProducer;
  /** The records of the last batch that failed: a retry sends the same partitions and order. */
  private sticky?: StickyPartitioner;
  private redelivery?: RedeliveryFilter;
  private retrying?: {events: Event[]; records: OutgoingRecord[]};

  constructor(
    private readonly options: KafkaSinkOptions,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.name = options.name;
  }

  async start(): Promise<void> {
    this.producer = await this.open();
    const window = this.options.redeliveryWindow ?? 10_000;
    if (window > 0) this.redelivery = await RedeliveryFilter.load(this.options.brokers, this.options.topic, window);
  }

  /** Lines skipped on start because Kafka already held them. */
  get redeliveredSkipped(): number {
    return this.redelivery?.skipped ?? 0;
  }

  private open(): Promise<TopicProducer> {
    const {brokers, topic, acks, compression} = this.options;
    const idempotent = this.options.idempotent ?? true;
    return openProducer(topic, {brokers, acks: acks ?? 'all', compression, idempotent, clientId: `kcollect-${this.name}`});
  }

  async write(events: Event[]): Promise<void> {
    // One producer for the agent's life: its idempotent sequence numbers let the broker
    // recognise a retried batch it already wrote (the ack was lost) and not append it again.
    this.producer ??= await this.open();
    const records = this.retrying?.events === events ? this.retrying.records : await this.prepare(events, this.producer);
    if (records.length === 0) return;
    try {
      await this.producer.send(records);
      await this.producer.flush();
      this.retrying = undefined;
    } catch (err) {
      await this.producer.flush().catch(() => undefined); // settles what is in flight, clears the failure
      this.retrying = {events, records};
      throw err;
    }
  }

  /** Dead-letters what cannot be a record; the rest, with partitions fixed now, for retries. */
  private async prepare(events: Event[], producer: TopicProducer): Promise<OutgoingRecord[]> {
    const maxBytes = this.options.maxRecordBytes ?? 1_000_000;
    const records: OutgoingRecord[] = [];
    const dead: Array<{event: Event; reason: string}> = [];
    for (const event of events) {
      if (event.rejected) dead.push({event, reason: event.rejected});
      else if (event.body.length > maxBytes) dead.push({event, reason: `record of ${event.body.length} bytes exceeds ${maxBytes} bytes`});
      else if (!this.redelivery?.alreadyWritten(event)) records.push(toRecord(event, this.options.key));
    }
    if (dead.length > 0) await this.deadLetter(dead);
    const unkeyed = (this.sticky ??= new StickyPartitioner(producer.partitions)).nextBatch();
    for (const r of records) r.partition = r.key ? partitionForKey(r.key, producer.partitions) : unkeyed;
    return records;
  }

  private async deadLetter(dead: Array<{event: Event; reason: string}>): Promise<void> {
    const {deadLetters} = this.options;
    if (deadLetters) return deadLetters.send(dead);
    for (const {event, reason} of dead) {
      const where = event.origin?.file ? ` (${event.origin.file} at byte ${event.origin.offset})` : '';
      this.log(`dropped a rejected event${where}: ${reason}; set a dead-letter topic to keep them`);
    }
  }

  async close(): Promise<void> {
    await this.producer?.close();
    await this.options.deadLetters?.close();
  }
}

function toRecord(event: Event, key: KafkaSinkOptions['key']): OutgoingRecord {
  const timestamp = Number(event.headers.timestamp);
  const headers = Object.entries(event.headers).map(([k, v]) => ({key: k, value: Buffer.from(v)}));
  const origin = originHeader(event);
  if (origin !== undefined) headers.push({key: ORIGIN_HEADER, value: Buffer.from(origin)});
  return {
    key: key ? key(event) : null,
    value: event.body,
    headers,
    timestamp: Number.isSafeInteger(timestamp) && timestamp > 0 ? timestamp : undefined,
  };
}
