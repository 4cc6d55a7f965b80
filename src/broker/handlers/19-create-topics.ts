// CreateTopics 0-4. A single node can only hold replication factor 1.
import {ErrorCode} from '../../protocol/errors.js';
import {CreateTopics} from '../../protocol/messages/19-create-topics.js';
import {errorMessage} from '../../lib/errors.js';
import type {Handler} from '../handler.js';
import {errorCodeOf} from './topics.js';

export const createTopicsHandler: Handler = {
  api: CreateTopics,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, {broker}) {
    const topics = [];
    for (const t of request.topics) topics.push(await createOne(t));
    return {throttleTimeMs: 0, topics};

    async function createOne(t: any) {
      const fail = (errorCode: number, message: string) => ({name: t.name, errorCode, errorMessage: message});
      const assigned: number = t.assignments.length;
      const partitions: number = assigned > 0 ? assigned : t.numPartitions === -1 ? broker.options.numPartitions : t.numPartitions;
      const replication: number = assigned > 0 ? t.assignments[0].brokerIds.length : t.replicationFactor === -1 ? 1 : t.replicationFactor;
      if (replication !== 1) return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${replication} larger than available brokers: 1.`);
      if (t.assignments.some((a: any) => a.brokerIds.some((id: number) => id !== broker.nodeId))) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `replicas must be on broker ${broker.nodeId}`);
      }
      const overrides = Object.fromEntries(t.configs.map((c: any) => [c.name, c.value]));
      try {
        if (request.validateOnly) broker.logs.validateNewTopic(t.name, partitions, overrides);
        else await broker.createTopic(t.name, partitions, overrides);
        return {name: t.name, errorCode: ErrorCode.NONE, errorMessage: null};
      } catch (err) {
        return fail(errorCodeOf(err), errorMessage(err));
      }
    }
  },
};
