// ListTransactions 0-1: the transactional ids this broker coordinates (a client asks every broker).
import {ErrorCode} from '../../protocol/errors.js';
import {ListTransactions} from '../../protocol/messages/66-list-transactions.js';
import {TxnStatus} from '../../protocol/transaction-log.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const listTransactionsHandler: Handler = {
  api: ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle(request, {broker, session}) {
    const states: string[] = request.stateFilters;
    const producers = new Set<number>(request.producerIdFilters);
    const minAge: number = request.durationFilter ?? -1;
    const now = Date.now();
    const transactionStates = broker.transactions.coordinator
      .all()
      .filter((t) => (states.length === 0 || states.includes(t.state)) && (producers.size === 0 || producers.has(t.producerId)))
      .filter((t) => minAge < 0 || (t.state === 'Ongoing' && now - t.startMs >= minAge))
      .filter((t) => broker.authorize(session, Operation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, t.transactionalId))
      .map((t) => ({transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state}));
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters: states.filter((s) => !(s in TxnStatus)), transactionStates};
  },
};
