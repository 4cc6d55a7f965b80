// DeleteRecords 0-1: offset -1 means "up to the high watermark".
import {ErrorCode} from '../../protocol/errors.js';
import {DeleteRecords} from '../../protocol/messages/21-delete-records.js';
import {deletes} from '../../storage/topic-config.js';
import type {Handler} from '../handler.js';

export const deleteRecordsHandler: Handler = {
  api: DeleteRecords,
  minVersion: 0,
  maxVersion: 1,
  handle(request, {broker}) {
    const topics = request.topics.map((t: any) => ({
      name: t.name,
      partitions: t.partitions.map((p: any) => {
        const log = broker.logs.partition(t.name, p.partitionIndex);
        if (!log) return {partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION};
        // As in Kafka: records of a compact-only topic go by compaction, never by offset.
        if (!deletes(log.topicConfig)) return {partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.POLICY_VIOLATION};
        const target = p.offset === -1 ? log.highWatermark : p.offset;
        if (target < 0 || target > log.highWatermark) return {partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE};
        if (target > log.logStartOffset) log.deleteRecordsBefore(target);
        return {partitionIndex: p.partitionIndex, lowWatermark: log.logStartOffset, errorCode: ErrorCode.NONE};
      }),
    }));
    return {throttleTimeMs: 0, topics};
  },
};
