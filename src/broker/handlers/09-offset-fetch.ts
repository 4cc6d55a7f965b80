// OffsetFetch 0-5: -1 and no error for a partition never committed; topics null (v2+) = all.
import {OffsetFetch} from '../../protocol/messages/09-offset-fetch.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';
import {groupByTopic} from './08-offset-commit.js';

export const offsetFetchHandler: Handler = {
  api: OffsetFetch,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, {broker}) {
    const wanted = request.topics === null ? null : request.topics.flatMap((t: any) => t.partitionIndexes.map((partition: number) => ({topic: t.name, partition})));
    const gate = await coordinatorError(broker, request.groupId);
    if (gate !== 0) {
      const topics = groupByTopic<{topic: string; partition: number}, unknown>(wanted ?? [], (o) => ({partitionIndex: o.partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: gate}));
      return {throttleTimeMs: 0, topics, errorCode: gate};
    }
    const result = broker.groups.fetchOffsets(request.groupId, wanted);
    const topics = groupByTopic(result.offsets, (o) => ({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      errorCode: o.errorCode,
    }));
    return {throttleTimeMs: 0, topics, errorCode: result.errorCode};
  },
};
