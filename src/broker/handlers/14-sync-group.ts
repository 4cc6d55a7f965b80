// SyncGroup 0-5: followers wait here until the leader sends the assignments. v5 names the protocol
// both ways: a member that names another one than the group's gets INCONSISTENT_GROUP_PROTOCOL.
import {ErrorCode} from '../../protocol/errors.js';
import {SyncGroup} from '../../protocol/messages/14-sync-group.js';
import {Operation} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';

export const syncGroupHandler: Handler = {
  api: SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, {broker, signal, session}) {
    const gate = await coordinatorError(broker, request.groupId, session, Operation.READ);
    if (gate !== 0) return {throttleTimeMs: 0, errorCode: gate, protocolType: null, protocolName: null, assignment: Buffer.alloc(0)};
    const result = await broker.groups.sync({
      groupId: request.groupId,
      memberId: request.memberId,
      generationId: request.generationId,
      groupInstanceId: request.groupInstanceId,
      assignments: request.assignments,
      signal,
    });
    const differs = (asked: string | null | undefined, actual: string | null) => asked != null && actual !== null && asked !== actual;
    if (result.errorCode === 0 && (differs(request.protocolType, result.protocolType) || differs(request.protocolName, result.protocolName))) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, protocolType: null, protocolName: null, assignment: Buffer.alloc(0)};
    }
    return {throttleTimeMs: 0, errorCode: result.errorCode, protocolType: result.protocolType, protocolName: result.protocolName, assignment: result.assignment};
  },
};
