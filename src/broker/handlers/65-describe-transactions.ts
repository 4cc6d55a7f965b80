// DescribeTransactions 0: answered by the coordinator of each transactional id (Describe on it).
import {ErrorCode} from '../../protocol/errors.js';
import {DescribeTransactions} from '../../protocol/messages/65-describe-transactions.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const describeTransactionsHandler: Handler = {
  api: DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, {broker, session}) {
    const transactionStates = await Promise.all(
      request.transactionalIds.map(async (id: string) => {
        const failed = (errorCode: number) => ({errorCode, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: []});
        if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id)) return failed(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        const gate = await broker.transactions.prepare(id);
        if (gate !== ErrorCode.NONE) return failed(gate);
        const t = broker.transactions.coordinator.get(id);
        if (!t) return failed(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
        const byTopic = new Map<string, number[]>();
        for (const p of t.partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
        return {
          errorCode: ErrorCode.NONE,
          transactionalId: id,
          transactionState: t.state,
          transactionTimeoutMs: t.timeoutMs,
          transactionStartTimeMs: t.startMs,
          producerId: t.producerId,
          producerEpoch: t.producerEpoch,
          topics: [...byTopic].map(([topic, partitions]) => ({topic, partitions})),
        };
      }),
    );
    return {throttleTimeMs: 0, transactionStates};
  },
};
