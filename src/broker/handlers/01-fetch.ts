// Fetch 0-16: long poll on max_wait_ms/min_bytes, whole batches, at least one batch even if it
// is larger than the limits (KIP-74). No fetch sessions (session_id 0), no preferred replica.
// Followers fetch with replica_id = their broker id: served up to the log end, not the high watermark.
// current_leader_epoch (v9+, KIP-320): older than the partition's epoch FENCED_LEADER_EPOCH, newer UNKNOWN_LEADER_EPOCH.
// Error answers carry empty records, never null (size -1): librdkafka spins on "invalid MessageSetSize -1".
// read_committed (isolation_level 1, v4+): served up to the last stable offset, with the aborted
// transactions of the range so the client drops their records.
// v13+ names topics by id (UNKNOWN_TOPIC_ID for an id no topic has); v15 moves replica_id into replica_state.
import {ErrorCode} from '../../protocol/errors.js';
import {Fetch} from '../../protocol/messages/01-fetch.js';
import {Compression, compressionOf, iterateBatches} from '../../protocol/records/batch.js';
import type {Broker} from '../broker.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {PartitionWaiters} from '../partition-waiters.js';
import {leaderEpochError} from './leader-epoch.js';
import {topicNameById} from './topics.js';
import type {PartitionLog} from '../../storage/partition-log.js';

interface PartitionRequest {
  partition: number;
  /** KIP-320 (v9+): the leader epoch the client knows, -1 when it does not say. */
  currentLeaderEpoch?: number;
  fetchOffset: number;
  partitionMaxBytes: number;
}

export const fetchHandler: Handler = {
  api: Fetch,
  minVersion: 0,
  maxVersion: 16,
  async handle(request, {broker, header, signal, session}) {
    if (header.apiVersion >= 13) request.topics = request.topics.map((t: any) => ({...t, topic: topicNameById(broker, t.topicId)}));
    if (header.apiVersion >= 15) request.replicaId = request.replicaState?.replicaId ?? -1;
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    const keys = request.topics.filter((t: any) => t.topic !== null).flatMap((t: any) => t.partitions.map((p: PartitionRequest) => PartitionWaiters.key(t.topic, p.partition)));
    // A follower's fetch offset is its log end: the leader counts it for the ISR and high watermark,
    // but not from a follower that names another leader epoch (its log may hold another leader's
    // records there): readPartition fences it (as Kafka counts only fetches it serves).
    const replicaErrors = new Map<string, number>();
    if (request.replicaId >= 0 && broker.cluster) {
      for (const t of request.topics.filter((t: any) => t.topic !== null)) {
        for (const p of t.partitions as PartitionRequest[]) {
          if (leaderEpochError(broker, t.topic, p.partition, p.currentLeaderEpoch ?? -1) !== ErrorCode.NONE) continue;
          replicaErrors.set(PartitionWaiters.key(t.topic, p.partition), broker.cluster.followerFetched(t.topic, p.partition, request.replicaId, p.fetchOffset, p.currentLeaderEpoch));
        }
      }
    }
    // Followers need ClusterAction on the cluster; consumers Read on each topic.
    const follower = request.replicaId >= 0;
    const mayFollow = follower && broker.authorize(session, Operation.CLUSTER_ACTION, ResourceType.CLUSTER, 'kafka-cluster');
    const denied = new Set<string>(request.topics.map((t: any) => t.topic).filter((name: string | null) => name !== null).filter((name: string) => (follower ? !mayFollow : !broker.authorize(session, Operation.READ, ResourceType.TOPIC, name))));
    for (;;) {
      const {responses, bytes, failed} = readAll(broker, request, header.apiVersion, replicaErrors, denied);
      const left = deadline - Date.now();
      const done = bytes >= Math.max(1, request.minBytes) || failed || left <= 0 || keys.length === 0;
      if (done || signal.aborted || broker.closingDown) return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses};
      await broker.waiters.wait(keys, left, signal);
    }
  },
};

function readAll(broker: Broker, request: any, version: number, replicaErrors: Map<string, number>, denied: Set<string>) {
  let budget: number = request.maxBytes;
  let bytes = 0;
  let failed = false;
  const responses = request.topics.map((t: any) => ({
    topic: t.topic,
    topicId: t.topicId,
    partitions: t.partitions.map((p: PartitionRequest) => {
      if (t.topic === null) {
        failed = true;
        return {partitionIndex: p.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: []};
      }
      if (denied.has(t.topic)) {
        failed = true;
        return {partitionIndex: p.partition, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: []};
      }
      const result = readPartition(broker, t.topic, p, budget, bytes === 0, version, request.replicaId >= 0, request.isolationLevel === 1, replicaErrors.get(PartitionWaiters.key(t.topic, p.partition)));
      if (result.errorCode !== ErrorCode.NONE) failed = true;
      bytes += result.size;
      budget = Math.max(0, budget - result.size);
      return result.response;
    }),
  }));
  return {responses, bytes, failed};
}

function readPartition(broker: Broker, topic: string, p: PartitionRequest, budget: number, first: boolean, version: number, fromReplica: boolean, readCommitted: boolean, replicaError = ErrorCode.NONE) {
  const log = broker.logs.partition(topic, p.partition);
  const base = {partitionIndex: p.partition, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: [] as Buffer[]};
  if (!log) return {errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, size: 0, response: {...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION}};
  // A client that knows an older leader epoch is fenced; one that knows a newer epoch than this broker waits for it to catch up.
  const epochError = leaderEpochError(broker, topic, p.partition, p.currentLeaderEpoch ?? -1);
  if (epochError !== ErrorCode.NONE) return {errorCode: epochError, size: 0, response: {...base, errorCode: epochError}};
  // Only the leader serves; followers read beyond the high watermark (up to the log end), consumers up to it.
  const notLeader = fromReplica ? replicaError : (broker.cluster?.leaderError(topic, p.partition) ?? ErrorCode.NONE);
  if (notLeader !== ErrorCode.NONE) return {errorCode: notLeader, size: 0, response: {...base, errorCode: notLeader}};
  const hw = log.highWatermark;
  const lso = fromReplica ? hw : broker.producerStates.lastStableOffset(log);
  const upTo = fromReplica ? log.logEndOffset : readCommitted ? lso : hw;
  const offsets = {highWatermark: hw, lastStableOffset: lso, logStartOffset: log.logStartOffset};
  // Later partitions may come back empty once the response budget is spent, but the first
  // partition with data always gets at least one whole batch.
  const limit = first ? p.partitionMaxBytes : Math.min(p.partitionMaxBytes, budget);
  const batches = limit > 0 || first ? log.read(p.fetchOffset, Math.max(limit, 1), upTo) : [];
  if (batches === 'out-of-range') {
    return {errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, size: 0, response: {...base, ...offsets, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE}};
  }
  if (version < 10 && batches.some(hasZstd)) {
    // Clients on Fetch < v10 predate zstd and could not decode it (kafka-python uses v4).
    return {errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, size: 0, response: {...base, ...offsets, errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE}};
  }
  const size = batches.reduce((n, b) => n + b.length, 0);
  if (!first && size > limit) return {errorCode: ErrorCode.NONE, size: 0, response: {...base, ...offsets, errorCode: ErrorCode.NONE, records: []}};
  const abortedTransactions = readCommitted && batches.length > 0 ? abortedIn(broker, log, p.fetchOffset, batches) : null;
  return {errorCode: ErrorCode.NONE, size, response: {...base, ...offsets, abortedTransactions, errorCode: ErrorCode.NONE, records: batches}};
}

/** The aborted transactions with records among the fetched batches (null when there are none, as Kafka answers). */
function abortedIn(broker: Broker, log: PartitionLog, from: number, batches: Buffer[]) {
  const last = batches[batches.length - 1]!;
  let end = from;
  for (const {header} of iterateBatches(last)) end = header.baseOffset + header.lastOffsetDelta + 1;
  const aborted = broker.producerStates.forLog(log).abortedBetween(from, end);
  return aborted.length === 0 ? null : aborted.map((a) => ({producerId: a.producerId, firstOffset: a.firstOffset}));
}

function hasZstd(chunk: Buffer): boolean {
  for (const {header} of iterateBatches(chunk)) if (compressionOf(header.attributes) === Compression.zstd) return true;
  return false;
}
