// DescribeGroups 0-4.
import {DescribeGroups} from '../../protocol/messages/15-describe-groups.js';
import type {Handler} from '../handler.js';

export const describeGroupsHandler: Handler = {
  api: DescribeGroups,
  minVersion: 0,
  maxVersion: 4,
  handle(request, {broker}) {
    const groups = request.groups.map((id: string) => {
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
