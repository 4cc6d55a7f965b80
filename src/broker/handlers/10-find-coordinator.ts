// FindCoordinator 0-2: the coordinator of a group is the leader of its __consumer_offsets
// partition (Kafka's abs(hash(group)) % partitions); the first request creates that topic.
import {ErrorCode} from '../../protocol/errors.js';
import {FindCoordinator} from '../../protocol/messages/10-find-coordinator.js';
import {endpointOn} from '../cluster-link.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {ensureOffsetsTopic} from '../offsets-topic.js';

const KEY_GROUP = 0;

export const findCoordinatorHandler: Handler = {
  api: FindCoordinator,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, {broker, session}) {
    if ((request.keyType ?? KEY_GROUP) !== KEY_GROUP) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'transactions are not supported', nodeId: -1, host: '', port: -1};
    }
    if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.GROUP, request.key)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: 'Group authorization failed.', nodeId: -1, host: '', port: -1};
    }
    try {
      await ensureOffsetsTopic(broker);
    } catch (err) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: `creating __consumer_offsets failed: ${String(err)}`, nodeId: -1, host: '', port: -1};
    }
    const found = broker.cluster ? broker.cluster.coordinatorFor(request.key) : {nodeId: broker.nodeId, ...broker.advertisedOf(session.listener.name)};
    const coordinator = found && endpointOn(found, session.listener.name);
    if (!coordinator) return {throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'the group\'s __consumer_offsets partition has no leader', nodeId: -1, host: '', port: -1};
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: coordinator.nodeId, host: coordinator.host, port: coordinator.port};
  },
};
