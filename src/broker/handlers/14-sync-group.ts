// SyncGroup 0-3: followers wait here until the leader sends the assignments.
import {SyncGroup} from '../../protocol/messages/14-sync-group.js';
import {Operation} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';

export const syncGroupHandler: Handler = {
  api: SyncGroup,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, {broker, signal, session}) {
    const gate = await coordinatorError(broker, request.groupId, session, Operation.READ);
    if (gate !== 0) return {throttleTimeMs: 0, errorCode: gate, assignment: Buffer.alloc(0)};
    const result = await broker.groups.sync({
      groupId: request.groupId,
      memberId: request.memberId,
      generationId: request.generationId,
      groupInstanceId: request.groupInstanceId,
      assignments: request.assignments,
      signal,
    });
    return {throttleTimeMs: 0, errorCode: result.errorCode, assignment: result.assignment};
  },
};
