// CreateTopics 0-7. Replicas are spread over the live brokers (a single node holds factor 1 only).
import {ErrorCode} from '../../protocol/errors.js';
import {CreateTopics} from '../../protocol/messages/19-create-topics.js';
import {errorMessage} from '../../lib/errors.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {describeTopicConfig} from '../../storage/topic-config.js';
import {configSource} from './32-describe-configs.js';
import {topicIdBytes} from './topics.js';
import {refuseInternalTopic} from '../../storage/log-manager.js';
import {errorCodeOf} from './topics.js';

export const createTopicsHandler: Handler = {
  api: CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(request, {broker, session}) {
    const topics = [];
    for (const t of request.topics) topics.push(await createOne(t));
    return {throttleTimeMs: 0, topics};

    async function createOne(t: any) {
      const fail = (errorCode: number, message: string) => ({name: t.name, errorCode, errorMessage: message, configs: null});
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
      // The topic has one replication factor, which Metadata reports from partition 0.
      if (assignment?.some((ids) => ids.length !== assignment[0].length)) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'all partitions must have the same number of replicas');
      }
      const overrides = Object.fromEntries(t.configs.map((c: any) => [c.name, c.value]));
      try {
        refuseInternalTopic(t.name);
        const rf = assignment ? assignment[0].length : replication === -1 ? broker.options.defaultReplicationFactor : replication;
        let topicId: Buffer = Buffer.alloc(16);
        if (request.validateOnly) {
          broker.logs.validateNewTopic(t.name, partitions, overrides);
          if (!assignment) broker.assignReplicas(partitions, rf);
        } else topicId = topicIdBytes((await broker.createTopic(t.name, partitions, overrides, replication, assignment)).id);
        // v5+ tells what was created: the partitions, replication factor and every config with its source.
        const configs = describeTopicConfig(overrides, broker.logs.topicDefaults).map((e) => ({name: e.name, value: e.value, readOnly: e.readOnly, configSource: configSource(e.source), isSensitive: false}));
        return {name: t.name, topicId, errorCode: ErrorCode.NONE, errorMessage: null, numPartitions: partitions, replicationFactor: rf, configs};
      } catch (err) {
        return fail(errorCodeOf(err), errorMessage(err));
      }
    }
  },
};
