// AddPartitionsToTxn 0-3: the partitions join the producer's transaction. Unknown or forbidden
// partitions fail the whole request (the others answer OPERATION_NOT_ATTEMPTED), as in Kafka.
import {ErrorCode} from '../../protocol/errors.js';
import {AddPartitionsToTxn} from '../../protocol/messages/24-add-partitions-to-txn.js';
import {Operation, ResourceType} from '../../security/acl.js';
import {errorMessage} from '../../lib/errors.js';
import type {Handler} from '../handler.js';
import {fencedAs, transactionCoordinatorError} from './txn-gate.js';

export const addPartitionsToTxnHandler: Handler = {
  api: AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, {broker, header, session}) {
    const wanted: Array<{topic: string; partition: number}> = request.v3AndBelowTopics.flatMap((t: any) => t.partitions.map((partition: number) => ({topic: t.name, partition})));
    const answer = (codeOf: (tp: {topic: string; partition: number}) => number) => ({
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: request.v3AndBelowTopics.map((t: any) => ({name: t.name, resultsByPartition: t.partitions.map((partition: number) => ({partitionIndex: partition, partitionErrorCode: codeOf({topic: t.name, partition})}))})),
    });
    const gate = await transactionCoordinatorError(broker, request.v3AndBelowTransactionalId, session);
    if (gate !== ErrorCode.NONE) return answer(() => gate);
    const problem = (tp: {topic: string; partition: number}) => {
      if (!broker.authorize(session, Operation.WRITE, ResourceType.TOPIC, tp.topic)) return ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      const topic = broker.logs.topic(tp.topic) ?? (broker.cluster?.partition(tp.topic, tp.partition) ? {partitions: tp.partition + 1} : undefined);
      return !topic || tp.partition < 0 || tp.partition >= topic.partitions ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE;
    };
    if (wanted.some((tp) => problem(tp) !== ErrorCode.NONE)) return answer((tp) => (problem(tp) === ErrorCode.NONE ? ErrorCode.OPERATION_NOT_ATTEMPTED : problem(tp)));
    try {
      const code = await broker.transactions.coordinator.addPartitions(request.v3AndBelowTransactionalId, request.v3AndBelowProducerId, request.v3AndBelowProducerEpoch, wanted);
      return answer(() => fencedAs(code, header.apiVersion, 2));
    } catch (err) {
      broker.log(`AddPartitionsToTxn for "${request.v3AndBelowTransactionalId}": ${errorMessage(err)}`);
      return answer(() => ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
  },
};
