import type {TopicInfo} from '../storage/log-manager.js';

export interface BrokerEndpoint {
  nodeId: number;
  /** The inter-broker listener's address. */
  host: string;
  port: number;
  /** Every listener's address by name, so each client is answered in its own listener's terms. */
  listeners?: Record<string, {host: string; port: number}>;
}

/** The address of `b` on listener `name` (Kafka answers Metadata with the requesting listener's). */
export function endpointOn(b: BrokerEndpoint, name: string): {nodeId: number; host: string; port: number} {
  const l = b.listeners?.[name];
  return {nodeId: b.nodeId, host: l?.host ?? b.host, port: l?.port ?? b.port};
}

/** One partition as the cluster knows it (ZooKeeper's partition state plus the assignment). */
export interface PartitionView {
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

/**
 * The broker's link to a cluster (ZooKeeper in the classic Kafka layout, with --zookeeper): the
 * live brokers, who leads each partition, where topic changes are published besides the local
 * logs, and the leader's side of replication that the Produce and Fetch handlers call.
 * Without a link the broker is a single node that leads everything.
 */
export interface ClusterLink {
  readonly controllerId: number;
  liveBrokers(): BrokerEndpoint[];
  partition(topic: string, index: number): PartitionView | undefined;
  /** Replica lists for `count` new partitions; throws a StorageError (INVALID_REPLICATION_FACTOR) when impossible. */
  assignReplicas(count: number, replicationFactor: number): number[][];
  topicCreated(info: TopicInfo, assignment: number[][]): Promise<void>;
  /** Brings the local logs back to what the cluster says of one topic (after a local change was undone). */
  resyncTopic(name: string): void;
  topicDeleted(name: string): Promise<void>;
  topicChanged(info: TopicInfo): Promise<void>;

  /** NONE when this broker leads the partition; else NOT_LEADER_OR_FOLLOWER or LEADER_NOT_AVAILABLE. */
  leaderError(topic: string, index: number): number;
  leaderEpoch(topic: string, index: number): number;
  /** ListOffsets v4+ on the leader: the leader epoch that wrote `offset` ('latest': the log end's). */
  epochAt(topic: string, index: number, offset: number | 'latest'): number;
  /** OffsetForLeaderEpoch on the leader: the largest epoch <= `epoch` of the partition's log and where it ends. */
  endOffsetForEpoch(topic: string, index: number, epoch: number): {epoch: number; endOffset: number};
  /** The leader appended: with an ISR of one the high watermark moves at once. */
  appended(topic: string, index: number): void;
  /** acks=all: resolves with an error code once every ISR member has `offset` (HW > offset), or on timeout. */
  awaitReplication(topic: string, index: number, offset: number, minIsr: number, timeoutMs: number, signal: AbortSignal): Promise<number>;
  isrSize(topic: string, index: number): number;
  /** A follower fetched from fetchOffset: its log end for the ISR and high-watermark computation; currentLeaderEpoch as it named it (v9+). */
  followerFetched(topic: string, index: number, replicaId: number, fetchOffset: number, currentLeaderEpoch?: number): number;

  /** The leader of the group's __consumer_offsets partition, undefined while there is none. */
  coordinatorFor(groupId: string): BrokerEndpoint | undefined;
  /** NONE once this broker coordinates the group and has loaded its partition; else NOT_COORDINATOR. */
  prepareGroup(groupId: string): Promise<number>;
  /** Resolves once the group's last __consumer_offsets write is on every in-sync replica; throws if it cannot be. */
  offsetsCommitted(groupId: string): Promise<void>;
  /** Producer ids unique across the cluster. */
  nextProducerId(): Promise<number>;
  /** Before a planned stop: leadership moves to other replicas while this broker still answers. */
  controlledShutdown(): Promise<void>;
  close(): Promise<void>;
}
