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
  /** Sends and resolves once these records settled, with those Kafka did not acknowledge (see WireTopicProducer). */
  sendConfirmed(records: OutgoingRecord[]): Promise<OutgoingRecord[]>;
  /** A transactional producer commits here, with the group offsets given (consume-transform-produce). */
  flush(offsets?: TransactionOffsets): Promise<DeliveryReport>;
  close(): Promise<void>;
}

/** A producer for `topic` (fails with a UserError when no broker answers or the topic is missing). */
export function openProducer(topic: string, options: ProducerOptions & WireProducerTimeouts): Promise<TopicProducer> {
  return WireTopicProducer.open(topic, options);
}
