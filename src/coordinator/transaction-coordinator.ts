import {ErrorCode} from '../protocol/errors.js';
import type {Marker} from '../protocol/records/control.js';
import {type TransactionLogValueData, type TxnStatusName, TxnStatus} from '../protocol/transaction-log.js';

/**
 * Kafka's transaction coordinator (KIP-98): one state machine per transactional id, its state
 * written to `__transaction_state` before any answer, so a restart (or the next coordinator)
 * finishes what was decided. A commit or abort is decided (Prepare*) and written, then the
 * markers go to every partition of the transaction, then Complete* is written.
 */

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TransactionState {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnStatusName;
  partitions: TopicPartition[];
  startMs: number;
  lastUpdateMs: number;
}

export interface TransactionCoordinatorOptions {
  /** Writes the state of a transactional id durably (replicated on a cluster); rejects when it cannot. */
  persist(state: TransactionState): Promise<void>;
  /** Writes the marker to each partition (a leader elsewhere gets WriteTxnMarkers); rejects when one could not be written. */
  writeMarkers(partitions: TopicPartition[], producerId: number, producerEpoch: number, marker: Marker): Promise<void>;
  nextProducerId(): Promise<number>;
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
  log(line: string): void;
  now?: () => number;
}

/** What a request gets back: an error code, and for InitProducerId the id and epoch. */
export interface InitResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

const MAX_EPOCH = 32766;

export class TransactionCoordinator {
  private readonly txns = new Map<string, TransactionState>();
  /** One operation at a time per transactional id (markers take a while). */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Decided transactions whose markers are being written again (completeDecided). */
  private readonly completing = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly opts: TransactionCoordinatorOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** States read back from `__transaction_state`; decided transactions are finished, as after a coordinator move. */
  load(states: TransactionState[]): void {
    for (const s of states) this.txns.set(s.transactionalId, s);
    this.completeDecided();
  }

  /**
   * Writes the markers of every transaction decided but not completed: after a load, and again
   * periodically for one whose markers could not be written (a partition on a full disk, a
   * leader out of reach) until they are.
   */
  completeDecided(): void {
    for (const s of this.txns.values()) {
      if ((s.state !== 'PrepareCommit' && s.state !== 'PrepareAbort') || this.completing.has(s.transactionalId)) continue;
      this.completing.add(s.transactionalId);
      void this.serially(s.transactionalId, async () => {
        const current = this.txns.get(s.transactionalId);
        if (current?.state === 'PrepareCommit' || current?.state === 'PrepareAbort') await this.complete(current);
      })
        .catch((err) => this.opts.log(`completing the ${s.state === 'PrepareCommit' ? 'commit' : 'abort'} of ${s.transactionalId}: ${String(err)}`))
        .finally(() => this.completing.delete(s.transactionalId));
    }
  }

  /** Forgets the ids `owns` selects (their partition of `__transaction_state` moved away). */
  unload(owns: (transactionalId: string) => boolean): void {
    for (const id of [...this.txns.keys()]) if (owns(id)) this.txns.delete(id);
  }

  get(transactionalId: string): Readonly<TransactionState> | undefined {
    return this.txns.get(transactionalId);
  }

  all(): Array<Readonly<TransactionState>> {
    return [...this.txns.values()];
  }

  initProducerId(transactionalId: string, timeoutMs: number, expected?: {producerId: number; producerEpoch: number}): Promise<InitResult> {
    const failed = (errorCode: number): InitResult => ({errorCode, producerId: -1, producerEpoch: -1});
    if (timeoutMs <= 0 || timeoutMs > this.opts.maxTimeoutMs) return Promise.resolve(failed(ErrorCode.INVALID_TRANSACTION_TIMEOUT));
    return this.serially(transactionalId, async () => {
      const current = this.txns.get(transactionalId);
      if (!current) {
        const state = this.fresh(transactionalId, await this.opts.nextProducerId(), 0, timeoutMs);
        await this.save(state);
        return {errorCode: ErrorCode.NONE, producerId: state.producerId, producerEpoch: state.producerEpoch};
      }
      if (expected && expected.producerId >= 0 && (expected.producerId !== current.producerId || expected.producerEpoch !== current.producerEpoch)) {
        return failed(ErrorCode.PRODUCER_FENCED);
      }
      // A new instance with the same id fences the old one: its open transaction is aborted under a bumped epoch.
      let next = {...current};
      if (current.state === 'Ongoing') {
        next = await this.end({...current, producerEpoch: current.producerEpoch + 1}, 'ABORT');
      } else {
        next.producerEpoch = current.producerEpoch + 1;
      }
      if (next.producerEpoch > MAX_EPOCH) next = this.fresh(transactionalId, await this.opts.nextProducerId(), 0, timeoutMs);
      const state: TransactionState = {...next, timeoutMs, state: 'Empty', partitions: [], lastUpdateMs: this.now()};
      await this.save(state);
      return {errorCode: ErrorCode.NONE, producerId: state.producerId, producerEpoch: state.producerEpoch};
    });
  }

  addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartition[]): Promise<number> {
    return this.serially(transactionalId, async () => {
      const current = this.txns.get(transactionalId);
      const error = this.producerError(current, producerId, producerEpoch);
      if (error !== ErrorCode.NONE) return error;
      if (current!.state === 'PrepareCommit' || current!.state === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS;
      const known = new Set(current!.partitions.map(key));
      const added = partitions.filter((p) => !known.has(key(p)));
      if (added.length === 0 && current!.state === 'Ongoing') return ErrorCode.NONE;
      const now = this.now();
      const starting = current!.state !== 'Ongoing';
      await this.save({...current!, state: 'Ongoing', partitions: [...(starting ? [] : current!.partitions), ...added], startMs: starting ? now : current!.startMs, lastUpdateMs: now});
      return ErrorCode.NONE;
    });
  }

  endTransaction(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    return this.serially(transactionalId, async () => {
      const current = this.txns.get(transactionalId);
      const error = this.producerError(current, producerId, producerEpoch);
      if (error !== ErrorCode.NONE) return error;
      const wanted: Marker = commit ? 'COMMIT' : 'ABORT';
      switch (current!.state) {
        case 'Ongoing':
          await this.end(current!, wanted);
          return ErrorCode.NONE;
        // A retry of the EndTxn that completed: same answer.
        case 'CompleteCommit':
          return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
        case 'CompleteAbort':
          return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
        case 'PrepareCommit':
        case 'PrepareAbort':
          return ErrorCode.CONCURRENT_TRANSACTIONS;
        default:
          return ErrorCode.INVALID_TXN_STATE;
      }
    });
  }

  /** Aborts every open transaction older than its timeout, fencing its producer (the epoch is bumped). */
  async abortTimedOut(): Promise<void> {
    const now = this.now();
    for (const t of [...this.txns.values()]) {
      if (t.state !== 'Ongoing' || now - t.startMs <= t.timeoutMs) continue;
      await this.serially(t.transactionalId, async () => {
        const current = this.txns.get(t.transactionalId);
        if (current?.state !== 'Ongoing' || current.startMs !== t.startMs) return;
        this.opts.log(`aborting transaction of ${t.transactionalId} (producer id ${t.producerId}): open for more than its transaction.timeout.ms=${t.timeoutMs}`);
        await this.end({...current, producerEpoch: current.producerEpoch + 1}, 'ABORT');
      }).catch((err) => this.opts.log(`aborting the timed-out transaction of ${t.transactionalId} failed: ${String(err)}`));
    }
  }

  /** Checks the producer of a request against the transactional id's current one. */
  private producerError(current: TransactionState | undefined, producerId: number, producerEpoch: number): number {
    if (!current || current.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (producerEpoch < current.producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (producerEpoch > current.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    return ErrorCode.NONE;
  }

  /** Decides (Prepare*), writes the markers, completes (Complete*). */
  private async end(current: TransactionState, marker: Marker): Promise<TransactionState> {
    const prepared: TransactionState = {...current, state: marker === 'COMMIT' ? 'PrepareCommit' : 'PrepareAbort', lastUpdateMs: this.now()};
    await this.save(prepared);
    return this.complete(prepared);
  }

  private async complete(prepared: TransactionState): Promise<TransactionState> {
    const marker: Marker = prepared.state === 'PrepareCommit' ? 'COMMIT' : 'ABORT';
    await this.opts.writeMarkers(prepared.partitions, prepared.producerId, prepared.producerEpoch, marker);
    const done: TransactionState = {...prepared, state: marker === 'COMMIT' ? 'CompleteCommit' : 'CompleteAbort', partitions: [], lastUpdateMs: this.now()};
    await this.save(done);
    return done;
  }

  private fresh(transactionalId: string, producerId: number, producerEpoch: number, timeoutMs: number): TransactionState {
    const now = this.now();
    return {transactionalId, producerId, producerEpoch, timeoutMs, state: 'Empty', partitions: [], startMs: -1, lastUpdateMs: now};
  }

  private async save(state: TransactionState): Promise<void> {
    await this.opts.persist(state);
    this.txns.set(state.transactionalId, state);
  }

  private serially<T>(transactionalId: string, op: () => Promise<T>): Promise<T> {
    const before = this.queues.get(transactionalId) ?? Promise.resolve();
    const run = before.then(op, op);
    const settled = run.catch(() => undefined);
    this.queues.set(transactionalId, settled);
    void settled.then(() => {
      if (this.queues.get(transactionalId) === settled) this.queues.delete(transactionalId);
    });
    return run;
  }
}

function key(p: TopicPartition): string {
  return `${p.topic}\u0000${p.partition}`;
}

/** The state as Kafka's TransactionLogValue stores it. */
export function toLogValue(s: TransactionState): TransactionLogValueData {
  const byTopic = new Map<string, number[]>();
  for (const p of s.partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  return {
    producerId: s.producerId,
    producerEpoch: s.producerEpoch,
    transactionTimeoutMs: s.timeoutMs,
    transactionStatus: TxnStatus[s.state],
    transactionPartitions: s.partitions.length === 0 ? null : [...byTopic].map(([topic, partitionIds]) => ({topic, partitionIds})),
    transactionLastUpdateTimestampMs: s.lastUpdateMs,
    transactionStartTimestampMs: s.startMs,
  };
}

export function fromLogValue(transactionalId: string, v: TransactionLogValueData): TransactionState {
  const state = (Object.keys(TxnStatus) as TxnStatusName[]).find((name) => TxnStatus[name] === v.transactionStatus) ?? 'Dead';
  return {
    transactionalId,
    producerId: v.producerId,
    producerEpoch: v.producerEpoch,
    timeoutMs: v.transactionTimeoutMs,
    state,
    partitions: (v.transactionPartitions ?? []).flatMap((t) => t.partitionIds.map((partition) => ({topic: t.topic, partition}))),
    startMs: v.transactionStartTimestampMs,
    lastUpdateMs: v.transactionLastUpdateTimestampMs,
  };
}
