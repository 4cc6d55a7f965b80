import type {ClientConfig} from '../client/client-config.js';
import {openProducer, type OutgoingRecord, type TopicProducer} from '../client/producer.js';
import {oneRecordBatchBytes} from '../client/wire-producer.js';
import type {Event} from '../pipeline/event.js';

export const DEAD_LETTER_HEADERS = {
  reason: 'dlq.reason',
  sink: 'dlq.sink',
  file: 'dlq.file',
  inode: 'dlq.inode',
  byteOffset: 'dlq.byte-offset',
  topic: 'dlq.topic',
  partition: 'dlq.partition',
  offset: 'dlq.offset',
} as const;

/** The default dead-letter topic of a topic. */
export const deadLetterTopicFor = (topic: string) => `${topic}.dlq`;

export interface DeadLetter {
  event: Event;
  reason: string;
}

/**
 * Where refused events go: a Kafka topic, with the event's own key, value and headers plus
 * headers that say why and where it came from (file, inode and byte offset for collected lines;
 * topic, partition and offset for drained records). Created (1 partition) on first use, as
 * Kafka Connect does for its DLQ.
 */
export class DeadLetterQueue {
  private producer?: TopicProducer;

  constructor(
    private readonly brokers: string[],
    readonly topic: string,
    private readonly sinkName?: string,
    /** TLS and SASL settings (default: the command's). */
    private readonly clientConfig?: ClientConfig,
  ) {}

  /** Resolves once Kafka acknowledged every letter. */
  async send(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    this.producer ??= await this.open();
    const limit = this.producer.maxMessageBytes;
    await this.producer.send(letters.map((l) => deadLetterRecord(l, this.sinkName, limit)));
    await this.producer.flush();
  }

  private async open(): Promise<TopicProducer> {
    // Loaded with the first letter: the admin client (kafkajs) is no part of a collector's data path.
    const {withAdmin} = await import('../client/admin.js');
    await withAdmin(this.brokers, async (admin) => {
      if (!(await admin.listTopics()).some((t) => t.name === this.topic)) await admin.createTopic({name: this.topic, partitions: 1}).catch(() => undefined);
    }, this.clientConfig);
    return openProducer(this.topic, {brokers: this.brokers, idempotent: true, clientId: 'kcollect-dlq', clientConfig: this.clientConfig});
  }

  async close(): Promise<void> {
    await this.producer?.close();
  }
}

/**
 * The letter as a record; a body the dead-letter topic cannot hold whole (its max.message.bytes,
 * with the key and headers) keeps its first bytes. The reason says how long the event was.
 */
function deadLetterRecord({event, reason}: DeadLetter, sinkName: string | undefined, maxMessageBytes: number): OutgoingRecord {
  const h = DEAD_LETTER_HEADERS;
  const headers: Record<string, string> = {...event.headers, [h.reason]: reason};
  if (sinkName !== undefined) headers[h.sink] = sinkName;
  const {origin, kafka} = event;
  if (origin?.file !== undefined) headers[h.file] = origin.file;
  if (origin?.inode !== undefined) headers[h.inode] = String(origin.inode);
  if (origin?.offset !== undefined) headers[h.byteOffset] = String(origin.offset);
  if (kafka) {
    headers[h.topic] = kafka.topic;
    headers[h.partition] = String(kafka.partition);
    headers[h.offset] = String(kafka.offset);
  }
  const record: OutgoingRecord = {key: kafka?.key ?? null, value: null, headers: Object.entries(headers).map(([key, value]) => ({key, value: Buffer.from(value)}))};
  record.value = event.body.subarray(0, Math.max(0, maxMessageBytes - oneRecordBatchBytes(record)));
  return record;
}
