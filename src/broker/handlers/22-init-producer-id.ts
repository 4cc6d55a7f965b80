// InitProducerId 0-1: idempotent producers only (transactional ids are not supported).
import {ErrorCode} from '../../protocol/errors.js';
import {InitProducerId} from '../../protocol/messages/22-init-producer-id.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const initProducerIdHandler: Handler = {
  api: InitProducerId,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, {broker, session}) {
    if (request.transactionalId !== null) {
      broker.log(`refused InitProducerId for transactional id "${request.transactionalId}": transactions are not supported`);
      return {throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1};
    }
    // Idempotence needs IdempotentWrite on the cluster, or (Kafka 2.8+) Write on some topic.
    const mayWriteSomewhere = () => broker.logs.topics().some((t) => broker.authorize(session, Operation.WRITE, ResourceType.TOPIC, t.name)) || broker.authorize(session, Operation.WRITE, ResourceType.TOPIC, '*');
    if (!broker.authorize(session, Operation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, CLUSTER_NAME) && !mayWriteSomewhere()) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, producerId: -1, producerEpoch: -1};
    }
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: broker.cluster ? await broker.cluster.nextProducerId() : broker.producerIds.nextProducerId(), producerEpoch: 0};
  },
};
