// Heartbeat 0-4: REBALANCE_IN_PROGRESS is how members learn to rejoin.
import {Heartbeat} from '../../protocol/messages/12-heartbeat.js';
import {Operation} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';

export const heartbeatHandler: Handler = {
  api: Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, {broker, session}) {
    const gate = await coordinatorError(broker, request.groupId, session, Operation.READ);
    if (gate !== 0) return {throttleTimeMs: 0, errorCode: gate};
    const errorCode = broker.groups.heartbeat({
      groupId: request.groupId,
      memberId: request.memberId,
      generationId: request.generationId,
      groupInstanceId: request.groupInstanceId,
    });
    return {throttleTimeMs: 0, errorCode};
  },
};
