// JoinGroup: from v4 an empty member_id gets MEMBER_ID_REQUIRED and a fresh id (KIP-394); v0 has no rebalance timeout.
import {type ApiSchema, array, field} from '../schema.js';

export const JoinGroup: ApiSchema = {
  apiKey: 11,
  name: 'JoinGroup',
  request: {
    versions: '0-9',
    flexibleVersions: '6+',
    fields: [
      field('groupId', 'string'),
      field('sessionTimeoutMs', 'int32'),
      field('rebalanceTimeoutMs', 'int32', '1+', {default: -1}),
      field('memberId', 'string'),
      field('groupInstanceId', 'string', '5+', {nullableVersions: '5+', default: null}),
      field('protocolType', 'string'),
      array('protocols', [field('name', 'string'), field('metadata', 'bytes')]),
      field('reason', 'string', '8+', {nullableVersions: '8+', default: null}),
    ],
  },
  response: {
    versions: '0-9',
    flexibleVersions: '6+',
    fields: [
      field('throttleTimeMs', 'int32', '2+'),
      field('errorCode', 'int16'),
      field('generationId', 'int32', '0+', {default: -1}),
      field('protocolType', 'string', '7+', {nullableVersions: '7+', default: null}),
      field('protocolName', 'string', '0+', {nullableVersions: '7+'}),
      field('leader', 'string'),
      field('skipAssignment', 'bool', '9+', {default: false}),
      field('memberId', 'string'),
      array('members', [
        field('memberId', 'string'),
        field('groupInstanceId', 'string', '5+', {nullableVersions: '5+', default: null}),
        field('metadata', 'bytes'),
      ]),
    ],
  },
};
