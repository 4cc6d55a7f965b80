// OffsetForLeaderEpoch 0-4: the leader answers where an epoch ends in its log (KIP-101/279).
// Followers (replica_id >= 0) need ClusterAction; clients validating their position (KIP-320) Describe.
import {ErrorCode} from '../../protocol/errors.js';
import {OffsetForLeaderEpoch} from '../../protocol/messages/23-offset-for-leader-epoch.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {leaderEpochError} from './leader-epoch.js';

export const offsetForLeaderEpochHandler: Handler = {
  api: OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  handle(request, {broker, session}) {
    const follower = (request.replicaId ?? -2) >= 0;
    const allowed = (topic: string) => (follower ? broker.authorize(session, Operation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME) : broker.authorize(session, Operation.DESCRIBE, ResourceType.TOPIC, topic));
    const answer = (topic: string, p: {partition: number; currentLeaderEpoch?: number; leaderEpoch: number}) => {
      const failed = (errorCode: number) => ({errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1});
      if (!allowed(topic)) return failed(follower ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      const log = broker.logs.partition(topic, p.partition);
      if (!log) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const notLeader = broker.cluster?.leaderError(topic, p.partition) ?? ErrorCode.NONE;
      if (notLeader !== ErrorCode.NONE) return failed(notLeader);
      const fenced = leaderEpochError(broker, topic, p.partition, p.currentLeaderEpoch ?? -1);
      if (fenced !== ErrorCode.NONE) return failed(fenced);
      // A single broker has led every partition in epoch 0 since it was created.
      const found = broker.cluster ? broker.cluster.endOffsetForEpoch(topic, p.partition, p.leaderEpoch) : p.leaderEpoch === 0 ? {epoch: 0, endOffset: log.logEndOffset} : {epoch: -1, endOffset: -1};
      return {errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: found.epoch, endOffset: found.endOffset};
    };
    return {throttleTimeMs: 0, topics: request.topics.map((t: any) => ({topic: t.topic, partitions: t.partitions.map((p: any) => answer(t.topic, p))}))};
  },
};
