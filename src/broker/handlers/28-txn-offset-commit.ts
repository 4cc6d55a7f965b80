// TxnOffsetCommit 0-3: sent to the group's coordinator; the offsets count once the transaction commits.
import {ErrorCode} from '../../protocol/errors.js';
import {TxnOffsetCommit} from '../../protocol/messages/28-txn-offset-commit.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';
import {groupByTopic} from './08-offset-commit.js';

export const txnOffsetCommitHandler: Handler = {
  api: TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, {broker, session}) {
    const all = request.topics.flatMap((t: any) => t.partitions.map((p: any) => ({topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata})));
    const answer = (errors: Array<{topic: string; partition: number; errorCode: number}>) => ({throttleTimeMs: 0, topics: groupByTopic(errors, (e) => ({partitionIndex: e.partition, errorCode: e.errorCode}))});
    const everywhere = (errorCode: number) => answer(all.map((o: any) => ({...o, errorCode})));
    if (!broker.authorize(session, Operation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId)) return everywhere(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const gate = await coordinatorError(broker, request.groupId, session, Operation.READ);
    if (gate !== ErrorCode.NONE) return everywhere(gate);
    if (all.some((o: any) => !broker.authorize(session, Operation.READ, ResourceType.TOPIC, o.topic))) return everywhere(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    let errors = broker.groups.commitTransactionalOffsets({
      groupId: request.groupId,
      memberId: request.memberId ?? '',
      generationId: request.generationId ?? -1,
      groupInstanceId: request.groupInstanceId,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
      offsets: all,
    });
    if (broker.cluster && errors.some((e) => e.errorCode === ErrorCode.NONE)) {
      try {
        await broker.cluster.offsetsCommitted(request.groupId);
      } catch (err) {
        broker.log(`transactional offsets of group ${request.groupId}: ${String(err)}`);
        errors = errors.map((e) => ({...e, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE}));
      }
    }
    return answer(errors);
  },
};
