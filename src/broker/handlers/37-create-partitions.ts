// CreatePartitions 0-3: every topic gets a result entry, errors included.
import {ErrorCode} from '../../protocol/errors.js';
import {CreatePartitions} from '../../protocol/messages/37-create-partitions.js';
import {errorMessage} from '../../lib/errors.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {errorCodeOf} from './topics.js';

export const createPartitionsHandler: Handler = {
  api: CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, {broker, session}) {
    const results = [];
    for (const t of request.topics) results.push(await addOne(t));
    return {throttleTimeMs: 0, results};

    async function addOne(t: any) {
      if (!broker.authorize(session, Operation.ALTER, ResourceType.TOPIC, t.name)) return {name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: `not authorized to alter topic ${t.name}`};
      const topic = broker.logs.topic(t.name);
      if (!topic) return {name: t.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${t.name} does not exist`};
      if (t.count <= topic.partitions) {
        return {name: t.name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `topic has ${topic.partitions} partitions; the new total must be larger`};
      }
      try {
        if (!request.validateOnly) await broker.addPartitions(t.name, t.count);
        return {name: t.name, errorCode: ErrorCode.NONE, errorMessage: null};
      } catch (err) {
        return {name: t.name, errorCode: errorCodeOf(err), errorMessage: errorMessage(err)};
      }
    }
  },
};
