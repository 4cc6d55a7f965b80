// DeleteGroups 0-1: NON_EMPTY_GROUP while members are alive.
import {DeleteGroups} from '../../protocol/messages/42-delete-groups.js';
import type {Handler} from '../handler.js';

export const deleteGroupsHandler: Handler = {
  api: DeleteGroups,
  minVersion: 0,
  maxVersion: 1,
  handle(request, {broker}) {
    return {throttleTimeMs: 0, results: broker.groups.deleteGroups(request.groupsNames)};
  },
};
