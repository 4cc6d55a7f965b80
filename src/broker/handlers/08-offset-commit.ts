// OffsetCommit 0-9: generation -1 with member "" is a standalone commit (kcat, assign(), admin tools, every v0 commit).
import {OffsetCommit} from '../../protocol/messages/08-offset-commit.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';
import {ErrorCode} from '../../protocol/errors.js';

export const offsetCommitHandler: Handler = {
  api: OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, {broker, session}) {
    const gate = await coordinatorError(broker, request.groupId, session, Operation.READ);
    const all = request.topics.flatMap((t: any) => t.partitions.map((p: any) => ({topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata})));
    if (gate !== 0) return {throttleTimeMs: 0, topics: groupByTopic(all, (o: any) => ({partitionIndex: o.partition, errorCode: gate}))};
    // Committing a topic's offsets needs Read on the topic too.
    const readable = (o: any) => broker.authorize(session, Operation.READ, ResourceType.TOPIC, o.topic);
    let errors = broker.groups.commitOffsets({
      groupId: request.groupId,
      memberId: request.memberId ?? '',
      generationId: request.generationIdOrMemberEpoch ?? -1,
      groupInstanceId: request.groupInstanceId,
      offsets: all.filter(readable),
    });
    // In a cluster a commit counts once the in-sync replicas of its __consumer_offsets partition have it.
    if (broker.cluster && errors.some((e) => e.errorCode === ErrorCode.NONE)) {
      try {
        await broker.cluster.offsetsCommitted(request.groupId);
      } catch (err) {
        broker.log(`committing offsets of group ${request.groupId}: ${String(err)}`);
        errors = errors.map((e) => (e.errorCode === ErrorCode.NONE ? {...e, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE} : e));
      }
    }
    errors = [...errors, ...all.filter((o: any) => !readable(o)).map((o: any) => ({topic: o.topic, partition: o.partition, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED}))];
    return {throttleTimeMs: 0, topics: groupByTopic(errors, (e) => ({partitionIndex: e.partition, errorCode: e.errorCode}))};
  },
};

/** Turns per-partition results into the protocol's topics[partitions[]] nesting, keeping order. */
export function groupByTopic<T extends {topic: string}, R>(items: T[], toPartition: (item: T) => R): Array<{name: string; partitions: R[]}> {
  const byTopic = new Map<string, R[]>();
  for (const item of items) {
    let list = byTopic.get(item.topic);
    if (!list) byTopic.set(item.topic, (list = []));
    list.push(toPartition(item));
  }
  return [...byTopic].map(([name, partitions]) => ({name, partitions}));
}
