// ListGroups 0-5: v4 filters by state (case-insensitive, as Kafka) and answers it, v5 by type:
// every group here is a "classic" one.
import {ErrorCode} from '../../protocol/errors.js';
import {ListGroups} from '../../protocol/messages/16-list-groups.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const listGroupsHandler: Handler = {
  api: ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, {broker, session}) {
    const states = new Set<string>((request.statesFilter ?? []).map((s: string) => s.toLowerCase()));
    const types = new Set<string>((request.typesFilter ?? []).map((s: string) => s.toLowerCase()));
    // Describe on the cluster lists every group; otherwise only the groups one may describe.
    const all = broker.authorize(session, Operation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME);
    const groups = broker.groups
      .listGroups()
      .filter((g) => (states.size === 0 || states.has(g.state.toLowerCase())) && (types.size === 0 || types.has('classic')))
      .filter((g) => all || broker.authorize(session, Operation.DESCRIBE, ResourceType.GROUP, g.groupId))
      .map((g) => ({groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: 'classic'}));
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups};
  },
};
