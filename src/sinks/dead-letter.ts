import {withAdmin} from '../client/admin.js';
import {openProducer, type OutgoingRecord, type TopicProducer} from '../client/producer.js';
import type {Event} from '../pipeline/event.js';

/** Kafka's default message.max.bytes: a dead letter's body is cut to fit under it. */
const MAX_DEAD_LETTER_BODY = 1_000_000;

/**
 * Where rejected events go: a Kafka topic, with headers that say why and where each came from
 * (file, inode and byte offset for collected lines; topic, partition and offset for drained
 * records). The topic is created on first use, as Kafka Connect does for its DLQ.
 */
export class DeadLetterTopic {
  private producer?: TopicProducer;

  constructor(
    readonly topic: string,
    private readonly brokers: string[],
  ) {}

  async send(events: Array<{event: Event; reason: string}>): Promise<void> {
    if (events.length === 0) return;
    this.producer ??= await this.open();
    await this.producer.send(events.map(({event, reason}) => deadLetterRecord(event, reason)));
    await this.producer.flush();
  }

  private async open(): Promise<TopicProducer> {
    await withAdmin(this.brokers, async (admin) => {
      if (!(await admin.listTopics()).some((t) => t.name === this.topic)) await admin.createTopic({name: this.topic, partitions: 1});
    });
    return openProducer(this.topic, {brokers: this.brokers, idempotent: true, clientId: 'kcollect-dlq'});
  }

  async close(): Promise<void> {
    await this.producer?.close();
  }
}

export function deadLetterRecord(event: Event, reason: string): OutgoingRecord {
  const headers: Record<string, string> = {...event.headers, 'dlq.reason': reason};
  const {origin, kafka} = event;
  if (origin?.file !== undefined) headers['dlq.file'] = origin.file;
  if (origin?.inode !== undefined) headers['dlq.inode'] = String(origin.inode);
  if (origin?.offset !== undefined) headers['dlq.byte-offset'] = String(origin.offset);
  if (kafka) {
    headers['dlq.topic'] = kafka.topic;
    headers['dlq.partition'] = String(kafka.partition);
    headers['dlq.offset'] = String(kafka.offset);
  }
  return {
    key: kafka?.key ?? null,
    value: event.body.subarray(0, MAX_DEAD_LETTER_BODY),
    headers: Object.entries(headers).map(([key, value]) => ({key, value: Buffer.from(value)})),
  };
}
