// LeaveGroup 0-5: v0-2 carry one member id, v3+ a batch with per-member errors (v5: a reason, logged by Kafka, unused here).
import {LeaveGroup} from '../../protocol/messages/13-leave-group.js';
import {Operation} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';

export const leaveGroupHandler: Handler = {
  api: LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, {broker, header, session}) {
    const gate = await coordinatorError(broker, request.groupId, session, Operation.READ);
    if (gate !== 0) return {throttleTimeMs: 0, errorCode: gate, members: []};
    const members = header.apiVersion >= 3 ? request.members : [{memberId: request.memberId, groupInstanceId: null}];
    const result = broker.groups.leave({groupId: request.groupId, members});
    // Before v3 the single member's error is the top-level error.
    const errorCode = header.apiVersion >= 3 || result.errorCode !== 0 ? result.errorCode : (result.members[0]?.errorCode ?? 0);
    return {throttleTimeMs: 0, errorCode, members: result.members};
  },
};
