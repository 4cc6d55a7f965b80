import type {ClientConfig} from './client-config.js';
import type {Acks, CompressionName} from './client-settings.js';
import type {NumberedHeader} from '../protocol/records/records.js';
import type {TransactionOffsets} from './transaction-session.js';
import {WireTopicProducer, type WireProducerTimeouts} from './wire-producer.js';

export interface ProducerOptions {
  brokers: string[];
  acks?: Acks;
  compression?: CompressionName;
  /** Idempotent producer (acks=all; the broker drops a batch it already wrote). */
  idempotent?: boolean;
  /** transactional.id: everything sent up to a flush() is one transaction, committed by it (implies idempotence). */
  transactionalId?: string;
  /** Batches in flight before send() waits (default 8); one at a time within a partition. */
  maxInFlight?: number;
  clientId?: string;
  /** TLS and SASL settings (default: the command's). */
  clientConfig?: ClientConfig;
}

export interface OutgoingRecord {
  key: Buffer | null;
  value: Buffer | null;
  /** A value copied from where it lies, without a Buffer of it (see RecordInput.copyValue). */
  valueLength?: number;
  copyValue?(target: Buffer, at: number): number;
  /** A string value is sent as its UTF-8 bytes. */
  headers?: Array<{key: string; value: Buffer | string}>;
  /** A last header: numberedHeader.prefix then headerNumber's digits (see RecordInput). */
  numberedHeader?: NumberedHeader;
  headerNumber?: number;
  /**
   * At least the encoded bytes of the headers (10 per header plus key and value, a string value
   * counted 3 bytes per UTF-16 unit), for a record that knows it without building its headers.
   */
  headerBytes?: number;
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

/** A record the topic refused for good (larger than its max.message.bytes): sending it again is no use. */
export interface RefusedRecord {
  record: OutgoingRecord;
  /** Names the topic, its max.message.bytes and the Kafka error. */
  reason: string;
}

/** What became of records sent with sendConfirmed(). */
export interface SendOutcome {
  /** Not acknowledged (a failure): flush(), then send them again in this order. */
  unacknowledged: OutgoingRecord[];
  refused: RefusedRecord[];
}

/**
 * A producer bound to one topic, with a delivery report. send() enqueues a batch and resolves
 * once there is room for another (several batches are in flight); flush() waits for all of
 * them and returns what Kafka acknowledged, or throws the first failure as a UserError naming
 * the Kafka error (or, everything else written, the records the topic refused as too large).
 */
export interface TopicProducer {
  readonly topic: string;
  readonly partitions: number;
  /** The topic's max.message.bytes as the producer last read it (batches are built under it). */
  readonly maxMessageBytes: number;
  /** A record the topic refuses for its size is reported by the next flush(), after the rest was written. */
  send(records: OutgoingRecord[]): Promise<void>;
  /** Sends and resolves once these records settled, with those Kafka did not acknowledge and those the topic refused (see WireTopicProducer). */
  sendConfirmed(records: OutgoingRecord[]): Promise<SendOutcome>;
  /** A transactional producer commits here, with the group offsets given (consume-transform-produce). */
  flush(offsets?: TransactionOffsets): Promise<DeliveryReport>;
  close(): Promise<void>;
}

/** A producer for `topic` (fails with a UserError when no broker answers or the topic is missing). */
export function openProducer(topic: string, options: ProducerOptions & WireProducerTimeouts): Promise<TopicProducer> {
  return WireTopicProducer.open(topic, options);
}
