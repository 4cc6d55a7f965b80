import kafkajs from 'kafkajs';
import type {Message, Producer, RecordMetadata} from 'kafkajs';
import {UserError} from '../lib/errors.js';
import {missingTopic} from './admin.js';
import {registerCodecs} from './codecs.js';
import {createKafka, probeBrokers} from './kafka.js';
import {translateKafkaError} from './kafka-errors.js';
import {StickyPartitioner, partitionForKey} from './partitioner.js';

const {CompressionTypes, Partitioners} = kafkajs;

export const ACKS = ['all', '-1', '1', '0'] as const;
export type Acks = (typeof ACKS)[number];
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionName = (typeof COMPRESSIONS)[number];

const CODECS: Record<CompressionName, number> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export interface ProducerOptions {
  brokers: string[];
  acks?: Acks;
  compression?: CompressionName;
  /** Idempotent producer (acks=all, one batch in flight). */
  idempotent?: boolean;
  /** Batches sent concurrently before send() waits (default 8; 1 when idempotent). */
  maxInFlight?: number;
  clientId?: string;
}

export interface OutgoingRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Array<{key: string; value: Buffer}>;
  /** Explicit partition; otherwise murmur2(key), or sticky per batch without a key. */
  partition?: number;
  timestamp?: number;
}

export interface PartitionDelivery {
  partition: number;
  records: number;
  /** null when acks=0: the broker sends no offsets back. */
  firstOffset: number | null;
  lastOffset: number | null;
}

/** What Kafka acknowledged. */
export interface DeliveryReport {
  topic: string;
  records: number;
  bytes: number;
  acks: Acks;
  compression: CompressionName;
  partitions: PartitionDelivery[];
  durationMs: number;
}

/**
 * A producer bound to one topic, with a delivery report. send() enqueues a batch and resolves
 * once there is room for another (several batches are in flight); flush() waits for all of
 * them and returns what Kafka acknowledged, or throws the first failure as a UserError naming
 * the Kafka error.
 */
export interface TopicProducer {
  readonly topic: string;
  readonly partitions: number;
  send(records: OutgoingRecord[]): Promise<void>;
  flush(): Promise<DeliveryReport>;
  close(): Promise<void>;
}

export async function openProducer(topic: string, options: ProducerOptions): Promise<TopicProducer> {
  const {brokers} = options;
  await probeBrokers(brokers);
  registerCodecs();
  const kafka = createKafka(brokers, options.clientId);
  // Partition count (and the missing-topic error) before anything is sent.
  const admin = kafka.admin();
  let partitions: number;
  try {
    await admin.connect();
    if (!(await admin.listTopics()).includes(topic)) throw missingTopic(topic);
    const {topics} = await admin.fetchTopicMetadata({topics: [topic]});
    partitions = topics.find((t) => t.name === topic)?.partitions.length ?? 0;
  } catch (err) {
    throw translateKafkaError(err, `produce to ${topic}`, brokers);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const idempotent = options.idempotent ?? false;
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent,
    maxInFlightRequests: idempotent ? 1 : undefined,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: idempotent ? undefined : {retries: 5, initialRetryTime: 100, maxRetryTime: 2000},
  });
  try {
    await producer.connect();
  } catch (err) {
    throw translateKafkaError(err, `produce to ${topic}`, brokers);
  }
  return new KafkajsTopicProducer(producer, topic, partitions, options);
}

class KafkajsTopicProducer implements TopicProducer {
  private readonly acks: Acks;
  private readonly compression: CompressionName;
  private readonly maxInFlight: number;
  private readonly sticky: StickyPartitioner;
  private readonly inFlight = new Set<Promise<void>>();
  /** The last batch sent to each partition: the next one for it waits, so order is kept. */
  private readonly lastToPartition = new Map<number, Promise<void>>();
  private readonly delivered = new Map<number, PartitionDelivery>();
  private acknowledged = 0;
  private bytes = 0;
  private failure?: unknown;
  private readonly started = Date.now();

  constructor(
    private readonly producer: Producer,
    readonly topic: string,
    readonly partitions: number,
    private readonly options: ProducerOptions,
  ) {
    this.acks = options.idempotent ? 'all' : options.acks ?? 'all';
    this.compression = options.compression ?? 'none';
    this.maxInFlight = options.idempotent ? 1 : Math.max(1, options.maxInFlight ?? 8);
    this.sticky = new StickyPartitioner(partitions);
  }

  async send(records: OutgoingRecord[]): Promise<void> {
    this.throwIfFailed();
    if (records.length === 0) return;
    const unkeyed = this.sticky.nextBatch();
    const counts = new Map<number, number>();
    let bytes = 0;
    const messages: Message[] = records.map((r) => {
      const partition = r.partition ?? (r.key ? partitionForKey(r.key, this.partitions) : unkeyed);
      if (partition < 0 || partition >= this.partitions) {
        throw new UserError(`partition ${partition} does not exist: topic "${this.topic}" has ${this.partitions} partition(s)`, `use --partition 0..${this.partitions - 1}, or add partitions with \`kcollect topic add-partitions ${this.topic} --total N\``);
      }
      counts.set(partition, (counts.get(partition) ?? 0) + 1);
      bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
      return {key: r.key, value: r.value, partition, headers: toKafkajsHeaders(r.headers), timestamp: r.timestamp === undefined ? undefined : String(r.timestamp)};
    });
    // kafkajs may put a later send on the wire before an earlier one (each awaits its own
    // encoding), so batches are concurrent only across partitions, never within one.
    const before = [...counts.keys()].map((partition) => this.lastToPartition.get(partition));
    const p: Promise<void> = Promise.all(before)
      .then(async () => {
        if (this.failure !== undefined) return;
        const metadata = await this.producer.send({topic: this.topic, messages, acks: this.acks === 'all' ? -1 : Number(this.acks), compression: CODECS[this.compression]});
        this.record(metadata, counts, bytes);
      })
      .catch((err) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.inFlight.delete(p);
        for (const partition of counts.keys()) if (this.lastToPartition.get(partition) === p) this.lastToPartition.delete(partition);
      });
    for (const partition of counts.keys()) this.lastToPartition.set(partition, p);
    this.inFlight.add(p);
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private record(metadata: RecordMetadata[], counts: Map<number, number>, bytes: number): void {
    for (const [partition, n] of counts) {
      const m = metadata.find((x) => x.partition === partition);
      const base = m?.baseOffset !== undefined && m.baseOffset !== null && Number(m.baseOffset) >= 0 ? Number(m.baseOffset) : null;
      const d = this.delivered.get(partition) ?? {partition, records: 0, firstOffset: null, lastOffset: null};
      d.records += n;
      if (base !== null) {
        d.firstOffset = d.firstOffset === null ? base : Math.min(d.firstOffset, base);
        d.lastOffset = Math.max(d.lastOffset ?? -1, base + n - 1);
      }
      this.delivered.set(partition, d);
      this.acknowledged += n;
    }
    this.bytes += bytes;
  }

  private throwIfFailed(): void {
    if (this.failure === undefined) return;
    const err = translateKafkaError(this.failure, `produce to ${this.topic} failed after ${this.acknowledged} acknowledged record(s)`, this.options.brokers);
    throw err;
  }

  /** Throws the first failure once; the producer (and its idempotent sequence state) stays usable. */
  async flush(): Promise<DeliveryReport> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    try {
      this.throwIfFailed();
    } finally {
      this.failure = undefined;
    }
    return {
      topic: this.topic,
      records: this.acknowledged,
      bytes: this.bytes,
      acks: this.acks,
      compression: this.compression,
      partitions: [...this.delivered.values()].sort((a, b) => a.partition - b.partition),
      durationMs: Date.now() - this.started,
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    await this.producer.disconnect().catch(() => undefined);
  }
}

function toKafkajsHeaders(headers: OutgoingRecord['headers']): Message['headers'] {
  if (!headers || headers.length === 0) return undefined;
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const {key, value} of headers) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}
