// DeleteGroups: the spec's request field really is "GroupsNames"; only empty groups can go (else NON_EMPTY_GROUP).
import {type ApiSchema, array, field} from '../schema.js';

export const DeleteGroups: ApiSchema = {
  apiKey: 42,
  name: 'DeleteGroups',
  request: {
    versions: '0-2',
    flexibleVersions: '2+',
    fields: [array('groupsNames', 'string')],
  },
  response: {
    versions: '0-2',
    flexibleVersions: '2+',
    fields: [field('throttleTimeMs', 'int32'), array('results', [field('groupId', 'string'), field('errorCode', 'int16')])],
  },
};
