// ListOffsets 1-3: timestamp -2 = earliest, -1 = latest, else the first offset with a
// timestamp >= T (or -1/-1 when there is none).
import {ErrorCode} from '../../protocol/errors.js';
import {ListOffsets} from '../../protocol/messages/02-list-offsets.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

const LATEST = -1;
const EARLIEST = -2;

export const listOffsetsHandler: Handler = {
  api: ListOffsets,
  minVersion: 1,
  maxVersion: 3,
  handle(request, {broker, session}) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t: any) => ({
        name: t.name,
        partitions: t.partitions.map((p: any) => {
          if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.TOPIC, t.name)) return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, timestamp: -1, offset: -1};
          const log = broker.logs.partition(t.name, p.partitionIndex);
          if (!log) return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1, offset: -1};
          const notLeader = broker.cluster?.leaderError(t.name, p.partitionIndex) ?? ErrorCode.NONE;
          if (notLeader !== ErrorCode.NONE) return {partitionIndex: p.partitionIndex, errorCode: notLeader, timestamp: -1, offset: -1};
          if (p.timestamp === EARLIEST) return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp: -1, offset: log.logStartOffset};
          if (p.timestamp === LATEST) return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp: -1, offset: log.highWatermark};
          const found = log.offsetForTimestamp(p.timestamp);
          return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp: found?.timestamp ?? -1, offset: found?.offset ?? -1};
        }),
      })),
    };
  },
};
