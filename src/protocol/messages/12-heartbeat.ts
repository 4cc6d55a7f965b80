// Heartbeat: the coordinator answers REBALANCE_IN_PROGRESS while a rebalance is pending; that is how members learn to rejoin.
import {type ApiSchema, field} from '../schema.js';

export const Heartbeat: ApiSchema = {
  apiKey: 12,
  name: 'Heartbeat',
  request: {
    versions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('groupId', 'string'),
      field('generationId', 'int32'),
      field('memberId', 'string'),
      field('groupInstanceId', 'string', '3+', {nullableVersions: '3+', default: null}),
    ],
  },
  response: {
    versions: '0-4',
    flexibleVersions: '4+',
    fields: [field('throttleTimeMs', 'int32', '1+'), field('errorCode', 'int16')],
  },
};
