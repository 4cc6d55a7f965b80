// SyncGroup: only the leader sends assignments; every member (leader included) gets its own assignment bytes back, never truncated.
import {type ApiSchema, array, field} from '../schema.js';

export const SyncGroup: ApiSchema = {
  apiKey: 14,
  name: 'SyncGroup',
  request: {
    versions: '0-5',
    flexibleVersions: '4+',
    fields: [
      field('groupId', 'string'),
      field('generationId', 'int32'),
      field('memberId', 'string'),
      field('groupInstanceId', 'string', '3+', {nullableVersions: '3+', default: null}),
      field('protocolType', 'string', '5+', {nullableVersions: '5+', default: null}),
      field('protocolName', 'string', '5+', {nullableVersions: '5+', default: null}),
      array('assignments', [field('memberId', 'string'), field('assignment', 'bytes')]),
    ],
  },
  response: {
    versions: '0-5',
    flexibleVersions: '4+',
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16'),
      field('protocolType', 'string', '5+', {nullableVersions: '5+', default: null}),
      field('protocolName', 'string', '5+', {nullableVersions: '5+', default: null}),
      field('assignment', 'bytes'),
    ],
  },
};
