import {backoffDelay, sleep} from '../lib/backoff.js';
import {ErrorCode, KafkaProtocolError, errorInfo} from '../protocol/errors.js';
import {AddOffsetsToTxn} from '../protocol/messages/25-add-offsets-to-txn.js';
import {AddPartitionsToTxn} from '../protocol/messages/24-add-partitions-to-txn.js';
import {TxnOffsetCommit} from '../protocol/messages/28-txn-offset-commit.js';
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
  /** Offsets were sent: the transaction has something to end even without a record. */
  private offsetsSent = false;

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

  /**
   * sendOffsetsToTransaction: the group's offsets commit with the transaction (AddOffsetsToTxn to
   * the transaction coordinator, TxnOffsetCommit to the group's), so consume-transform-produce
   * is exactly once.
   */
  async sendOffsets(offsets: TransactionOffsets): Promise<void> {
    const {transactionalId, producer} = this;
    this.offsetsSent = true;
    await coordinatorRequest(this.cluster, transactionalId, AddOffsetsToTxn, [0, 3], {transactionalId, ...producer, groupId: offsets.groupId}, (r) => r.errorCode);
    const topics = [...new Set(offsets.partitions.map((p) => p.topic))].map((name) => ({
      name,
      partitions: offsets.partitions.filter((p) => p.topic === name).map((p) => ({partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, committedMetadata: null})),
    }));
    const body = {transactionalId, groupId: offsets.groupId, ...producer, generationId: -1, memberId: '', groupInstanceId: null, topics};
    await groupRequest(this.cluster, offsets.groupId, TxnOffsetCommit, [0, 3], body, (r) => r.topics.flatMap((t: any) => t.partitions.map((p: any) => p.errorCode)).find((c: number) => c !== ErrorCode.NONE) ?? ErrorCode.NONE);
  }

  /** Commits (or aborts) what was written since the last end; the next write opens a new transaction. */
  async end(commit: boolean): Promise<void> {
    if (this.added.size === 0 && !this.offsetsSent) return;
    await Promise.allSettled(this.added.values());
    this.added.clear();
    this.offsetsSent = false;
    await coordinatorRequest(this.cluster, this.transactionalId, EndTxn, [0, 3], {transactionalId: this.transactionalId, ...this.producer, committed: commit}, (r) => r.errorCode);
  }
}

/** Offsets a transaction commits for a consumer group. */
export interface TransactionOffsets {
  groupId: string;
  /** The next offset to read, per partition. */
  partitions: Array<{topic: string; partition: number; offset: number}>;
}

type Api = Parameters<ClusterConnections['pick']>[1];

/** One request to the transactional id's coordinator, found again and retried while it moves or is busy. */
function coordinatorRequest(cluster: ClusterConnections, transactionalId: string, api: Api, ours: [number, number], body: Record<string, unknown>, errorOf: (res: any) => number): Promise<any> {
  return retried(cluster, 1, transactionalId, api, ours, body, errorOf);
}

/** The same to a group's coordinator. */
function groupRequest(cluster: ClusterConnections, groupId: string, api: Api, ours: [number, number], body: Record<string, unknown>, errorOf: (res: any) => number): Promise<any> {
  return retried(cluster, 0, groupId, api, ours, body, errorOf);
}

async function retried(cluster: ClusterConnections, keyType: 0 | 1, key: string, api: Api, ours: [number, number], body: Record<string, unknown>, errorOf: (res: any) => number): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    let errorCode: number;
    let res: any;
    try {
      const {conn, version} = await cluster.pick(await cluster.coordinator(keyType, key), api, ours);
      res = await conn.request(api, version, body);
      errorCode = errorOf(res);
    } catch (err) {
      if (err instanceof KafkaProtocolError && !err.info.retriable) throw err;
      if (attempt >= ATTEMPTS) throw err;
      cluster.forgetCoordinator(keyType, key);
      await sleep(backoffDelay(attempt, RETRY_BACKOFF));
      continue;
    }
    if (errorCode === ErrorCode.NONE) return res;
    if (errorCode === ErrorCode.NOT_COORDINATOR || errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE) cluster.forgetCoordinator(keyType, key);
    if (!errorInfo(errorCode).retriable || attempt >= ATTEMPTS) throw new KafkaProtocolError(errorCode, `${api.name} for ${keyType === 1 ? 'transactional id' : 'group'} ${key}`);
    await sleep(backoffDelay(attempt, RETRY_BACKOFF));
  }
}
