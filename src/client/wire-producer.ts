import {UserError} from '../lib/errors.js';
import {backoffDelay, sleep} from '../lib/backoff.js';
import {ErrorCode, type KafkaErrorInfo, KafkaProtocolError, errorInfo} from '../protocol/errors.js';
import {InitProducerId} from '../protocol/messages/22-init-producer-id.js';
import {DescribeConfigs} from '../protocol/messages/32-describe-configs.js';
import {Produce} from '../protocol/messages/00-produce.js';
import {BATCH_HEADER_SIZE, Compression} from '../protocol/records/batch.js';
import {encodeBatch, valueBytes} from '../protocol/records/records.js';
import {defaultClientConfig} from './client-config.js';
import {ClusterConnections} from './cluster-connections.js';
import {hintFor} from './error-hints.js';
import {StickyPartitioner, partitionForKey} from './partitioner.js';
import {TransactionSession, type TransactionOffsets} from './transaction-session.js';
import type {Acks, CompressionName} from './client-settings.js';
import type {DeliveryReport, OutgoingRecord, PartitionDelivery, ProducerOptions, RefusedRecord, SendOutcome, TopicProducer} from './producer.js';

/** Kafka's default max.message.bytes (a topic's limit when its config cannot be read). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
/** The largest batch built, whatever the topic takes (the Java producer's max.request.size, 1 MiB). */
const MAX_BATCH_BYTES = 1_048_576;
/**
 * At most the bytes of a record's framing in a batch: its length, attributes, timestamp and
 * offset deltas, key and value lengths and header count, each varint at its longest.
 */
const RECORD_FRAMING_BYTES = 5 + 1 + 10 + 5 + 5 + 5 + 5;
/** Sequence numbers wrap at 2^31 (Kafka's DefaultRecordBatch.incrementSequence). */
const SEQUENCE_SPAN = 2 ** 31;
export interface WireProducerTimeouts {
  /** How long one batch is retried (leader moves, broker restarts) before it fails. Default 15 s. */
  deliveryTimeoutMs?: number;
  /** How long a request waits for its answer before it is sent again. Default: the client config's request.timeout.ms, else 10 s. */
  requestTimeoutMs?: number;
}
const RETRY_BACKOFF = {initialMs: 100, maxMs: 2000};
/** How long opening waits for the leaders' connections (a local one takes a few ms). */
const PRECONNECT_WAIT_MS = 250;
/** Errors after which our producer id's sequence numbers are of no use any more. */
const SEQUENCE_LOST = new Set<number>([ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.UNKNOWN_PRODUCER_ID]);

/** A failed produce: which records Kafka did not acknowledge, in the order they were sent. */
export class ProduceError extends UserError {
  constructor(
    message: string,
    hint: string | undefined,
    readonly unacknowledged: OutgoingRecord[],
    /** The Kafka error behind the failure, when it was one (a lost connection is not). */
    readonly kafkaError?: KafkaErrorInfo,
    /** Records the topic refused for good (too large for it): sending them again is no use. */
    readonly refused: RefusedRecord[] = [],
  ) {
    super(message, hint);
  }
}

interface PartitionStream {
  /** The sequence number the next batch gets (idempotent producers). */
  nextSequence: number;
  /** The last batch sent: the next one waits for it, so order within the partition is kept. */
  tail: Promise<unknown>;
  /** First sequence of the first batch that failed since the last flush. */
  failedSequence?: number;
  /**
   * Records refused so far (too large for the topic): each gave its sequence number to the
   * records after it, so a batch numbered before a refusal is numbered again when it is sent.
   */
  skipped: number;
}

const CODECS: Record<CompressionName, Compression> = {none: Compression.none, gzip: Compression.gzip, snappy: Compression.snappy, lz4: Compression.lz4, zstd: Compression.zstd};

/**
 * A producer on our own wire client (RecordBatch v2 encoded here, Produce requests pipelined
 * per broker connection): several times faster than kafkajs's encoder, and exact about
 * idempotence. Each partition is one ordered stream of batches with sequence numbers; a batch
 * that fails is retried with its very bytes (same sequence) while the delivery timeout lasts,
 * so the broker recognises one it already wrote. After a failure the unacknowledged records come
 * back in the error, and the partition's next sequence is the failed batch's again: sending those
 * records again is recognised as well.
 *
 * Batches are built under the topic's max.message.bytes, read when the producer opens. A batch
 * the topic still refuses as too large (its limit was lowered since, or a header was larger than
 * counted) is sent again as smaller batches with the same sequence numbers: the broker wrote
 * nothing of it. A record alone too large is refused for good and reported (RefusedRecord); the
 * records after it take its sequence number, as the Java producer renumbers its batches.
 */
export class WireTopicProducer implements TopicProducer {
  private readonly streams = new Map<number, PartitionStream>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sticky: StickyPartitioner;
  private readonly delivered = new Map<number, PartitionDelivery>();
  private readonly unacknowledged: OutgoingRecord[] = [];
  /** Records of send() the topic refused since the last flush (sendConfirmed() returns its own). */
  private readonly refused: RefusedRecord[] = [];
  private limitRefresh?: Promise<void>;
  /** Transactional: the records of the open transaction, all unacknowledged again if it aborts. */
  private readonly inTransaction: OutgoingRecord[] = [];
  /** Transactional: records acknowledged by committed transactions. */
  private committed = 0;
  private acknowledged = 0;
  private bytes = 0;
  private failure?: unknown;
  private readonly started = Date.now();
  private leaders: number[];

  private constructor(
    private readonly cluster: ClusterConnections,
    readonly topic: string,
    leaders: number[],
    private producer: {producerId: number; producerEpoch: number},
    private readonly options: ProducerOptions & Required<WireProducerTimeouts> & {acks: Acks},
    /** The topic's max.message.bytes, as last read: batches are built under it. */
    private limit: number,
    private readonly transaction?: TransactionSession,
  ) {
    this.leaders = leaders;
    this.sticky = new StickyPartitioner(leaders.length);
  }

  static async open(topic: string, options: ProducerOptions & WireProducerTimeouts): Promise<WireTopicProducer> {
    const cluster = new ClusterConnections(options.brokers, options.clientId ?? 'kcollect', options.clientConfig);
    try {
      const leaders = (await cluster.topicLeaders(topic, {autoCreate: true})).map((p) => p.leader);
      const limit = topicMaxMessageBytes(cluster, topic, leaders);
      const transaction = options.transactionalId === undefined ? undefined : await TransactionSession.begin(cluster, options.transactionalId);
      const idempotent = (options.idempotent ?? false) || transaction !== undefined;
      const producer = transaction?.producer ?? (idempotent ? await initProducerId(cluster) : {producerId: -1, producerEpoch: -1});
      // The leaders' connections open now rather than at the first send, when a collector's reader
      // keeps the event loop busy and the handshake waits behind it. A leader slower than that
      // wait is not waited for here: the first send picks up its connection attempt.
      const connected = Promise.all([...new Set(leaders.filter((leader) => leader >= 0))].map((leader) => cluster.pick(leader, Produce, [3, 8]).catch(() => undefined)));
      const enough = new AbortController();
      await Promise.race([connected, sleep(PRECONNECT_WAIT_MS, enough.signal)]);
      enough.abort();
      const acks: Acks = idempotent ? 'all' : options.acks ?? 'all';
      const maxMessageBytes = (await limit) ?? DEFAULT_MAX_MESSAGE_BYTES;
      return new WireTopicProducer(cluster, topic, leaders, producer, {...options, deliveryTimeoutMs: options.deliveryTimeoutMs ?? 15_000, requestTimeoutMs: options.requestTimeoutMs ?? (options.clientConfig ?? defaultClientConfig()).requestTimeoutMs ?? 10_000, acks}, maxMessageBytes, transaction);
    } catch (err) {
      cluster.close();
      throw err;
    }
  }

  get partitions(): number {
    return this.leaders.length;
  }

  get maxMessageBytes(): number {
    return this.limit;
  }

  async send(records: OutgoingRecord[]): Promise<void> {
    this.throwIfFailed();
    if (records.length === 0) return;
    this.dispatchAll(records, this.refused);
    await this.roomForMore();
    this.throwIfFailed();
  }

  /**
   * For a caller with several sends in flight (a sink's pipelined writes): sends like send() and
   * resolves once these records settled, with those of them Kafka did not acknowledge (none: all
   * were) and those the topic refused for good. After a failure, flush() before sending anything
   * else: it resets the sequence numbers, so the unacknowledged records, sent again in their
   * order, are recognised.
   */
  async sendConfirmed(records: OutgoingRecord[]): Promise<SendOutcome> {
    if (this.failure !== undefined) return {unacknowledged: records, refused: []};
    const refused: RefusedRecord[] = [];
    const sent = this.dispatchAll(records, refused);
    await this.roomForMore();
    const unacknowledged: OutgoingRecord[] = [];
    for (const batch of sent) {
      const rest = await batch;
      if (rest.length > 0) unacknowledged.push(...rest);
    }
    return {unacknowledged, refused};
  }

  /** Splits the records into batches per partition and queues them; each resolves with its records Kafka did not acknowledge. */
  private dispatchAll(records: OutgoingRecord[], refused: RefusedRecord[]): Array<Promise<OutgoingRecord[]>> {
    const unkeyed = this.sticky.nextBatch();
    const partitionOf = (r: OutgoingRecord) => {
      const partition = r.partition ?? (r.key ? partitionForKey(r.key, this.partitions) : unkeyed);
      if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitions) {
        throw new UserError(`partition ${partition} does not exist: topic "${this.topic}" has ${this.partitions} partition(s)`, `use --partition 0..${this.partitions - 1}, or add partitions with \`kcollect topic add-partitions ${this.topic} --total N\``);
      }
      return partition;
    };
    if (records.length === 0) return [];
    // Mostly one partition for the whole call (a collector's unkeyed batch): no regrouping then.
    const first = partitionOf(records[0]);
    let byPartition: Map<number, OutgoingRecord[]> | undefined;
    for (let i = 1; i < records.length; i++) {
      const partition = partitionOf(records[i]);
      if (byPartition === undefined && partition === first) continue;
      if (byPartition === undefined) byPartition = new Map([[first, records.slice(0, i)]]);
      let list = byPartition.get(partition);
      if (!list) byPartition.set(partition, (list = []));
      list.push(records[i]);
    }
    const sent: Array<Promise<OutgoingRecord[]>> = [];
    const limit = this.batchLimit();
    for (const [partition, list] of byPartition ?? [[first, records] as const]) {
      for (const batch of splitBySize(list, limit)) sent.push(this.dispatch(partition, batch.records, batch.payloadBytes, refused));
    }
    return sent;
  }

  /** The bytes a batch is built up to. */
  private batchLimit(): number {
    return Math.min(MAX_BATCH_BYTES, this.limit);
  }

  private async roomForMore(): Promise<void> {
    const maxInFlight = Math.max(1, this.options.maxInFlight ?? 8);
    while (this.inFlight.size >= maxInFlight) await Promise.race(this.inFlight);
  }

  /**
   * Queues one batch behind the partition's previous one; resolves with its records Kafka did not
   * acknowledge (none: all were, or were refused into `refused`).
   */
  private dispatch(partition: number, records: OutgoingRecord[], payloadBytes: number, refused: RefusedRecord[]): Promise<OutgoingRecord[]> {
    let stream = this.streams.get(partition);
    if (!stream) this.streams.set(partition, (stream = {nextSequence: 0, tail: Promise.resolve(), skipped: 0}));
    const idempotent = this.producer.producerId >= 0;
    const baseSequence = idempotent ? stream.nextSequence : -1;
    if (idempotent) stream.nextSequence = nextSequence(stream.nextSequence, records.length);
    const s = stream;
    const skipped = s.skipped;
    // Encoding starts now, while earlier batches are on the wire.
    const encoded = this.encode(records, baseSequence);
    encoded.catch(() => undefined);
    this.inTransaction.push(...(this.transaction ? records : []));
    /** Records of the batch settled (acknowledged or refused), in order. */
    let settled = 0;
    const p: Promise<OutgoingRecord[]> = stream.tail
      .then(async () => {
        if (this.failure !== undefined) throw this.failure; // an earlier batch failed: keep the order, send nothing after it
        await this.transaction?.addPartition(this.topic, partition);
        await this.deliverAll(partition, s, {records, payloadBytes, baseSequence, skipped, encoded}, refused, (n) => (settled = n));
        return NO_RECORDS;
      })
      .catch((err) => {
        this.failure ??= err;
        // Numbered as they are now: records refused since the batch was queued gave up theirs.
        if (idempotent) s.failedSequence ??= nextSequence(baseSequence, settled - (s.skipped - skipped));
        const rest = settled === 0 ? records : records.slice(settled);
        this.unacknowledged.push(...rest);
        return rest;
      })
      .finally(() => this.inFlight.delete(p));
    stream.tail = p;
    this.inFlight.add(p);
    return p;
  }

  private encode(records: OutgoingRecord[], baseSequence: number): Promise<Buffer> {
    return encodeBatch(records, {compression: CODECS[this.options.compression ?? 'none'], ...this.producer, baseSequence, transactional: this.transaction !== undefined});
  }

  /**
   * Delivers a queued batch. Refused as too large (MESSAGE_TOO_LARGE), it goes again as smaller
   * batches under the topic's limit read again, else as two halves, with the sequence numbers it
   * had (the broker wrote none of it); a record alone is refused for good and the records after
   * it, in this partition, are numbered one lower. `settled(n)`: the first n records are done.
   */
  private async deliverAll(
    partition: number,
    stream: PartitionStream,
    batch: {records: OutgoingRecord[]; payloadBytes: number; baseSequence: number; skipped: number; encoded: Promise<Buffer>},
    refused: RefusedRecord[],
    settled: (n: number) => void,
  ): Promise<void> {
    const {records, baseSequence} = batch;
    const idempotent = baseSequence >= 0;
    const parts: Array<{from: number; to: number}> = [{from: 0, to: records.length}];
    while (parts.length > 0) {
      const {from, to} = parts[0];
      const whole = from === 0 && to === records.length;
      const part = whole ? records : records.slice(from, to);
      const renumbered = stream.skipped - batch.skipped;
      const sequence = idempotent ? nextSequence(baseSequence, from - renumbered) : -1;
      try {
        const bytes = whole && renumbered === 0 ? await batch.encoded : await this.encode(part, sequence);
        const baseOffset = await this.deliver(partition, bytes);
        this.record(partition, part, baseOffset, whole ? batch.payloadBytes : payloadBytesOf(part));
      } catch (err) {
        if (!(err instanceof KafkaProtocolError) || err.info.code !== ErrorCode.MESSAGE_TOO_LARGE) throw err;
        await this.refreshLimit();
        if (to - from > 1) {
          const pieces = splitBySize(part, this.batchLimit());
          const smaller = pieces.length > 1 ? pieces.map((p) => p.records.length) : [(to - from) >> 1, (to - from) - ((to - from) >> 1)];
          let at = from;
          parts.splice(0, 1, ...smaller.map((n) => ({from: at, to: (at += n)})));
          continue;
        }
        refused.push({record: part[0], reason: this.tooLargeReason(part[0], err)});
        stream.skipped++;
        if (idempotent) stream.nextSequence = nextSequence(stream.nextSequence, -1);
        const inTransaction = this.transaction ? this.inTransaction.lastIndexOf(part[0]) : -1;
        if (inTransaction >= 0) this.inTransaction.splice(inTransaction, 1);
      }
      parts.shift();
      settled(to);
    }
  }

  private tooLargeReason(record: OutgoingRecord, err: KafkaProtocolError): string {
    // Kafka's own message may not name the limit (or may be null): say it.
    const limit = err.message.includes('max.message.bytes') ? '' : ` (max.message.bytes=${this.limit})`;
    return `record of ${valueBytes(record)} bytes refused by topic ${this.topic}${limit}: ${err.message}`;
  }

  /** Reads the topic's max.message.bytes again (once for callers at the same time). */
  private refreshLimit(): Promise<void> {
    this.limitRefresh ??= topicMaxMessageBytes(this.cluster, this.topic, this.leaders)
      .then((limit) => {
        if (limit !== undefined) this.limit = limit;
      })
      .finally(() => (this.limitRefresh = undefined));
    return this.limitRefresh;
  }

  /** Sends one encoded batch until the leader acknowledges it; resolves with its base offset. */
  private async deliver(partition: number, batch: Buffer): Promise<number | null> {
    const {acks, deliveryTimeoutMs, requestTimeoutMs} = this.options;
    const deadline = Date.now() + deliveryTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const leader = this.leaders[partition];
      try {
        if (leader < 0) throw new KafkaProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, `partition ${partition}`);
        const {conn, version} = await this.cluster.pick(leader, Produce, [3, 8]);
        const body = {transactionalId: this.transaction?.transactionalId ?? null, acks: acks === 'all' ? -1 : Number(acks), timeoutMs: requestTimeoutMs, topicData: [{name: this.topic, partitionData: [{index: partition, records: batch}]}]};
        if (acks === '0') {
          conn.send(Produce, version, body);
          return null;
        }
        const res = await withTimeout(conn.request(Produce, version, body), requestTimeoutMs, () => this.cluster.forget(leader));
        const r = res.responses[0].partitionResponses[0];
        // A duplicate is a batch the broker already wrote (our earlier attempt's ack was lost).
        if (r.errorCode === ErrorCode.NONE || r.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) return r.baseOffset >= 0 ? Number(r.baseOffset) : null;
        throw new KafkaProtocolError(r.errorCode, r.errorMessage ?? undefined);
      } catch (err) {
        // Connection failures and timeouts are retried like Kafka's retriable errors.
        const retriable = err instanceof KafkaProtocolError ? err.info.retriable : true;
        if (!retriable || Date.now() + backoffDelay(attempt, RETRY_BACKOFF) > deadline) throw err;
        if (!(err instanceof KafkaProtocolError) && leader >= 0) this.cluster.forget(leader);
        await sleep(backoffDelay(attempt, RETRY_BACKOFF));
        this.leaders = await this.cluster
          .topicLeaders(this.topic)
          .then((ps) => ps.map((p) => p.leader))
          .catch(() => this.leaders);
      }
    }
  }

  private record(partition: number, records: OutgoingRecord[], baseOffset: number | null, payloadBytes: number): void {
    const d = this.delivered.get(partition) ?? {partition, records: 0, firstOffset: null, lastOffset: null};
    d.records += records.length;
    if (baseOffset !== null) {
      d.firstOffset = d.firstOffset === null ? baseOffset : Math.min(d.firstOffset, baseOffset);
      d.lastOffset = Math.max(d.lastOffset ?? -1, baseOffset + records.length - 1);
    }
    this.delivered.set(partition, d);
    this.acknowledged += records.length;
    this.bytes += payloadBytes;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failureError();
  }

  private failureError(): ProduceError {
    const err = this.failure;
    const what = `produce to ${this.topic} failed after ${this.acknowledged} acknowledged record(s)`;
    const unacknowledged = [...this.unacknowledged];
    const refused = [...this.refused];
    if (err instanceof KafkaProtocolError) {
      const hint = hintFor(err.info.name);
      return new ProduceError(`${what}: ${err.message}`, hint?.replaceAll('NAME', this.topic), unacknowledged, err.info, refused);
    }
    const message = err instanceof Error ? err.message : String(err);
    return new ProduceError(`${what}: ${message}`, err instanceof UserError ? err.hint : 'check the broker is healthy (`kcollect status`), then retry', unacknowledged, undefined, refused);
  }

  /**
   * Waits for every batch; throws the first failure once (with the records Kafka did not
   * acknowledge), after which the producer is usable again and a resend of those records
   * carries the sequence numbers they had.
   */
  async flush(offsets?: TransactionOffsets): Promise<DeliveryReport> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    await this.endTransaction(offsets);
    if (this.failure !== undefined) {
      const err = this.failureError();
      const lostSequence = this.failure instanceof KafkaProtocolError && SEQUENCE_LOST.has(this.failure.info.code);
      this.failure = undefined;
      this.unacknowledged.length = 0;
      this.refused.length = 0;
      for (const s of this.streams.values()) {
        if (s.failedSequence !== undefined) s.nextSequence = s.failedSequence;
        s.failedSequence = undefined;
      }
      // A transactional producer that lost its epoch was fenced: a new instance owns the id.
      if (lostSequence && !this.transaction) {
        // The broker no longer follows our sequence numbers: start over as a new producer.
        this.producer = await initProducerId(this.cluster);
        this.streams.clear();
      }
      throw err;
    }
    if (this.refused.length > 0) {
      const refused = this.refused.splice(0);
      const what = `produce to ${this.topic}: ${refused.length} record(s) too large, ${this.acknowledged} acknowledged`;
      throw new ProduceError(`${what}: ${refused[0].reason}`, hintFor('MESSAGE_TOO_LARGE')?.replaceAll('NAME', this.topic), [], errorInfo(ErrorCode.MESSAGE_TOO_LARGE), refused);
    }
    return {
      topic: this.topic,
      records: this.acknowledged,
      bytes: this.bytes,
      acks: this.options.acks,
      compression: this.options.compression ?? 'none',
      partitions: [...this.delivered.values()].sort((a, b) => a.partition - b.partition),
      durationMs: Date.now() - this.started,
    };
  }

  /** Transactional: commits what was sent (and `offsets`), or after a failure aborts it, so none of it is acknowledged. */
  private async endTransaction(offsets?: TransactionOffsets): Promise<void> {
    if (!this.transaction) return;
    try {
      if (offsets && this.failure === undefined) await this.transaction.sendOffsets(offsets);
    } catch (err) {
      this.failure = err;
    }
    const commit = this.failure === undefined;
    try {
      await this.transaction.end(commit);
    } catch (err) {
      this.failure ??= err;
    }
    if (this.failure !== undefined) {
      // Nothing of an aborted transaction is visible: every record of it is to be sent again.
      this.unacknowledged.splice(0, this.unacknowledged.length, ...this.inTransaction);
      this.acknowledged = this.committed;
    }
    this.committed = this.acknowledged;
    this.inTransaction.length = 0;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    this.cluster.close();
  }
}

/** An idempotent producer id and epoch (any broker hands them out; retried while it starts up). */
async function initProducerId(cluster: ClusterConnections): Promise<{producerId: number; producerEpoch: number}> {
  for (let attempt = 0; ; attempt++) {
    const conn = await cluster.anyBroker();
    const res = await conn.request(InitProducerId, conn.pick(InitProducerId, [0, 1]), {transactionalId: null, transactionTimeoutMs: 60_000});
    if (res.errorCode === ErrorCode.NONE) return {producerId: Number(res.producerId), producerEpoch: res.producerEpoch};
    if (!errorInfo(res.errorCode).retriable || attempt >= 10) throw new KafkaProtocolError(res.errorCode, 'InitProducerId');
    await sleep(backoffDelay(attempt, RETRY_BACKOFF));
  }
}

/** The topic's max.message.bytes, asked of a partition leader (which holds the topic); undefined when it cannot be read. */
async function topicMaxMessageBytes(cluster: ClusterConnections, topic: string, leaders: number[]): Promise<number | undefined> {
  try {
    const leader = leaders.find((l) => l >= 0);
    const conn = leader === undefined ? await cluster.anyBroker() : await cluster.node(leader);
    const body = {resources: [{resourceType: RESOURCE_TOPIC, resourceName: topic, configurationKeys: [MAX_MESSAGE_BYTES]}], includeSynonyms: false, includeDocumentation: false};
    const res = await conn.request(DescribeConfigs, conn.pick(DescribeConfigs, [0, 4]), body);
    const result = res.results[0];
    const value: string | null | undefined = result?.errorCode === ErrorCode.NONE ? result.configs.find((c: {name: string}) => c.name === MAX_MESSAGE_BYTES)?.value : undefined;
    const limit = Number(value ?? NaN);
    return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
  } catch {
    // Not allowed to describe the topic's configs (an ACL), or an old broker: the default, and
    // a batch refused as too large is still split.
    return undefined;
  }
}

const RESOURCE_TOPIC = 2;
const MAX_MESSAGE_BYTES = 'max.message.bytes';
const NO_RECORDS: OutgoingRecord[] = [];

/** The sequence number `n` records after `sequence`. */
function nextSequence(sequence: number, n: number): number {
  return (((sequence + n) % SEQUENCE_SPAN) + SEQUENCE_SPAN) % SEQUENCE_SPAN;
}

/** Key and value bytes: what a delivery report counts. */
function payloadBytesOf(records: OutgoingRecord[]): number {
  let bytes = 0;
  for (const r of records) bytes += (r.key?.length ?? 0) + valueBytes(r);
  return bytes;
}

/** At least the encoded bytes of a record's headers (see OutgoingRecord.headerBytes). */
function headersBytes(record: OutgoingRecord): number {
  if (record.headerBytes !== undefined) return record.headerBytes;
  let size = 0;
  for (const h of record.headers ?? []) size += headerBytesAtLeast(h.key, h.value);
  return size;
}

/**
 * Bytes at most of an uncompressed batch of only `record` (see RECORD_FRAMING_BYTES): what the
 * topic's max.message.bytes is held against.
 */
export function oneRecordBatchBytes(record: OutgoingRecord): number {
  return BATCH_HEADER_SIZE + RECORD_FRAMING_BYTES + (record.key?.length ?? 0) + valueBytes(record) + headersBytes(record);
}

/** Consecutive runs of records whose uncompressed batch stays within `limit` bytes (a record larger goes alone). */
function splitBySize(records: OutgoingRecord[], limit: number): Array<{records: OutgoingRecord[]; payloadBytes: number}> {
  const batches: Array<{records: OutgoingRecord[]; payloadBytes: number}> = [];
  let start = 0;
  let bytes = BATCH_HEADER_SIZE;
  let payloadBytes = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const payload = (r.key?.length ?? 0) + valueBytes(r);
    const size = RECORD_FRAMING_BYTES + payload + headersBytes(r);
    if (i > start && bytes + size > limit) {
      batches.push({records: records.slice(start, i), payloadBytes});
      start = i;
      bytes = BATCH_HEADER_SIZE;
      payloadBytes = 0;
    }
    bytes += size;
    payloadBytes += payload;
  }
  // One batch (nearly always): the records as given, not a copy.
  if (start === 0) batches.push({records, payloadBytes});
  else batches.push({records: records.slice(start), payloadBytes});
  return batches;
}

/**
 * At least a header's encoded bytes, without encoding it: a string's UTF-8 is at most 3 bytes per
 * UTF-16 unit, and 10 covers the varints.
 */
export function headerBytesAtLeast(key: string, value: Buffer | string): number {
  return key.length + (typeof value === 'string' ? 3 * value.length : value.length) + 10;
}

/** Rejects after `ms` (and runs `onTimeout`, which closes the stuck connection). */
function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`no answer in ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
