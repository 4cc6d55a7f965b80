// ListGroups 0-2.
import {ErrorCode} from '../../protocol/errors.js';
import {ListGroups} from '../../protocol/messages/16-list-groups.js';
import type {Handler} from '../handler.js';

export const listGroupsHandler: Handler = {
  api: ListGroups,
  minVersion: 0,
  maxVersion: 2,
  handle(_request, {broker}) {
    const groups = broker.groups.listGroups().map((g) => ({groupId: g.groupId, protocolType: g.protocolType}));
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups};
  },
};
