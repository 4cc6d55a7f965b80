// InitProducerId 0-4: without a transactional id an idempotent producer gets a fresh id; with one,
// the transaction coordinator gives the id's producer a bumped epoch, fencing older instances.
import {ErrorCode} from '../../protocol/errors.js';
import {InitProducerId} from '../../protocol/messages/22-init-producer-id.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import {errorMessage} from '../../lib/errors.js';
import type {Handler} from '../handler.js';
import {fencedAs, transactionCoordinatorError} from './txn-gate.js';

export const initProducerIdHandler: Handler = {
  api: InitProducerId,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, {broker, header, session}) {
    const failed = (errorCode: number) => ({throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1});
    if (request.transactionalId !== null) {
      const gate = await transactionCoordinatorError(broker, request.transactionalId, session);
      if (gate !== ErrorCode.NONE) return failed(gate);
      const expected = request.producerId >= 0 ? {producerId: request.producerId, producerEpoch: request.producerEpoch} : undefined;
      try {
        const r = await broker.transactions.coordinator.initProducerId(request.transactionalId, request.transactionTimeoutMs, expected);
        return {throttleTimeMs: 0, ...r, errorCode: fencedAs(r.errorCode, header.apiVersion, 4)};
      } catch (err) {
        broker.log(`InitProducerId for transactional id "${request.transactionalId}": ${errorMessage(err)}`);
        return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      }
    }
    // Idempotence needs IdempotentWrite on the cluster, or (Kafka 2.8+) Write on some topic.
    const mayWriteSomewhere = () => broker.logs.topics().some((t) => broker.authorize(session, Operation.WRITE, ResourceType.TOPIC, t.name)) || broker.authorize(session, Operation.WRITE, ResourceType.TOPIC, '*');
    if (!broker.authorize(session, Operation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, CLUSTER_NAME) && !mayWriteSomewhere()) return failed(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    let producerId: number;
    try {
      producerId = broker.cluster ? await broker.cluster.nextProducerId() : broker.producerIds.nextProducerId();
    } catch (err) {
      // The id block could not be reserved durably (a full disk): no id is handed out; clients retry.
      if (!(err as NodeJS.ErrnoException)?.code) throw err;
      broker.log(`InitProducerId refused: ${errorMessage(err)}`);
      return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0};
  },
};
