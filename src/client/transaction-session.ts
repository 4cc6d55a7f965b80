import {backoffDelay, sleep} from '../lib/backoff.js';
import {ErrorCode, KafkaProtocolError, errorInfo} from '../protocol/errors.js';
import {AddPartitionsToTxn} from '../protocol/messages/24-add-partitions-to-txn.js';
import {EndTxn} from '../protocol/messages/26-end-txn.js';
import {InitProducerId} from '../protocol/messages/22-init-producer-id.js';
import type {ClusterConnections} from './cluster-connections.js';

const RETRY_BACKOFF = {initialMs: 50, maxMs: 1000};
const ATTEMPTS = 20;

/**
 * A transactional producer's side of KIP-98 on our wire client: the coordinator of the
 * transactional id gives it a producer id and epoch (fencing older instances), each partition
 * joins the open transaction before its first batch, and EndTxn commits or aborts. Coordinator
 * moves and CONCURRENT_TRANSACTIONS are retried.
 */
export class TransactionSession {
  private readonly added = new Map<string, Promise<void>>();

  private constructor(
    private readonly cluster: ClusterConnections,
    readonly transactionalId: string,
    readonly producer: {producerId: number; producerEpoch: number},
  ) {}

  static async begin(cluster: ClusterConnections, transactionalId: string, timeoutMs = 60_000): Promise<TransactionSession> {
    const res = await coordinatorRequest(cluster, transactionalId, InitProducerId, [0, 4], {transactionalId, transactionTimeoutMs: timeoutMs, producerId: -1, producerEpoch: -1}, (r) => r.errorCode);
    return new TransactionSession(cluster, transactionalId, {producerId: Number(res.producerId), producerEpoch: res.producerEpoch});
  }

  /** Resolves once the partition belongs to the open transaction (asked once per partition). */
  addPartition(topic: string, partition: number): Promise<void> {
    const key = `${topic}\0${partition}`;
    let p = this.added.get(key);
    if (!p) {
      p = coordinatorRequest(
        this.cluster,
        this.transactionalId,
        AddPartitionsToTxn,
        [0, 3],
        {v3AndBelowTransactionalId: this.transactionalId, v3AndBelowProducerId: this.producer.producerId, v3AndBelowProducerEpoch: this.producer.producerEpoch, v3AndBelowTopics: [{name: topic, partitions: [partition]}]},
        (r) => r.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode,
      ).then(() => undefined);
      p.catch(() => this.added.delete(key));
      this.added.set(key, p);
    }
    return p;
  }

  /** Commits (or aborts) what was written since the last end; the next write opens a new transaction. */
  async end(commit: boolean): Promise<void> {
    if (this.added.size === 0) return;
    await Promise.allSettled(this.added.values());
    this.added.clear();
    await coordinatorRequest(this.cluster, this.transactionalId, EndTxn, [0, 3], {transactionalId: this.transactionalId, ...this.producer, committed: commit}, (r) => r.errorCode);
  }
}

/** One request to the transactional id's coordinator, found again and retried while it moves or is busy. */
async function coordinatorRequest(cluster: ClusterConnections, transactionalId: string, api: Parameters<ClusterConnections['pick']>[1], ours: [number, number], body: Record<string, unknown>, errorOf: (res: any) => number): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    let errorCode: number;
    let res: any;
    try {
      const {conn, version} = await cluster.pick(await cluster.coordinator(1, transactionalId), api, ours);
      res = await conn.request(api, version, body);
      errorCode = errorOf(res);
    } catch (err) {
      if (err instanceof KafkaProtocolError && !err.info.retriable) throw err;
      if (attempt >= ATTEMPTS) throw err;
      await sleep(backoffDelay(attempt, RETRY_BACKOFF));
      continue;
    }
    if (errorCode === ErrorCode.NONE) return res;
    if (!errorInfo(errorCode).retriable || attempt >= ATTEMPTS) throw new KafkaProtocolError(errorCode, `${api.name} for transactional id ${transactionalId}`);
    await sleep(backoffDelay(attempt, RETRY_BACKOFF));
  }
}
