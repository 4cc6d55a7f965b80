import type {ClientConfig} from '../client/client-config.js';
import type {Acks, CompressionName} from '../client/client-settings.js';
import {openProducer, type OutgoingRecord, type RefusedRecord, type SendOutcome, type TopicProducer} from '../client/producer.js';
import {StickyPartitioner, partitionForKey} from '../client/partitioner.js';
import type {TransactionOffsets} from '../client/transaction-session.js';
import {ProduceError, headerBytesAtLeast} from '../client/wire-producer.js';
import {KafkaProtocolError} from '../protocol/errors.js';
import {LineEvent, bodyLength, copyBody, headersOf, type Event, type LineOrigin} from '../pipeline/event.js';
import type {NumberedHeader} from '../protocol/records/records.js';
import {SinkDataError, SinkUnavailableError, type RejectedEvent, type Sink} from '../pipeline/sink.js';
import {ORIGIN_HEADER, originHeader} from '../pipeline/origin.js';
import {RedeliveryFilter} from './redelivery-filter.js';

export interface KafkaSinkOptions {
  /** TLS and SASL settings (default: the command's). */
  clientConfig?: ClientConfig;
  name: string;
  brokers: string[];
  topic: string;
  /** The record key of an event (see pipeline/key.ts); null: no key. */
  key?: (event: Event) => Buffer | null;
  acks?: Acks;
  compression?: CompressionName;
  /** Default true: a retried batch is not written twice. */
  idempotent?: boolean;
  /**
   * Exactly once (a drain's topic-to-topic copy): write() sends within a transaction of this
   * transactional.id, and commitTransaction() commits it with the drain's offsets.
   */
  transactionalId?: string;
  /**
   * Records per partition read back on start to recognise lines a killed collector reads again,
   * and before writing a batch with events marked redelivered (see redelivery-filter.ts); 0
   * turns both checks off. Default 10,000.
   */
  redeliveryWindow?: number;
  /**
   * Turns each event's body into the record value (`format: avro`: registry/avro-encoder.ts),
   * after the key was cut from the line. A function is called once, at start (the Avro encoder
   * registers its schema then). An event it returns marked rejected goes to the dead-letter
   * topic as it was read, with the reason.
   */
  valueEncoder?: ValueEncoder | (() => Promise<ValueEncoder>);
  /**
   * Writes the runner may have in flight at once (Sink.maxWritesInFlight, default 1); a
   * transactional sink takes one. Their records reach the producer in the order of the writes.
   */
  writesInFlight?: number;
  /** delivery.timeout.ms: how long the producer retries a batch before write() fails (default 15 s). */
  deliveryTimeoutMs?: number;
}

/**
 * Writes a collector keeps in flight to Kafka (KafkaSinkOptions.writesInFlight), as many as
 * Kafka's max.in.flight.requests.per.connection allows an idempotent producer.
 */
export const COLLECTOR_WRITES_IN_FLIGHT = 5;

/** A batch's records, fixed when first sent: a retry sends the same partitions and order. */
interface Prepared {
  records: OutgoingRecord[];
  refused: RejectedEvent[];
}

/** Changes an event's body into the bytes sent, or marks the event rejected (never throws for data). */
export interface ValueEncoder {
  encode(event: Event): Event;
}

/**
 * Sends events to a Kafka topic: headers become record headers, a numeric `timestamp` header
 * (Flume's timestamp interceptor) becomes the record timestamp. write() resolves once Kafka
 * acknowledged every record; rejected events, lines the value encoder refuses (e.g. a line that
 * does not fit the Avro schema) and records the topic refuses as larger than its
 * max.message.bytes (the producer's one limit: the sink keeps none of its own) are refused with a
 * SinkDataError once the rest is written, and the runner sends them to the dead-letter topic.
 */
export class KafkaSink implements Sink {
  readonly type = 'kafka';
  readonly name: string;
  readonly maxWritesInFlight: number;
  /**
   * Only with a transactional id: a drain gives the sink that has it its offsets to commit in the
   * transaction, and commits itself for one that has not (a plain method would tell every drain
   * into Kafka that its offsets were in hand, and none would ever be committed).
   */
  readonly commitTransaction?: (offsets: TransactionOffsets) => Promise<void>;
  private producer?: TopicProducer;
  private opening?: Promise<TopicProducer>;
  private sticky?: StickyPartitioner;
  private redelivery?: RedeliveryFilter;
  /** The topic's recent records, kept up to date for batches that hold redelivered events. */
  private recent?: RedeliveryFilter;
  /**
   * Batches whose write failed, with the records Kafka did not acknowledge (null: refused before
   * sending), to be written again in their order. While there are any, new batches are refused
   * (and join them): none may take the sequence numbers or the place a retry needs.
   */
  private readonly failed = new Map<readonly Event[], Prepared | null>();
  /** The previous write's turn to hand its records to the producer: writes send in call order. */
  private sending: Promise<unknown> = Promise.resolve();
  private encoder?: ValueEncoder;

  constructor(
    private readonly options: KafkaSinkOptions,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.name = options.name;
    this.maxWritesInFlight = options.transactionalId ? 1 : Math.max(1, options.writesInFlight ?? 1);
    if (options.transactionalId) this.commitTransaction = (offsets) => this.commitInTransaction(offsets);
  }

  async start(): Promise<void> {
    await this.makeEncoder();
    this.producer = await this.openProducer();
    // A transaction never leaves records behind to recognise: nothing to read back.
    const window = this.options.transactionalId ? 0 : (this.options.redeliveryWindow ?? 10_000);
    if (window > 0) {
      this.redelivery = await RedeliveryFilter.load(this.options.brokers, this.options.topic, window, this.options.clientConfig);
      // Read once, at start: its connections are not needed again.
      this.redelivery.close();
    }
  }

  /** Lines skipped because Kafka already held them (after a restart, or marked redelivered). */
  get redeliveredSkipped(): number {
    return (this.redelivery?.skipped ?? 0) + (this.recent?.skipped ?? 0);
  }

  private async makeEncoder(): Promise<void> {
    const encoder = this.options.valueEncoder;
    if (encoder && !this.encoder) this.encoder = typeof encoder === 'function' ? await encoder() : encoder;
  }

  private openProducer(): Promise<TopicProducer> {
    const {brokers, topic, acks, compression} = this.options;
    const idempotent = this.options.idempotent ?? true;
    this.opening ??= openProducer(topic, {brokers, acks: acks ?? 'all', compression, idempotent, transactionalId: this.options.transactionalId, clientId: `kcollect-${this.name}`, clientConfig: this.options.clientConfig, deliveryTimeoutMs: this.options.deliveryTimeoutMs});
    return this.opening;
  }

  async write(events: readonly Event[]): Promise<void> {
    // One producer for the agent's life: its idempotent sequence numbers let the broker
    // recognise a retried batch it already wrote (the ack was lost) and not append it again.
    const producer = (this.producer ??= await this.openProducer());
    await this.makeEncoder();
    if (this.options.transactionalId) {
      const {records, refused} = this.prepare(events, producer, await this.recentRecords(events));
      // Sent within the open transaction; commitTransaction() decides.
      if (records.length > 0) {
        const sent = await producer.sendConfirmed(records);
        // flush() aborts the transaction and throws the failure.
        if (sent.unacknowledged.length > 0) await this.abort();
        refused.push(...sent.refused.map(rejected));
      }
      if (refused.length > 0) throw new SinkDataError(refused);
      return;
    }
    const turn = this.sending.then(() => this.send(events, producer));
    this.sending = turn.catch(() => undefined);
    const {prepared, sent: settled} = await turn;
    const {unacknowledged, refused} = await settled;
    // Too large for the topic: dead letters, on this attempt or with the retry of the rest.
    if (refused.length > 0) {
      prepared.refused.push(...refused.map(rejected));
      prepared.refused.sort((x, y) => x.index - y.index);
    }
    if (unacknowledged.length > 0) {
      // Resend only what Kafka did not acknowledge: the rest is written already.
      this.failed.set(events, {records: unacknowledged, refused: prepared.refused});
      // Settles every batch in flight and resets the sequence numbers of the failed partitions.
      throw await producer.flush().then(() => new SinkUnavailableError(`${unacknowledged.length} record(s) not acknowledged by Kafka`), (err: unknown) => err);
    }
    this.failed.delete(events);
    if (prepared.refused.length > 0) throw new SinkDataError(prepared.refused);
  }

  /**
   * Hands a batch's records to the producer, after the previous write's; resolves once they are
   * queued there, with the promise of those Kafka did not acknowledge.
   */
  private async send(events: readonly Event[], producer: TopicProducer): Promise<{prepared: Prepared; sent: Promise<SendOutcome>}> {
    const retry = this.failed.get(events);
    if (retry === undefined && this.failed.size > 0) {
      if (this.maxWritesInFlight > 1) {
        this.failed.set(events, null);
        throw new SinkUnavailableError('an earlier batch is to be written again first');
      }
      // One write at a time: a new batch means the caller gave the failed one up (it reads it again).
      this.failed.clear();
    }
    const prepared = retry ?? this.prepare(events, producer, await this.recentRecords(events));
    return {prepared, sent: prepared.records.length > 0 ? producer.sendConfirmed(prepared.records) : Promise.resolve({unacknowledged: [], refused: []})};
  }

  /**
   * The topic's recent records when some events are marked redelivered: another agent may have
   * written them before it died. A failed read fails the write (it is retried); never skip the check.
   */
  private async recentRecords(events: readonly Event[]): Promise<RedeliveryFilter | undefined> {
    const window = this.options.redeliveryWindow ?? 10_000;
    if (window === 0 || !anyRedelivered(events)) return undefined;
    // A replay of many batches reads each record once, not the whole window again per batch.
    if (this.recent) await this.recent.catchUp();
    else this.recent = await RedeliveryFilter.load(this.options.brokers, this.options.topic, window, this.options.clientConfig);
    return this.recent;
  }

  /** Records with their partitions fixed now (a retry must send the same), and what is refused. */
  private prepare(events: readonly Event[], producer: TopicProducer, recent?: RedeliveryFilter): {records: OutgoingRecord[]; refused: RejectedEvent[]} {
    const records: OutgoingRecord[] = [];
    const refused: RejectedEvent[] = [];
    const encoder = this.encoder;
    const skippedBefore = recent?.skipped ?? 0;
    for (let index = 0; index < events.length; index++) {
      // The key is cut from the line as read; the value (and the redelivery check) is what is sent.
      const read = events[index];
      const event = encoder && !read.rejected ? encoder.encode(read) : read;
      if (event.rejected) refused.push({index, reason: event.rejected});
      else if (!this.inKafka(event, recent)) records.push(toRecord(event, this.options.key?.(read) ?? null, index));
    }
    const skipped = (recent?.skipped ?? 0) - skippedBefore;
    if (skipped > 0) this.log(`sink ${this.name}: ${skipped} redelivered event(s) were already in topic ${this.options.topic}; skipped`);
    const unkeyed = (this.sticky ??= new StickyPartitioner(producer.partitions)).nextBatch();
    for (const r of records) r.partition = r.key ? partitionForKey(r.key, producer.partitions) : unkeyed;
    return {records, refused};
  }

  /**
   * Whether Kafka holds the event already: a line read again after a restart, found among the
   * records read back on start, or a redelivered one, found there or in `recent`. Redelivered
   * events (a file channel's replay comes first after a restart) do not use up the start-up
   * check's budget: the lines read again come behind them.
   */
  private inKafka(event: Event, recent?: RedeliveryFilter): boolean {
    if (event.redelivered) return (this.redelivery?.holds(event) ?? false) || (recent?.holds(event) ?? false);
    return this.redelivery?.alreadyWritten(event) ?? false;
  }

  private async commitInTransaction(offsets: TransactionOffsets): Promise<void> {
    if (!this.producer) throw new Error(`sink ${this.name} is not started`);
    try {
      await this.producer.flush(offsets);
    } catch (err) {
      await this.abort(err);
    }
  }

  /**
   * The open transaction is aborted (flush() does that after a failure): nothing of it counts, the
   * drain reads again from its committed offsets. Fenced by a newer instance: nothing to retry.
   */
  private async abort(err?: unknown): Promise<never> {
    const failure = await this.producer?.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    err ??= failure;
    // A Kafka error no retry mends (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH, an authorization) ends the drain.
    const kafkaError = err instanceof ProduceError ? err.kafkaError : err instanceof KafkaProtocolError ? err.info : undefined;
    if (kafkaError && !kafkaError.retriable) throw err;
    throw new SinkUnavailableError(`transaction aborted: ${(err as Error)?.message ?? String(err)}`, {cause: err});
  }

  /** Without this, the batch kept for its retry would make this sink refuse every later one. */
  abandon(events: readonly Event[]): void {
    this.failed.delete(events);
  }

  async close(): Promise<void> {
    this.recent?.close();
    await this.producer?.close();
  }
}

/** events.some((e) => e.redelivered), without a call per line. */
function anyRedelivered(events: readonly Event[]): boolean {
  for (let i = 0; i < events.length; i++) if (events[i].redelivered) return true;
  return false;
}

function toRecord(event: Event, key: Buffer | null, index: number): OutgoingRecord {
  const header = headersOf(event).timestamp;
  const timestamp = header === undefined ? NaN : Number(header);
  return new EventRecord(event, key, Number.isSafeInteger(timestamp) && timestamp > 0 ? timestamp : undefined, index);
}

/** A record the topic refused, as the event of the batch it was made from (the sink sends only EventRecords). */
function rejected({record, reason}: RefusedRecord): RejectedEvent {
  return {index: (record as EventRecord).index, reason};
}

/**
 * An event as a record, one small object while it waits for Kafka's acknowledgement (a
 * young-generation scavenge copies every object still alive). A line's origin header is its
 * read's shared `host:inode:` bytes and its offset, written by the encoder as a numbered header,
 * and a line without headers of its own shares one empty list: no header objects per line.
 */
class EventRecord implements OutgoingRecord {
  partition?: number;

  constructor(
    private readonly event: Event,
    readonly key: Buffer | null,
    readonly timestamp: number | undefined,
    /** The event's place in the batch given to write() (a refused record's dead letter is that event). */
    readonly index: number,
  ) {}

  get value(): Buffer {
    return this.event.body;
  }

  // The encoder copies a line's bytes from its read buffer: no Buffer view per line.
  get valueLength(): number {
    return bodyLength(this.event);
  }

  copyValue(target: Buffer, at: number): number {
    return copyBody(this.event, target, at);
  }

  /** Counted without building the headers (the producer splits batches by size first). */
  get headerBytes(): number {
    const own = headersOf(this.event);
    let bytes = 0;
    for (const name in own) bytes += headerBytesAtLeast(name, own[name]);
    const numbered = this.numberedHeader;
    if (numbered) return bytes + headerBytesAtLeast(numbered.key, numbered.prefix) + MAX_SAFE_DIGITS;
    const origin = originHeader(this.event);
    return origin === undefined ? bytes : bytes + headerBytesAtLeast(ORIGIN_HEADER, origin);
  }

  get headers(): Array<{key: string; value: string}> {
    const own = headersOf(this.event);
    const origin = this.numberedHeader ? undefined : originHeader(this.event);
    let count = origin === undefined ? 0 : 1;
    for (const _ in own) count++;
    if (count === 0) return NO_HEADERS;
    // Values stay strings: the encoder writes them without a Buffer per header per line.
    const headers = new Array<{key: string; value: string}>(count);
    let i = 0;
    for (const name in own) headers[i++] = {key: name, value: own[name]};
    if (origin !== undefined) headers[i] = {key: ORIGIN_HEADER, value: origin};
    return headers;
  }

  /** A line nobody gave another origin: its origin header is numbered by its offset. */
  get numberedHeader(): NumberedHeader | undefined {
    const event = this.event;
    return event instanceof LineEvent && event.plainOrigin ? originOf(event.from) : undefined;
  }

  get headerNumber(): number | undefined {
    return this.event instanceof LineEvent ? this.event.offset : undefined;
  }
}

const NO_HEADERS: Array<{key: string; value: string}> = Object.freeze([]) as unknown as Array<{key: string; value: string}>;
/** Digits of the largest offset a numbered header may carry. */
const MAX_SAFE_DIGITS = 16;

/** The origin header of a read's lines: one per read (consecutive lines share it), not per line. */
let lastRead: LineOrigin | undefined;
let lastOrigin: NumberedHeader | undefined;
function originOf(from: LineOrigin): NumberedHeader {
  if (from !== lastRead) {
    lastRead = from;
    lastOrigin = {key: ORIGIN_HEADER, prefix: from.idPrefixBytes};
  }
  return lastOrigin!;
}
