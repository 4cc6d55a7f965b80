// Transactional requests pass two gates: the principal may Write the transactional id (else
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED), and only its coordinator answers (NOT_COORDINATOR sends
// clients back to FindCoordinator): the leader of its __transaction_state partition, loaded.
import {ErrorCode} from '../../protocol/errors.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Session} from '../../security/session.js';
import type {Broker} from '../broker.js';

export async function transactionCoordinatorError(broker: Broker, transactionalId: string, session: Session): Promise<number> {
  if (!broker.authorize(session, Operation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId)) return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  return broker.transactions.prepare(transactionalId);
}

/** PRODUCER_FENCED exists for clients from these versions on (KIP-588); older ones know it as INVALID_PRODUCER_EPOCH. */
export function fencedAs(errorCode: number, version: number, since: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && version < since ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}
