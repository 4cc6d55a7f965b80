// Only the group's coordinator answers group requests (NOT_COORDINATOR sends clients back to
// FindCoordinator): the leader of its __consumer_offsets partition, with that partition loaded.
// On a single node that is always this broker, once the topic exists.
import {ErrorCode} from '../../protocol/errors.js';
import type {Broker} from '../broker.js';
import {ensureOffsetsTopic} from '../offsets-topic.js';

export async function coordinatorError(broker: Broker, groupId: string): Promise<number> {
  if (broker.cluster) return broker.cluster.prepareGroup(groupId);
  try {
    await ensureOffsetsTopic(broker);
    return ErrorCode.NONE;
  } catch (err) {
    broker.log(`creating __consumer_offsets failed: ${String(err)}`);
    return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
}
