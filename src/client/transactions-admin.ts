import {errorInfo, ErrorCode} from '../protocol/errors.js';
import {DescribeProducers} from '../protocol/messages/61-describe-producers.js';
import {DescribeTransactions} from '../protocol/messages/65-describe-transactions.js';
import {ListTransactions} from '../protocol/messages/66-list-transactions.js';
import {UserError} from '../lib/errors.js';
import {ClusterConnections} from './cluster-connections.js';

/** What kafka-transactions.sh list, describe and describe-producers show, on our wire client. */

export interface ListedTransaction {
  transactionalId: string;
  producerId: number;
  state: string;
  coordinator: number;
}

export interface DescribedTransaction {
  transactionalId: string;
  coordinator: number;
  state: string;
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  startTimeMs: number;
  partitions: string[];
}

export interface ActiveProducer {
  partition: number;
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  currentTxnStartOffset: number;
}

async function withCluster<T>(brokers: string[], use: (cluster: ClusterConnections) => Promise<T>): Promise<T> {
  const cluster = new ClusterConnections(brokers);
  try {
    return await use(cluster);
  } finally {
    cluster.close();
  }
}

function failed(what: string, errorCode: number): UserError {
  const {name} = errorInfo(errorCode);
  return new UserError(`${what}: ${name} (${errorCode})`, name === 'TRANSACTIONAL_ID_NOT_FOUND' ? 'list the transactional ids with `kcollect transactions list`' : undefined);
}

/** Every broker coordinates some transactional ids: all are asked (ListTransactions). */
export function listTransactions(brokers: string[], states: string[] = []): Promise<ListedTransaction[]> {
  return withCluster(brokers, async (cluster) => {
    const out: ListedTransaction[] = [];
    for (const id of await cluster.brokerIds()) {
      const {conn, version} = await cluster.pick(id, ListTransactions, [0, 1]);
      const res = await conn.request(ListTransactions, version, {stateFilters: states, producerIdFilters: [], durationFilter: -1});
      if (res.errorCode !== ErrorCode.NONE) throw failed(`listing the transactions of broker ${id}`, res.errorCode);
      if (res.unknownStateFilters.length > 0) throw new UserError(`unknown transaction state(s): ${res.unknownStateFilters.join(', ')}`, 'use Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort');
      for (const t of res.transactionStates) out.push({transactionalId: t.transactionalId, producerId: t.producerId, state: t.transactionState, coordinator: id});
    }
    return out.sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
  });
}

export function describeTransaction(brokers: string[], transactionalId: string): Promise<DescribedTransaction> {
  return withCluster(brokers, async (cluster) => {
    const coordinator = await cluster.coordinator(1, transactionalId);
    const {conn, version} = await cluster.pick(coordinator, DescribeTransactions, [0, 0]);
    const [t] = (await conn.request(DescribeTransactions, version, {transactionalIds: [transactionalId]})).transactionStates;
    if (t.errorCode !== ErrorCode.NONE) throw failed(`describing transactional id ${transactionalId}`, t.errorCode);
    return {
      transactionalId,
      coordinator,
      state: t.transactionState,
      producerId: t.producerId,
      producerEpoch: t.producerEpoch,
      timeoutMs: t.transactionTimeoutMs,
      startTimeMs: t.transactionStartTimeMs,
      partitions: t.topics.flatMap((x: {topic: string; partitions: number[]}) => x.partitions.map((p) => `${x.topic}-${p}`)),
    };
  });
}

/** The producers each partition's leader remembers, with the first offset of an open transaction. */
export function describeProducers(brokers: string[], topic: string, partitions?: number[]): Promise<ActiveProducer[]> {
  return withCluster(brokers, async (cluster) => {
    const leaders = (await cluster.topicLeaders(topic)).filter((l) => !partitions || partitions.includes(l.partition));
    const out: ActiveProducer[] = [];
    for (const {partition, leader} of leaders) {
      const {conn, version} = await cluster.pick(leader, DescribeProducers, [0, 0]);
      const p = (await conn.request(DescribeProducers, version, {topics: [{name: topic, partitionIndexes: [partition]}]})).topics[0].partitions[0];
      if (p.errorCode !== ErrorCode.NONE) throw failed(`describing the producers of ${topic}-${partition}`, p.errorCode);
      for (const a of p.activeProducers) out.push({partition, producerId: a.producerId, producerEpoch: a.producerEpoch, lastSequence: a.lastSequence, lastTimestamp: a.lastTimestamp, currentTxnStartOffset: a.currentTxnStartOffset});
    }
    return out;
  });
}
