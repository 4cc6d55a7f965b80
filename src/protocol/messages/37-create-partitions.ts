// CreatePartitions: count is the new TOTAL partition count, not how many to add; null assignments = the broker places replicas.
import {type ApiSchema, array, field} from '../schema.js';

export const CreatePartitions: ApiSchema = {
  apiKey: 37,
  name: 'CreatePartitions',
  request: {
    versions: '0-3',
    flexibleVersions: '2+',
    fields: [
      array('topics', [
        field('name', 'string'),
        field('count', 'int32'),
        array('assignments', [array('brokerIds', 'int32')], '0+', {nullableVersions: '0+'}),
      ]),
      field('timeoutMs', 'int32'),
      field('validateOnly', 'bool'),
    ],
  },
  response: {
    versions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', 'int32'),
      array('results', [field('name', 'string'), field('errorCode', 'int16'), field('errorMessage', 'string', '0+', {nullableVersions: '0+', default: null})]),
    ],
  },
};
