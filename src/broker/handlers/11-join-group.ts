// JoinGroup 0-9: a long poll held until the rebalance completes. v4+ gets MEMBER_ID_REQUIRED
// for a first join (KIP-394); v0 has no rebalance timeout (the session timeout stands in).
import {JoinGroup} from '../../protocol/messages/11-join-group.js';
import {Operation} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';

export const joinGroupHandler: Handler = {
  api: JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, {broker, header, clientAddress, signal, session}) {
    const gate = await coordinatorError(broker, request.groupId, session, Operation.READ);
    if (gate !== 0) return {throttleTimeMs: 0, errorCode: gate, generationId: -1, protocolType: null, protocolName: header.apiVersion >= 7 ? null : '', leader: '', memberId: request.memberId, members: []};
    const result = await broker.groups.join({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: header.clientId ?? '',
      clientHost: `/${clientAddress.split(':')[0]}`,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: header.apiVersion >= 1 ? request.rebalanceTimeoutMs : -1,
      protocolType: request.protocolType,
      protocols: request.protocols,
      requireKnownMemberId: header.apiVersion >= 4,
      signal,
    });
    // v7+ answers null rather than "" for a protocol not chosen yet (an error answer).
    return {throttleTimeMs: 0, ...result, protocolName: header.apiVersion >= 7 && result.errorCode !== 0 && !result.protocolName ? null : result.protocolName};
  },
};
