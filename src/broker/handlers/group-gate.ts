// Group requests pass two gates: the principal may perform the operation on the group (else
// GROUP_AUTHORIZATION_FAILED), and only the group's coordinator answers them (NOT_COORDINATOR
// sends clients back to FindCoordinator): the leader of its __consumer_offsets partition, with
// that partition loaded. On a single node that is always this broker, once the topic exists.
import {ErrorCode} from '../../protocol/errors.js';
import {ResourceType} from '../../security/acl.js';
import type {Session} from '../../security/session.js';
import type {Broker} from '../broker.js';
import {ensureOffsetsTopic} from '../internal-topics.js';

export async function coordinatorError(broker: Broker, groupId: string, session: Session, operation: number): Promise<number> {
  if (!broker.authorize(session, operation, ResourceType.GROUP, groupId)) return ErrorCode.GROUP_AUTHORIZATION_FAILED;
  if (broker.cluster) return broker.cluster.prepareGroup(groupId);
  try {
    await ensureOffsetsTopic(broker);
    return ErrorCode.NONE;
  } catch (err) {
    broker.log(`creating __consumer_offsets failed: ${String(err)}`);
    return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
}
