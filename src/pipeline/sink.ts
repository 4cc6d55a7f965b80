import type {Event} from './event.js';

/**
 * Writes batches somewhere. write() resolves once the destination confirmed the whole batch and
 * throws if any of it may not have arrived: the runner then rolls the batch back into the channel
 * and retries it after a back-off, so a sink must tolerate seeing a batch again (Kafka through
 * the idempotent producer, HBase by writing the same cells, files by rewriting the same name).
 */
import type {TransactionOffsets} from '../client/transaction-session.js';

export interface Sink {
  readonly name: string;
  readonly type: string;
  /**
   * How many write() calls a drain may have in flight at once (default 1). Only for a sink whose
   * writes do not depend on each other: the drain still confirms and commits them in order.
   */
  readonly maxWritesInFlight?: number;
  start?(): Promise<void>;
  write(events: readonly Event[]): Promise<void>;
  /** Resolves once the destination answers again, throws SinkUnavailableError while it does not. */
  probe?(): Promise<void>;
  /**
   * A transactional sink (Kafka with a transactional id): what write() sent is committed here,
   * together with a drain's group offsets, or aborted as a whole (then it throws).
   */
  commitTransaction?(offsets: TransactionOffsets): Promise<void>;
  /**
   * Where a group drain resumes `partition` of `topic`, given to it with offset `committed`
   * (default: there). A file sink whose killed predecessor left that partition's file half-written
   * resumes at the file's first offset and writes it again whole: resumed at `committed`, it would
   * write the uncommitted tail of that file a second time into a new one.
   */
  resumeFrom?(topic: string, partition: number, committed: number): number;
  /**
   * What a group drain may commit for `partition` of `topic` once the records before `confirmed`
   * were confirmed (default: `confirmed`; never more). A file sink answers the first offset of the
   * partition's in-use file: a drain killed later then starts again at a file's start (resumeFrom
   * writes that file again whole) and never writes a closed file's records into a second one.
   * Files also close without a write (idle, time rolls): a drain asks again from time to time.
   */
  committable?(topic: string, partition: number, confirmed: number): number;
  /**
   * A group drain stops writing these partitions (it stops, or its group takes them away): the
   * sink finishes what it holds open for them (in-use files), so that committable() reaches every
   * record written.
   */
  closePartitions?(topic: string, partitions: readonly number[]): Promise<void>;
  /**
   * The caller gave up a batch this sink failed to write (a sink group had another sink write
   * it): whatever the sink kept to write it again goes. A runner never calls it: it retries the batch.
   */
  abandon?(events: readonly Event[]): void;
  close(): Promise<void>;
}

/**
 * The destination did not answer (connection refused, timeout, 5xx): nothing is wrong with the
 * events. The runner keeps them, backs off and probes until the destination answers again.
 */
export class SinkUnavailableError extends Error {
  /** The wait the destination asked for before the next try (an HTTP Retry-After), if it did. */
  readonly retryAfterMs?: number;
  constructor(message: string, options?: {cause?: unknown; retryAfterMs?: number}) {
    super(message, options);
    this.name = 'SinkUnavailableError';
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** The wait a failed write's destination asked for (SinkUnavailableError.retryAfterMs), for backoffDelay. */
export const retryAfterOf = (err: unknown): number | undefined => (err instanceof SinkUnavailableError ? err.retryAfterMs : undefined);

/** One event the destination refused for what it holds (a 4xx, a record that does not map). */
export interface RejectedEvent {
  /** Index into the batch given to write(). */
  index: number;
  reason: string;
}

/**
 * write() stored every event of the batch except `rejected`: those can never be written as they
 * are, so the runner sends them to the dead-letter topic and goes on with the rest.
 */
export class SinkDataError extends Error {
  constructor(readonly rejected: RejectedEvent[]) {
    super(`${rejected.length} event(s) refused: ${rejected[0]?.reason ?? ''}`);
    this.name = 'SinkDataError';
  }
}

/** Where events a sink refused for their content go (the dead-letter topic, sinks/dead-letter.ts). */
export interface DeadLetters {
  send(letters: Array<{event: Event; reason: string}>): Promise<void>;
}
