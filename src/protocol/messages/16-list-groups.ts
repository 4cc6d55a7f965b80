// ListGroups: the request body is empty in v0-2 (states_filter arrives in v4).
import {type ApiSchema, array, field} from '../schema.js';

export const ListGroups: ApiSchema = {
  apiKey: 16,
  name: 'ListGroups',
  request: {
    versions: '0-5',
    flexibleVersions: '3+',
    fields: [array('statesFilter', 'string', '4+'), array('typesFilter', 'string', '5+')],
  },
  response: {
    versions: '0-5',
    flexibleVersions: '3+',
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16'),
      array('groups', [field('groupId', 'string'), field('protocolType', 'string'), field('groupState', 'string', '4+'), field('groupType', 'string', '5+')]),
    ],
  },
};
