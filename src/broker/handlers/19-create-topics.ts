// CreateTopics 0-4. Replicas are spread over the live brokers (a single node holds factor 1 only).
import {ErrorCode} from '../../protocol/errors.js';
import {CreateTopics} from '../../protocol/messages/19-create-topics.js';
import {errorMessage} from '../../lib/errors.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {errorCodeOf} from './topics.js';

export const createTopicsHandler: Handler = {
  api: CreateTopics,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, {broker, session}) {
    const topics = [];
    for (const t of request.topics) topics.push(await createOne(t));
    return {throttleTimeMs: 0, topics};

    async function createOne(t: any) {
      const fail = (errorCode: number, message: string) => ({name: t.name, errorCode, errorMessage: message});
      if (!broker.authorize(session, Operation.CREATE, ResourceType.CLUSTER, CLUSTER_NAME) && !broker.authorize(session, Operation.CREATE, ResourceType.TOPIC, t.name)) {
        return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, `not authorized to create topic ${t.name}`);
      }
      const assigned: number = t.assignments.length;
      const partitions: number = assigned > 0 ? assigned : t.numPartitions === -1 ? broker.options.numPartitions : t.numPartitions;
      const replication: number = assigned > 0 ? -1 : t.replicationFactor;
      const assignment: number[][] | undefined = assigned > 0 ? [...t.assignments].sort((a: any, b: any) => a.partitionIndex - b.partitionIndex).map((a: any) => a.brokerIds) : undefined;
      const live = new Set(broker.cluster ? broker.cluster.liveBrokers().map((b) => b.nodeId) : [broker.nodeId]);
      if (assignment?.some((ids) => ids.length === 0 || new Set(ids).size !== ids.length || ids.some((id) => !live.has(id)))) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `replicas must be distinct live brokers (${[...live].join(', ')})`);
      }
      const overrides = Object.fromEntries(t.configs.map((c: any) => [c.name, c.value]));
      try {
        if (request.validateOnly) {
          broker.logs.validateNewTopic(t.name, partitions, overrides);
          if (!assignment) broker.assignReplicas(partitions, replication === -1 ? broker.options.defaultReplicationFactor : replication);
        } else await broker.createTopic(t.name, partitions, overrides, replication, assignment);
        return {name: t.name, errorCode: ErrorCode.NONE, errorMessage: null};
      } catch (err) {
        return fail(errorCodeOf(err), errorMessage(err));
      }
    }
  },
};
