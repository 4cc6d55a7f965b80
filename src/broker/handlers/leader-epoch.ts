import {ErrorCode} from '../../protocol/errors.js';
import type {Broker} from '../broker.js';

/**
 * KIP-320: a client that knows an older leader epoch than the partition's is fenced
 * (FENCED_LEADER_EPOCH); one that knows a newer one waits for this broker to catch up
 * (UNKNOWN_LEADER_EPOCH); -1 means it does not say.
 */
export function leaderEpochError(broker: Broker, topic: string, partition: number, known: number): number {
  const view = broker.cluster?.partition(topic, partition);
  if (known < 0 || !view) return ErrorCode.NONE;
  if (known < view.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  if (known > view.leaderEpoch) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  return ErrorCode.NONE;
}
