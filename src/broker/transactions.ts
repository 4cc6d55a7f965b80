import {ApiVersions} from '../protocol/messages/18-api-versions.js';
import {WriteTxnMarkers} from '../protocol/messages/27-write-txn-markers.js';
import type {WireConnection} from '../client/wire-connection.js';
import {fromLogValue, type TopicPartition, TransactionCoordinator, type TransactionState, toLogValue} from '../coordinator/transaction-coordinator.js';
import {errorMessage} from '../lib/errors.js';
import {loopbackSourceFor} from '../lib/address.js';
import {OFFSETS_TOPIC} from '../protocol/consumer-offsets.js';
import {ErrorCode, errorInfo} from '../protocol/errors.js';
import {controlBatch, type Marker} from '../protocol/records/control.js';
import {decodeUncompressedBatch, encodeBatchUncompressed} from '../protocol/records/records.js';
import {decodeTransactionLogKey, decodeTransactionLogValue, TRANSACTION_STATE_TOPIC, transactionLogKey, transactionLogValue, transactionPartitionFor} from '../protocol/transaction-log.js';
import {StorageError} from '../storage/errors.js';
import type {Broker} from './broker.js';
import {type BrokerEndpoint, endpointOn} from './cluster-link.js';
import {ensureTransactionStateTopic} from './internal-topics.js';

/** How long the markers of a decided transaction are retried before the request fails (a later load retries again). */
const MARKER_RETRY_MS = 30_000;
const REPLICATION_TIMEOUT_MS = 30_000;

/**
 * The broker's side of transactions: the coordinator of the transactional ids whose
 * `__transaction_state` partition this broker leads (loaded from that partition when it starts
 * leading it), the markers it writes (locally, or WriteTxnMarkers to a partition's leader) and the
 * periodic abort of timed-out transactions.
 */
export class BrokerTransactions {
  readonly coordinator: TransactionCoordinator;
  /** __transaction_state partitions loaded, with the leader epoch they were loaded at. */
  private readonly loaded = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly broker: Broker) {
    this.coordinator = new TransactionCoordinator({
      persist: (state) => this.persist(state),
      writeMarkers: (partitions, producerId, producerEpoch, marker) => this.writeMarkers(partitions, producerId, producerEpoch, marker),
      nextProducerId: () => (broker.cluster ? broker.cluster.nextProducerId() : Promise.resolve(broker.producerIds.nextProducerId())),
      maxTimeoutMs: broker.options.transactionMaxTimeoutMs,
      log: (line) => broker.log(line),
    });
    this.timer = setInterval(() => void this.tick(), broker.options.transactionAbortTimedOutTransactionCleanupIntervalMs).unref();
  }

  private partitionFor(transactionalId: string): number | undefined {
    const n = this.broker.logs.topic(TRANSACTION_STATE_TOPIC)?.partitions;
    return n === undefined ? undefined : transactionPartitionFor(transactionalId, n);
  }

  /** FindCoordinator(key_type 1): the leader of the id's partition, creating the topic on first use. */
  async coordinatorFor(transactionalId: string, listener: string): Promise<{errorCode: number; endpoint?: {nodeId: number; host: string; port: number}}> {
    try {
      await ensureTransactionStateTopic(this.broker);
    } catch {
      return {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE};
    }
    const cluster = this.broker.cluster;
    if (!cluster) return {errorCode: ErrorCode.NONE, endpoint: {nodeId: this.broker.nodeId, ...this.broker.advertisedOf(listener)}};
    const leader = cluster.partition(TRANSACTION_STATE_TOPIC, this.partitionFor(transactionalId)!)?.leader;
    const found = cluster.liveBrokers().find((b) => b.nodeId === leader);
    return found ? {errorCode: ErrorCode.NONE, endpoint: endpointOn(found, listener)} : {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE};
  }

  /** NONE once this broker coordinates the id and has loaded its partition; NOT_COORDINATOR when another broker does. */
  async prepare(transactionalId: string): Promise<number> {
    try {
      await ensureTransactionStateTopic(this.broker);
    } catch {
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    const p = this.partitionFor(transactionalId)!;
    return this.loadIfLeading(p) ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR;
  }

  /** Loads partition p's transactions when this broker leads it at a new epoch; false when it does not lead it. */
  private loadIfLeading(p: number): boolean {
    const cluster = this.broker.cluster;
    const owns = (id: string) => this.partitionFor(id) === p;
    if (cluster && cluster.leaderError(TRANSACTION_STATE_TOPIC, p) !== ErrorCode.NONE) {
      if (this.loaded.delete(p)) this.coordinator.unload(owns);
      return false;
    }
    const epoch = cluster?.leaderEpoch(TRANSACTION_STATE_TOPIC, p) ?? 0;
    if (this.loaded.get(p) === epoch) return true;
    this.coordinator.unload(owns);
    this.coordinator.load(this.readPartition(p));
    this.loaded.set(p, epoch);
    return true;
  }

  /** The last state of every transactional id in partition p. */
  private readPartition(p: number): TransactionState[] {
    const log = this.broker.logs.partition(TRANSACTION_STATE_TOPIC, p);
    const states = new Map<string, TransactionState>();
    if (!log) return [];
    for (const {batch} of log.batches()) {
      for (const rec of decodeUncompressedBatch(batch)) {
        const id = rec.key && decodeTransactionLogKey(rec.key);
        if (id === undefined || id === null) continue;
        if (rec.value === null) states.delete(id);
        else states.set(id, fromLogValue(id, decodeTransactionLogValue(rec.value)));
      }
    }
    return [...states.values()];
  }

  private async persist(state: TransactionState): Promise<void> {
    const p = this.partitionFor(state.transactionalId);
    if (p === undefined) throw new Error(`${TRANSACTION_STATE_TOPIC} does not exist`);
    this.broker.appendInternal(TRANSACTION_STATE_TOPIC, p, encodeBatchUncompressed([{key: transactionLogKey(state.transactionalId), value: transactionLogValue(toLogValue(state))}]));
    await this.replicated(TRANSACTION_STATE_TOPIC, p);
  }

  /** On a cluster: resolves once every in-sync replica has the partition's last record. */
  private async replicated(topic: string, partition: number): Promise<void> {
    const cluster = this.broker.cluster;
    const log = this.broker.logs.partition(topic, partition);
    if (!cluster || !log) return;
    const code = await cluster.awaitReplication(topic, partition, log.logEndOffset - 1, 1, REPLICATION_TIMEOUT_MS, new AbortController().signal);
    if (code !== ErrorCode.NONE) throw new Error(`${topic}-${partition} was not replicated: ${errorInfo(code).name}`);
  }

  /** Every partition gets its marker; partitions led elsewhere through WriteTxnMarkers. Retried while leaders move. */
  private async writeMarkers(partitions: TopicPartition[], producerId: number, producerEpoch: number, marker: Marker): Promise<void> {
    const deadline = Date.now() + MARKER_RETRY_MS;
    let left = partitions;
    for (;;) {
      const failed: Array<TopicPartition & {errorCode: number}> = [];
      const byLeader = new Map<number, TopicPartition[]>();
      for (const tp of left) {
        const leader = this.broker.cluster?.partition(tp.topic, tp.partition)?.leader ?? this.broker.nodeId;
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), tp]);
      }
      await Promise.all(
        [...byLeader].map(async ([leader, tps]) => {
          const results = leader === this.broker.nodeId ? await Promise.all(tps.map((tp) => this.appendMarker(tp.topic, tp.partition, producerId, producerEpoch, marker))) : await this.sendMarkers(leader, tps, producerId, producerEpoch, marker);
          tps.forEach((tp, i) => {
            if (results[i] !== ErrorCode.NONE) failed.push({...tp, errorCode: results[i]});
          });
        }),
      );
      // A deleted topic needs no marker any more.
      left = failed.filter((f) => f.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || this.broker.logs.topic(f.topic) || this.broker.cluster?.partition(f.topic, f.partition));
      if (left.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${marker} markers not written to ${failed.map((f) => `${f.topic}-${f.partition} (${errorInfo(f.errorCode).name})`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async sendMarkers(leader: number, tps: TopicPartition[], producerId: number, producerEpoch: number, marker: Marker): Promise<number[]> {
    const endpoint = this.broker.cluster?.liveBrokers().find((b: BrokerEndpoint) => b.nodeId === leader);
    if (!endpoint) return tps.map(() => ErrorCode.NOT_LEADER_OR_FOLLOWER);
    let conn: WireConnection | undefined;
    try {
      // The client (with its TLS and SASL parts) loads when a marker first goes to another broker.
      const [{WireConnection}, {PLAINTEXT}] = await Promise.all([import('../client/wire-connection.js'), import('../client/client-config.js')]);
      conn = await WireConnection.connect(endpoint.host, endpoint.port, {clientId: `kcollect-txn-${this.broker.nodeId}`, config: this.broker.options.interBrokerClient ?? PLAINTEXT, localAddress: loopbackSourceFor(this.broker.localHost, endpoint.host)});
      await conn.negotiate(ApiVersions);
      const topics = [...new Set(tps.map((tp) => tp.topic))].map((name) => ({name, partitionIndexes: tps.filter((tp) => tp.topic === name).map((tp) => tp.partition)}));
      const res = await conn.request(WriteTxnMarkers, conn.pick(WriteTxnMarkers, [0, 1]), {markers: [{producerId, producerEpoch, transactionResult: marker === 'COMMIT', topics, coordinatorEpoch: 0}]});
      const codes = new Map<string, number>();
      for (const t of res.markers[0]?.topics ?? []) for (const p of t.partitions) codes.set(`${t.name}\0${p.partitionIndex}`, p.errorCode);
      return tps.map((tp) => codes.get(`${tp.topic}\0${tp.partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR);
    } catch (err) {
      this.broker.log(`WriteTxnMarkers to broker ${leader}: ${errorMessage(err)}`);
      return tps.map(() => ErrorCode.NETWORK_EXCEPTION);
    } finally {
      conn?.close();
    }
  }

  /**
   * Appends a COMMIT/ABORT marker as the partition's leader (WriteTxnMarkers, or the coordinator
   * itself): the producer's transaction ends there, and on __consumer_offsets its offsets commit or vanish.
   */
  async appendMarker(topic: string, partition: number, producerId: number, producerEpoch: number, marker: Marker): Promise<number> {
    const broker = this.broker;
    const log = broker.logs.partition(topic, partition);
    if (!log) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const notLeader = broker.cluster?.leaderError(topic, partition) ?? ErrorCode.NONE;
    if (notLeader !== ErrorCode.NONE) return notLeader;
    const producers = broker.producerStates.forLog(log);
    const known = producers.entry(producerId);
    if (known && producerEpoch < known.epoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    let offset: number;
    try {
      offset = log.append(controlBatch(producerId, producerEpoch, marker, 0), {leaderEpoch: broker.cluster?.leaderEpoch(topic, partition) ?? 0}).baseOffset;
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      broker.log(`${marker} marker for producer ${producerId} not written to ${topic}-${partition}: ${err.message}`);
      return ErrorCode.KAFKA_STORAGE_ERROR;
    }
    producers.completeTransaction(producerId, producerEpoch, marker, offset, Date.now());
    if (topic === OFFSETS_TOPIC) broker.groups.completeTransactionalOffsets(producerId, marker === 'COMMIT', (groupId) => broker.offsetsStore.partitionFor(groupId) === partition);
    broker.cluster?.appended(topic, partition);
    broker.waiters.notify(topic, partition);
    try {
      await this.replicated(topic, partition);
    } catch (err) {
      broker.log(`${marker} marker on ${topic}-${partition}: ${errorMessage(err)}`);
      return ErrorCode.NOT_ENOUGH_REPLICAS;
    }
    return ErrorCode.NONE;
  }

  /** Loads what this broker now leads and aborts transactions past their timeout. */
  private async tick(): Promise<void> {
    const n = this.broker.logs.topic(TRANSACTION_STATE_TOPIC)?.partitions ?? 0;
    for (let p = 0; p < n; p++) {
      try {
        this.loadIfLeading(p);
      } catch (err) {
        this.broker.log(`loading ${TRANSACTION_STATE_TOPIC}-${p}: ${errorMessage(err)}`);
      }
    }
    this.coordinator.completeDecided();
    await this.coordinator.abortTimedOut();
  }

  close(): void {
    clearInterval(this.timer);
  }
}
