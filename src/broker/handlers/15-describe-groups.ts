// DescribeGroups 0-5.
import {DescribeGroups} from '../../protocol/messages/15-describe-groups.js';
import {Operation} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {coordinatorError} from './group-gate.js';

export const describeGroupsHandler: Handler = {
  api: DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, {broker, session}) {
    const gates = await Promise.all(request.groups.map((id: string) => coordinatorError(broker, id, session, Operation.DESCRIBE)));
    const groups = request.groups.map((id: string, i: number) => {
      if (gates[i] !== 0) return {errorCode: gates[i], groupId: id, groupState: '', protocolType: '', protocolData: '', members: []};
      const g = broker.groups.describeGroup(id);
      return {
        errorCode: g.errorCode,
        groupId: g.groupId,
        groupState: g.state,
        protocolType: g.protocolType,
        protocolData: g.protocol,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
      };
    });
    return {throttleTimeMs: 0, groups};
  },
};
