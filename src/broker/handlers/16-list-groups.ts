// ListGroups 0-2.
import {ErrorCode} from '../../protocol/errors.js';
import {ListGroups} from '../../protocol/messages/16-list-groups.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const listGroupsHandler: Handler = {
  api: ListGroups,
  minVersion: 0,
  maxVersion: 2,
  handle(_request, {broker, session}) {
    // Describe on the cluster lists every group; otherwise only the groups one may describe.
    const all = broker.authorize(session, Operation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME);
    const groups = broker.groups
      .listGroups()
      .filter((g) => all || broker.authorize(session, Operation.DESCRIBE, ResourceType.GROUP, g.groupId))
      .map((g) => ({groupId: g.groupId, protocolType: g.protocolType}));
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups};
  },
};
