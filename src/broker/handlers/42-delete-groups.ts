// DeleteGroups 0-2: NON_EMPTY_GROUP while members are alive.
import {ErrorCode} from '../../protocol/errors.js';
import {DeleteGroups} from '../../protocol/messages/42-delete-groups.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const deleteGroupsHandler: Handler = {
  api: DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  handle(request, {broker, session}) {
    const names = request.groupsNames as string[];
    const allowed = names.filter((g) => broker.authorize(session, Operation.DELETE, ResourceType.GROUP, g));
    const deleted = new Map(broker.groups.deleteGroups(allowed).map((r) => [r.groupId, r]));
    return {throttleTimeMs: 0, results: names.map((groupId) => deleted.get(groupId) ?? {groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED})};
  },
};
