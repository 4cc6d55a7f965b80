// Group requests pass two gates: the principal may perform the operation on the group (else
// GROUP_AUTHORIZATION_FAILED), and in a cluster only the group's coordinator answers them
// (NOT_COORDINATOR sends clients back to FindCoordinator); on a single node that is this broker.
import {ErrorCode} from '../../protocol/errors.js';
import {ResourceType} from '../../security/acl.js';
import type {Session} from '../../security/session.js';
import type {Broker} from '../broker.js';

export function coordinatorError(broker: Broker, groupId: string, session: Session, operation: number): Promise<number> | number {
  if (!broker.authorize(session, operation, ResourceType.GROUP, groupId)) return ErrorCode.GROUP_AUTHORIZATION_FAILED;
  return broker.cluster ? broker.cluster.prepareGroup(groupId) : ErrorCode.NONE;
}
