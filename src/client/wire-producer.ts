import {UserError} from '../lib/errors.js';
import {backoffDelay, sleep} from '../lib/backoff.js';
import {ErrorCode, type KafkaErrorInfo, KafkaProtocolError, errorInfo} from '../protocol/errors.js';
import {InitProducerId} from '../protocol/messages/22-init-producer-id.js';
import {Produce} from '../protocol/messages/00-produce.js';
import {Compression} from '../protocol/records/batch.js';
import {encodeBatch, valueBytes} from '../protocol/records/records.js';
import {ClusterConnections} from './cluster-connections.js';
import {hintFor} from './error-hints.js';
import {StickyPartitioner, partitionForKey} from './partitioner.js';
import {TransactionSession, type TransactionOffsets} from './transaction-session.js';
import type {Acks, CompressionName} from './client-settings.js';
import type {DeliveryReport, OutgoingRecord, PartitionDelivery, ProducerOptions, TopicProducer} from './producer.js';

/** Kafka's default max.message.bytes: a batch larger than this is refused. */
const MAX_BATCH_BYTES = 1_000_000;
export interface WireProducerTimeouts {
  /** How long one batch is retried (leader moves, broker restarts) before it fails. Default 15 s. */
  deliveryTimeoutMs?: number;
  /** How long a request waits for its answer before it is sent again. Default 10 s. */
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
 */
export class WireTopicProducer implements TopicProducer {
  private readonly streams = new Map<number, PartitionStream>();
  private readonly inFlight = new Set<Promise<boolean>>();
  private readonly sticky: StickyPartitioner;
  private readonly delivered = new Map<number, PartitionDelivery>();
  private readonly unacknowledged: OutgoingRecord[] = [];
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
    private readonly transaction?: TransactionSession,
  ) {
    this.leaders = leaders;
    this.sticky = new StickyPartitioner(leaders.length);
  }

  static async open(topic: string, options: ProducerOptions & WireProducerTimeouts): Promise<WireTopicProducer> {
    const cluster = new ClusterConnections(options.brokers, options.clientId ?? 'kcollect', options.clientConfig);
    try {
      const leaders = (await cluster.topicLeaders(topic, {autoCreate: true})).map((p) => p.leader);
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
      return new WireTopicProducer(cluster, topic, leaders, producer, {...options, deliveryTimeoutMs: options.deliveryTimeoutMs ?? 15_000, requestTimeoutMs: options.requestTimeoutMs ?? 10_000, acks}, transaction);
    } catch (err) {
      cluster.close();
      throw err;
    }
  }

  get partitions(): number {
    return this.leaders.length;
  }

  async send(records: OutgoingRecord[]): Promise<void> {
    this.throwIfFailed();
    if (records.length === 0) return;
    this.dispatchAll(records);
    await this.roomForMore();
    this.throwIfFailed();
  }

  /**
   * For a caller with several sends in flight (a sink's pipelined writes): sends like send() and
   * resolves once these records settled, with those of them Kafka did not acknowledge (none: all
   * were). After a failure, flush() before sending anything else: it resets the sequence numbers,
   * so the unacknowledged records, sent again in their order, are recognised.
   */
  async sendConfirmed(records: OutgoingRecord[]): Promise<OutgoingRecord[]> {
    if (this.failure !== undefined) return records;
    const sent = this.dispatchAll(records);
    await this.roomForMore();
    const unacknowledged: OutgoingRecord[] = [];
    for (const batch of sent) if (await batch.failed) unacknowledged.push(...batch.records);
    return unacknowledged;
  }

  /** Splits the records into batches per partition and queues them. */
  private dispatchAll(records: OutgoingRecord[]): Array<{records: OutgoingRecord[]; failed: Promise<boolean>}> {
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
    const sent: Array<{records: OutgoingRecord[]; failed: Promise<boolean>}> = [];
    for (const [partition, list] of byPartition ?? [[first, records] as const]) {
      for (const batch of splitBySize(list)) sent.push({records: batch.records, failed: this.dispatch(partition, batch.records, batch.payloadBytes)});
    }
    return sent;
  }

  private async roomForMore(): Promise<void> {
    const maxInFlight = Math.max(1, this.options.maxInFlight ?? 8);
    while (this.inFlight.size >= maxInFlight) await Promise.race(this.inFlight);
  }

  /** Queues one batch behind the partition's previous one; resolves true when it failed. */
  private dispatch(partition: number, records: OutgoingRecord[], payloadBytes: number): Promise<boolean> {
    let stream = this.streams.get(partition);
    if (!stream) this.streams.set(partition, (stream = {nextSequence: 0, tail: Promise.resolve()}));
    const idempotent = this.producer.producerId >= 0;
    const baseSequence = idempotent ? stream.nextSequence : -1;
    if (idempotent) stream.nextSequence = (stream.nextSequence + records.length) % 2 ** 31;
    const s = stream;
    // Encoding starts now, while earlier batches are on the wire.
    const encoded = encodeBatch(records, {compression: CODECS[this.options.compression ?? 'none'], ...this.producer, baseSequence, transactional: this.transaction !== undefined});
    encoded.catch(() => undefined);
    this.inTransaction.push(...(this.transaction ? records : []));
    const p: Promise<boolean> = stream.tail
      .then(async () => {
        if (this.failure !== undefined) throw this.failure; // an earlier batch failed: keep the order, send nothing after it
        await this.transaction?.addPartition(this.topic, partition);
        const baseOffset = await this.deliver(partition, await encoded);
        this.record(partition, records, baseOffset, payloadBytes);
        return false;
      })
      .catch((err) => {
        this.failure ??= err;
        if (idempotent) s.failedSequence ??= baseSequence;
        this.unacknowledged.push(...records);
        return true;
      })
      .finally(() => this.inFlight.delete(p));
    stream.tail = p;
    this.inFlight.add(p);
    return p;
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
    if (err instanceof KafkaProtocolError) {
      const hint = hintFor(err.info.name);
      return new ProduceError(`${what}: ${err.message}`, hint?.replaceAll('NAME', this.topic), unacknowledged, err.info);
    }
    const message = err instanceof Error ? err.message : String(err);
    return new ProduceError(`${what}: ${message}`, err instanceof UserError ? err.hint : 'check the broker is healthy (`kcollect status`), then retry', unacknowledged);
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

/** Consecutive runs of records whose batch stays under Kafka's default max.message.bytes. */
function splitBySize(records: OutgoingRecord[]): Array<{records: OutgoingRecord[]; payloadBytes: number}> {
  const batches: Array<{records: OutgoingRecord[]; payloadBytes: number}> = [];
  let start = 0;
  let bytes = 0;
  let payloadBytes = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const payload = (r.key?.length ?? 0) + valueBytes(r);
    let size = 70 + payload;
    if (r.headerBytes !== undefined) size += r.headerBytes;
    else for (const h of r.headers ?? []) size += headerBytesAtLeast(h.key, h.value);
    if (i > start && bytes + size > MAX_BATCH_BYTES) {
      batches.push({records: records.slice(start, i), payloadBytes});
      start = i;
      bytes = 0;
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
