// FindCoordinator 0-2: the coordinator of a group is the leader of its __consumer_offsets
// partition (Kafka's abs(hash(group)) % partitions), of a transactional id the leader of its
// __transaction_state partition; the first request creates the topic.
import {ErrorCode} from '../../protocol/errors.js';
import {FindCoordinator} from '../../protocol/messages/10-find-coordinator.js';
import {endpointOn} from '../cluster-link.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {ensureOffsetsTopic} from '../internal-topics.js';

const KEY_GROUP = 0;
const KEY_TRANSACTION = 1;

export const findCoordinatorHandler: Handler = {
  api: FindCoordinator,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, {broker, session}) {
    const keyType = request.keyType ?? KEY_GROUP;
    if (keyType === KEY_TRANSACTION) {
      if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, request.key)) {
        return {throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, errorMessage: 'Transactional Id authorization failed.', nodeId: -1, host: '', port: -1};
      }
      const {errorCode, endpoint} = await broker.transactions.coordinatorFor(request.key, session.listener.name);
      if (!endpoint) return {throttleTimeMs: 0, errorCode, errorMessage: 'the transactional id\'s __transaction_state partition has no leader', nodeId: -1, host: '', port: -1};
      return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: endpoint.nodeId, host: endpoint.host, port: endpoint.port};
    }
    if (keyType !== KEY_GROUP) return {throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unknown key type ${keyType}`, nodeId: -1, host: '', port: -1};
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
