// OffsetFetch 0-5: -1 and no error for a partition never committed; topics null (v2+) = all.
import {ErrorCode} from '../../protocol/errors.js';
import {OffsetFetch} from '../../protocol/messages/09-offset-fetch.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';
import {groupByTopic} from './08-offset-commit.js';

export const offsetFetchHandler: Handler = {
  api: OffsetFetch,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, {broker, session}) {
    const wanted = request.topics === null ? null : request.topics.flatMap((t: any) => t.partitionIndexes.map((partition: number) => ({topic: t.name, partition})));
    const gate = await coordinatorError(broker, request.groupId, session, Operation.DESCRIBE);
    if (gate !== 0) {
      const topics = groupByTopic<{topic: string; partition: number}, unknown>(wanted ?? [], (o) => ({partitionIndex: o.partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: gate}));
      return {throttleTimeMs: 0, topics, errorCode: gate};
    }
    // Topics the principal may not describe: refused when asked for, left out of "all".
    const describable = (o: {topic: string}) => broker.authorize(session, Operation.DESCRIBE, ResourceType.TOPIC, o.topic);
    const result = broker.groups.fetchOffsets(request.groupId, wanted);
    const offsets = result.offsets.filter(describable);
    if (wanted) for (const o of wanted.filter((w: {topic: string}) => !describable(w))) offsets.push({...o, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED} as (typeof offsets)[number]);
    const topics = groupByTopic(offsets, (o) => ({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      errorCode: o.errorCode,
    }));
    return {throttleTimeMs: 0, topics, errorCode: result.errorCode};
  },
};
