// EndTxn: the coordinator decides, writes COMMIT/ABORT markers to every partition of the
// transaction and answers once they are written, so a read_committed consumer sees the outcome.
import {ErrorCode} from '../../protocol/errors.js';
import {EndTxn} from '../../protocol/messages/26-end-txn.js';
import {errorMessage} from '../../lib/errors.js';
import type {Handler} from '../handler.js';
import {fencedAs, transactionCoordinatorError} from './txn-gate.js';

export const endTxnHandler: Handler = {
  api: EndTxn,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, {broker, header, session}) {
    const answer = (errorCode: number) => ({throttleTimeMs: 0, errorCode});
    const gate = await transactionCoordinatorError(broker, request.transactionalId, session);
    if (gate !== ErrorCode.NONE) return answer(gate);
    try {
      const code = await broker.transactions.coordinator.endTransaction(request.transactionalId, request.producerId, request.producerEpoch, request.committed);
      return answer(fencedAs(code, header.apiVersion, 2));
    } catch (err) {
      // Decided but not completed: the decision is in __transaction_state; the next coordinator load finishes it.
      broker.log(`EndTxn for "${request.transactionalId}": ${errorMessage(err)}`);
      return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
  },
};
