// Metadata 0-12. v0 treats an empty topic list as "all topics"; v1+ uses null for all; v10+ names
// topics by id too, and answers each topic's id (the same on every broker).
// controller_id must be a real broker: admin clients send CreateTopics etc. to it. In a cluster,
// brokers, leaders, replicas and ISRs come from ZooKeeper (the ClusterLink).
import {ErrorCode} from '../../protocol/errors.js';
import {Metadata} from '../../protocol/messages/03-metadata.js';
import type {Broker} from '../broker.js';
import {endpointOn} from '../cluster-link.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {autoCreateTopic, topicIdBytes, topicNameById} from './topics.js';
import {INTERNAL_TOPICS} from '../../storage/log-manager.js';
import {ensureOffsetsTopic} from '../internal-topics.js';
import {OFFSETS_TOPIC} from '../../protocol/consumer-offsets.js';

export const metadataHandler: Handler = {
  api: Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(request, {broker, header, session}) {
    // A topic asked for by id only: its name, or the id itself when no topic has it.
    const byId = (id: Buffer): string | Buffer => topicNameById(broker, id) ?? id;
    const asked: Array<string | Buffer> | null = request.topics === null || (header.apiVersion === 0 && request.topics.length === 0) ? null : request.topics.map((t: {name: string | null; topicId?: Buffer}) => t.name ?? byId(t.topicId!));
    const unknownIds = (asked ?? []).filter((t): t is Buffer => Buffer.isBuffer(t));
    const requested = asked === null ? null : asked.filter((t): t is string => typeof t === 'string');
    const allowAutoCreate = header.apiVersion < 4 || request.allowAutoTopicCreation;
    // Listing all topics leaves out those the principal may not describe (as Kafka does).
    const describable = (name: string) => broker.authorize(session, Operation.DESCRIBE, ResourceType.TOPIC, name);
    const names = requested ?? broker.logs.topics().map((t) => t.name).filter(describable);
    const listener = session.listener.name;
    const brokers = broker.cluster ? broker.cluster.liveBrokers().map((b) => endpointOn(b, listener)) : [{nodeId: broker.nodeId, ...broker.advertisedOf(listener)}];
    const topics = await Promise.all(
      names.map(async (name) => {
        if (!describable(name)) return {errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, isInternal: false, partitions: []};
        const mayCreate = requested !== null && allowAutoCreate && (broker.authorize(session, Operation.CREATE, ResourceType.CLUSTER, CLUSTER_NAME) || broker.authorize(session, Operation.CREATE, ResourceType.TOPIC, name));
        const topic = await describeTopic(broker, name, mayCreate);
        return request.includeTopicAuthorizedOperations ? {...topic, topicAuthorizedOperations: allowedOperations(TOPIC_OPERATIONS, (op) => broker.authorize(session, op, ResourceType.TOPIC, name))} : topic;
      }),
    );
    return {
      throttleTimeMs: 0,
      brokers: brokers.map((b) => ({...b, rack: null})),
      clusterId: broker.clusterId,
      controllerId: broker.controllerId,
      topics: [...topics, ...unknownIds.map((topicId) => ({errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: header.apiVersion >= 12 ? null : '', topicId, isInternal: false, partitions: []}))],
      ...(request.includeClusterAuthorizedOperations ? {clusterAuthorizedOperations: allowedOperations(CLUSTER_OPERATIONS, (op) => broker.authorize(session, op, ResourceType.CLUSTER, CLUSTER_NAME))} : {}),
    };
  },
};

const TOPIC_OPERATIONS = [Operation.READ, Operation.WRITE, Operation.CREATE, Operation.DELETE, Operation.ALTER, Operation.DESCRIBE, Operation.DESCRIBE_CONFIGS, Operation.ALTER_CONFIGS];
const CLUSTER_OPERATIONS = [Operation.CREATE, Operation.ALTER, Operation.DESCRIBE, Operation.CLUSTER_ACTION, Operation.DESCRIBE_CONFIGS, Operation.ALTER_CONFIGS, Operation.IDEMPOTENT_WRITE];

/** Kafka's authorized-operations bit field: bit N set when operation code N is allowed. */
function allowedOperations(operations: number[], allowed: (op: number) => boolean): number {
  return operations.reduce((bits, op) => (allowed(op) ? bits | (1 << op) : bits), 0);
}

async function describeTopic(broker: Broker, name: string, mayCreate: boolean) {
  let topic = broker.logs.topic(name);
  if (!topic && mayCreate && name === OFFSETS_TOPIC) {
    // Kafka creates its internal topic with its own settings, never as an ordinary auto-created topic.
    await ensureOffsetsTopic(broker).catch((err) => broker.log(`creating ${OFFSETS_TOPIC} failed: ${String(err)}`));
    topic = broker.logs.topic(name);
  } else if (!topic && mayCreate) {
    const code = await autoCreateTopic(broker, name);
    if (code !== ErrorCode.NONE) return {errorCode: code, name, isInternal: false, partitions: []};
    topic = broker.logs.topic(name);
  }
  if (!topic) return {errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, isInternal: false, partitions: []};
  const id = broker.nodeId;
  const live = new Set(broker.cluster?.liveBrokers().map((b) => b.nodeId) ?? [id]);
  return {
    errorCode: ErrorCode.NONE,
    name,
    topicId: topicIdBytes(topic.id),
    isInternal: INTERNAL_TOPICS.has(name),
    partitions: Array.from({length: topic.partitions}, (_, p) => {
      const view = broker.cluster ? broker.cluster.partition(name, p) : {leader: id, leaderEpoch: 0, replicas: [id], isr: [id]};
      if (!view) return {errorCode: ErrorCode.LEADER_NOT_AVAILABLE, partitionIndex: p, leaderId: -1, leaderEpoch: -1, replicaNodes: [], isrNodes: [], offlineReplicas: []};
      return {
        errorCode: view.leader >= 0 ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
        partitionIndex: p,
        leaderId: view.leader,
        leaderEpoch: view.leaderEpoch,
        replicaNodes: view.replicas,
        isrNodes: view.isr,
        offlineReplicas: view.replicas.filter((r) => !live.has(r)),
      };
    }),
  };
}
