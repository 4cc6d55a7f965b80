// OffsetFetch 0-8: -1 and no error for a partition never committed; topics null (v2+) = all;
// v8 asks for several groups; require_stable (v7+): a partition with offsets of an open
// transaction answers UNSTABLE_OFFSET_COMMIT (retriable) until the transaction ends.
import {ErrorCode} from '../../protocol/errors.js';
import {OffsetFetch} from '../../protocol/messages/09-offset-fetch.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Session} from '../../security/session.js';
import type {Broker} from '../broker.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';
import {groupByTopic} from './08-offset-commit.js';

type Wanted = Array<{topic: string; partition: number}> | null;

export const offsetFetchHandler: Handler = {
  api: OffsetFetch,
  minVersion: 0,
  maxVersion: 8,
  async handle(request, {broker, header, session}) {
    const wantedOf = (topics: Array<{name: string; partitionIndexes: number[]}> | null): Wanted => (topics === null ? null : topics.flatMap((t) => t.partitionIndexes.map((partition) => ({topic: t.name, partition}))));
    const requireStable = request.requireStable === true;
    if (header.apiVersion >= 8) {
      const groups = await Promise.all(request.groups.map(async (g: any) => ({groupId: g.groupId, ...(await fetchGroup(broker, session, g.groupId, wantedOf(g.topics), requireStable))})));
      return {throttleTimeMs: 0, groups};
    }
    return {throttleTimeMs: 0, ...(await fetchGroup(broker, session, request.groupId, wantedOf(request.topics), requireStable))};
  },
};

async function fetchGroup(broker: Broker, session: Session, groupId: string, wanted: Wanted, requireStable: boolean) {
  const gate = await coordinatorError(broker, groupId, session, Operation.DESCRIBE);
  if (gate !== 0) {
    const topics = groupByTopic<{topic: string; partition: number}, unknown>(wanted ?? [], (o) => ({partitionIndex: o.partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: gate}));
    return {topics, errorCode: gate};
  }
  // Topics the principal may not describe: refused when asked for, left out of "all".
  const describable = (o: {topic: string}) => broker.authorize(session, Operation.DESCRIBE, ResourceType.TOPIC, o.topic);
  const result = broker.groups.fetchOffsets(groupId, wanted);
  const offsets = result.offsets.filter(describable);
  if (wanted) for (const o of wanted.filter((w) => !describable(w))) offsets.push({...o, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED});
  const topics = groupByTopic(offsets, (o) => {
    const unstable = requireStable && o.errorCode === ErrorCode.NONE && broker.groups.hasPendingTxnOffset(groupId, o.topic, o.partition);
    return {
      partitionIndex: o.partition,
      committedOffset: unstable ? -1 : o.offset,
      committedLeaderEpoch: unstable ? -1 : o.leaderEpoch,
      metadata: unstable ? '' : o.metadata,
      errorCode: unstable ? ErrorCode.UNSTABLE_OFFSET_COMMIT : o.errorCode,
    };
  });
  return {topics, errorCode: result.errorCode};
}
