// DescribeProducers 0: the producers a partition's leader remembers (kafka-transactions.sh describe-producers).
import {ErrorCode} from '../../protocol/errors.js';
import {DescribeProducers} from '../../protocol/messages/61-describe-producers.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const describeProducersHandler: Handler = {
  api: DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle(request, {broker, session}) {
    const partition = (topic: string, index: number) => {
      const failed = (errorCode: number) => ({partitionIndex: index, errorCode, errorMessage: null, activeProducers: []});
      if (!broker.authorize(session, Operation.READ, ResourceType.TOPIC, topic)) return failed(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      const log = broker.logs.partition(topic, index);
      if (!log) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const notLeader = broker.cluster?.leaderError(topic, index) ?? ErrorCode.NONE;
      if (notLeader !== ErrorCode.NONE) return failed(notLeader);
      const table = broker.producerStates.forLog(log);
      const activeProducers = table.entries().map((p) => ({
        producerId: p.producerId,
        producerEpoch: p.epoch,
        lastSequence: p.batches[p.batches.length - 1]?.lastSeq ?? -1,
        lastTimestamp: p.lastTimestamp,
        coordinatorEpoch: 0,
        currentTxnStartOffset: table.openTransactionStart(p.producerId),
      }));
      return {partitionIndex: index, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers};
    };
    return {throttleTimeMs: 0, topics: request.topics.map((t: any) => ({name: t.name, partitions: t.partitionIndexes.map((p: number) => partition(t.name, p))}))};
  },
};
