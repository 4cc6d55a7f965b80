// DescribeGroups: group_state is the state's name (Stable, Empty, ...), protocol_data the chosen assignor; member bytes only when Stable.
import {type ApiSchema, array, field} from '../schema.js';

export const DescribeGroups: ApiSchema = {
  apiKey: 15,
  name: 'DescribeGroups',
  request: {
    versions: '0-5',
    flexibleVersions: '5+',
    fields: [array('groups', 'string'), field('includeAuthorizedOperations', 'bool', '3+')],
  },
  response: {
    versions: '0-5',
    flexibleVersions: '5+',
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      array('groups', [
        field('errorCode', 'int16'),
        field('groupId', 'string'),
        field('groupState', 'string'),
        field('protocolType', 'string'),
        field('protocolData', 'string'),
        array('members', [
          field('memberId', 'string'),
          field('groupInstanceId', 'string', '4+', {nullableVersions: '4+', default: null}),
          field('clientId', 'string'),
          field('clientHost', 'string'),
          field('memberMetadata', 'bytes'),
          field('memberAssignment', 'bytes'),
        ]),
        field('authorizedOperations', 'int32', '3+', {default: -2147483648}),
      ]),
    ],
  },
};
