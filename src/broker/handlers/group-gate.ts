// In a cluster only the group's coordinator answers group requests (NOT_COORDINATOR sends clients
// back to FindCoordinator); on a single node that is always this broker.
import {ErrorCode} from '../../protocol/errors.js';
import type {Broker} from '../broker.js';

export function coordinatorError(broker: Broker, groupId: string): Promise<number> | number {
  return broker.cluster ? broker.cluster.prepareGroup(groupId) : ErrorCode.NONE;
}
