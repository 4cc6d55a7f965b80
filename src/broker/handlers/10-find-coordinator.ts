// FindCoordinator 0-4: the coordinator of a group is the leader of its __consumer_offsets
// partition (Kafka's abs(hash(group)) % partitions), of a transactional id the leader of its
// __transaction_state partition; the first request creates the topic. v4 asks for several keys.
import {ErrorCode} from '../../protocol/errors.js';
import {FindCoordinator} from '../../protocol/messages/10-find-coordinator.js';
import type {Session} from '../../security/session.js';
import type {Broker} from '../broker.js';
import {endpointOn} from '../cluster-link.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {ensureOffsetsTopic} from '../internal-topics.js';

const KEY_GROUP = 0;
const KEY_TRANSACTION = 1;

interface Found {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const findCoordinatorHandler: Handler = {
  api: FindCoordinator,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, {broker, header, session}) {
    const keyType = request.keyType ?? KEY_GROUP;
    if (header.apiVersion >= 4) {
      const coordinators = await Promise.all(request.coordinatorKeys.map(async (key: string) => ({key, ...(await find(broker, session, key, keyType))})));
      return {throttleTimeMs: 0, coordinators};
    }
    return {throttleTimeMs: 0, ...(await find(broker, session, request.key, keyType))};
  },
};

async function find(broker: Broker, session: Session, key: string, keyType: number): Promise<Found> {
  const failed = (errorCode: number, errorMessage: string): Found => ({errorCode, errorMessage, nodeId: -1, host: '', port: -1});
  if (keyType === KEY_TRANSACTION) {
    if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key)) return failed(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'Transactional Id authorization failed.');
    const {errorCode, endpoint} = await broker.transactions.coordinatorFor(key, session.listener.name);
    return endpoint ? {errorCode: ErrorCode.NONE, errorMessage: null, ...endpoint} : failed(errorCode, "the transactional id's __transaction_state partition has no leader");
  }
  if (keyType !== KEY_GROUP) return failed(ErrorCode.INVALID_REQUEST, `unknown key type ${keyType}`);
  if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.GROUP, key)) return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.');
  try {
    await ensureOffsetsTopic(broker);
  } catch (err) {
    return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, `creating __consumer_offsets failed: ${String(err)}`);
  }
  const found = broker.cluster ? broker.cluster.coordinatorFor(key) : {nodeId: broker.nodeId, ...broker.advertisedOf(session.listener.name)};
  const coordinator = found && endpointOn(found, session.listener.name);
  if (!coordinator) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, "the group's __consumer_offsets partition has no leader");
  return {errorCode: ErrorCode.NONE, errorMessage: null, ...coordinator};
}
