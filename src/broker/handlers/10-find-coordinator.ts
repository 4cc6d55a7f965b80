// FindCoordinator 0-2: the coordinator of a group is the leader of its __consumer_offsets
// partition (Kafka's abs(hash(group)) % partitions); the first request creates that topic.
import {ErrorCode} from '../../protocol/errors.js';
import {FindCoordinator} from '../../protocol/messages/10-find-coordinator.js';
import type {Handler} from '../handler.js';
import {ensureOffsetsTopic} from '../offsets-topic.js';

const KEY_GROUP = 0;

export const findCoordinatorHandler: Handler = {
  api: FindCoordinator,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, {broker}) {
    if ((request.keyType ?? KEY_GROUP) !== KEY_GROUP) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'transactions are not supported', nodeId: -1, host: '', port: -1};
    }
    try {
      await ensureOffsetsTopic(broker);
    } catch (err) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: `creating __consumer_offsets failed: ${String(err)}`, nodeId: -1, host: '', port: -1};
    }
    const coordinator = broker.cluster ? broker.cluster.coordinatorFor(request.key) : {nodeId: broker.nodeId, ...broker.advertised};
    if (!coordinator) return {throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'the group\'s __consumer_offsets partition has no leader', nodeId: -1, host: '', port: -1};
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: coordinator.nodeId, host: coordinator.host, port: coordinator.port};
  },
};
