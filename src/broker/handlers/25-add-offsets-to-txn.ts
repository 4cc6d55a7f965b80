// AddOffsetsToTxn: the group's __consumer_offsets partition joins the transaction, so the
// transaction's markers also reach the offsets committed with TxnOffsetCommit.
import {ErrorCode} from '../../protocol/errors.js';
import {OFFSETS_TOPIC} from '../../protocol/consumer-offsets.js';
import {AddOffsetsToTxn} from '../../protocol/messages/25-add-offsets-to-txn.js';
import {Operation, ResourceType} from '../../security/acl.js';
import {errorMessage} from '../../lib/errors.js';
import type {Handler} from '../handler.js';
import {ensureOffsetsTopic} from '../internal-topics.js';
import {fencedAs, transactionCoordinatorError} from './txn-gate.js';

export const addOffsetsToTxnHandler: Handler = {
  api: AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, {broker, header, session}) {
    const answer = (errorCode: number) => ({throttleTimeMs: 0, errorCode});
    const gate = await transactionCoordinatorError(broker, request.transactionalId, session);
    if (gate !== ErrorCode.NONE) return answer(gate);
    if (!broker.authorize(session, Operation.READ, ResourceType.GROUP, request.groupId)) return answer(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    try {
      await ensureOffsetsTopic(broker);
      const partition = broker.offsetsStore.partitionFor(request.groupId)!;
      const code = await broker.transactions.coordinator.addPartitions(request.transactionalId, request.producerId, request.producerEpoch, [{topic: OFFSETS_TOPIC, partition}]);
      return answer(fencedAs(code, header.apiVersion, 2));
    } catch (err) {
      broker.log(`AddOffsetsToTxn for "${request.transactionalId}": ${errorMessage(err)}`);
      return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
  },
};
