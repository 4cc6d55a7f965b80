// ListOffsets 0-8: timestamp -2 = earliest, -1 = latest, else the first offset with a
// timestamp >= T (or -1/-1 when there is none). v0 (Sarama's default, so Burrow) answers a list
// of at most max_num_offsets offsets instead of one offset and timestamp. With isolation_level 1
// (read_committed, v2+) latest is the last stable offset. current_leader_epoch (v4+) is fenced as
// in Fetch; the answer's leader_epoch is -1 (unknown), which makes clients skip their epoch check.
import {ErrorCode} from '../../protocol/errors.js';
import {ListOffsets} from '../../protocol/messages/02-list-offsets.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {PartitionLog} from '../../storage/partition-log.js';
import type {Handler} from '../handler.js';
import {leaderEpochError} from './leader-epoch.js';

const LATEST = -1;
const EARLIEST = -2;
/** KIP-734 (v7+): the record with the largest timestamp. */
const MAX_TIMESTAMP = -3;
/** KIP-1005 (v8+): without tiered storage the local log is the whole log, and nothing is tiered. */
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;

export const listOffsetsHandler: Handler = {
  api: ListOffsets,
  minVersion: 0,
  maxVersion: 8,
  handle(request, {broker, header, session}) {
    const v0 = header.apiVersion === 0;
    const failed = (partitionIndex: number, errorCode: number) => ({partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1, offset: -1});
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t: any) => ({
        name: t.name,
        partitions: t.partitions.map((p: any) => {
          if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.TOPIC, t.name)) return failed(p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          const log = broker.logs.partition(t.name, p.partitionIndex);
          if (!log) return failed(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          const notLeader = broker.cluster?.leaderError(t.name, p.partitionIndex) ?? ErrorCode.NONE;
          if (notLeader !== ErrorCode.NONE) return failed(p.partitionIndex, notLeader);
          const epochError = leaderEpochError(broker, t.name, p.partitionIndex, p.currentLeaderEpoch ?? -1);
          if (epochError !== ErrorCode.NONE) return failed(p.partitionIndex, epochError);
          if (v0) return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, oldStyleOffsets: oldStyleOffsets(log, p.timestamp, p.maxNumOffsets)};
          if (p.timestamp === MAX_TIMESTAMP) {
            const found = log.offsetOfMaxTimestamp();
            return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp: found?.timestamp ?? -1, offset: found?.offset ?? -1};
          }
          if (p.timestamp === LATEST_TIERED) return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp: -1, offset: -1};
          if (p.timestamp === EARLIEST || p.timestamp === EARLIEST_LOCAL) return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp: -1, offset: log.logStartOffset};
          if (p.timestamp === LATEST) return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp: -1, offset: request.isolationLevel === 1 ? broker.producerStates.lastStableOffset(log) : log.highWatermark};
          const found = log.offsetForTimestamp(p.timestamp);
          return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp: found?.timestamp ?? -1, offset: found?.offset ?? -1};
        }),
      })),
    };
  },
};

/**
 * Kafka's legacy answer, newest first: for latest the high watermark followed by the segment base
 * offsets, for earliest the log start offset, for a time the start of the first record at or
 * after it (the high watermark when there is none).
 */
function oldStyleOffsets(log: PartitionLog, timestamp: number, max: number): number[] {
  let offsets: number[];
  if (timestamp === EARLIEST) offsets = [log.logStartOffset];
  else if (timestamp === LATEST) offsets = [log.highWatermark, ...log.segmentBaseOffsets().filter((o) => o < log.highWatermark && o >= log.logStartOffset).reverse()];
  else offsets = [log.offsetForTimestamp(timestamp)?.offset ?? log.highWatermark];
  return offsets.slice(0, Math.max(0, max));
}
