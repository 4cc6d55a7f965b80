// DeleteRecords 0-2: offset -1 means "up to the high watermark".
import {ErrorCode} from '../../protocol/errors.js';
import {DeleteRecords} from '../../protocol/messages/21-delete-records.js';
import {Operation, ResourceType} from '../../security/acl.js';
import {StorageError} from '../../storage/errors.js';
import {deletes} from '../../storage/topic-config.js';
import type {Handler} from '../handler.js';
import {errorCodeOf} from './topics.js';

export const deleteRecordsHandler: Handler = {
  api: DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  handle(request, {broker, session}) {
    const topics = request.topics.map((t: any) => ({
      name: t.name,
      partitions: t.partitions.map((p: any) => {
        if (!broker.authorize(session, Operation.DELETE, ResourceType.TOPIC, t.name)) return {partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED};
        const log = broker.logs.partition(t.name, p.partitionIndex);
        if (!log) return {partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION};
        // As in Kafka: records of a compact-only topic go by compaction, never by offset.
        if (!deletes(log.topicConfig)) return {partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.POLICY_VIOLATION};
        const target = p.offset === -1 ? log.highWatermark : p.offset;
        if (target < 0 || target > log.highWatermark) return {partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE};
        try {
          if (target > log.logStartOffset) log.deleteRecordsBefore(target);
        } catch (err) {
          if (!(err instanceof StorageError)) throw err;
          broker.log(`DeleteRecords on ${t.name}-${p.partitionIndex} refused: ${err.message}`);
          return {partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: errorCodeOf(err)};
        }
        return {partitionIndex: p.partitionIndex, lowWatermark: log.logStartOffset, errorCode: ErrorCode.NONE};
      }),
    }));
    return {throttleTimeMs: 0, topics};
  },
};
