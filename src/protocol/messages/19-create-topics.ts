// CreateTopics: the spec itself spells timeoutMs/validateOnly in camelCase; partitions/replication -1 (= broker default) only from v4.
import {type ApiSchema, array, field} from '../schema.js';

export const CreateTopics: ApiSchema = {
  apiKey: 19,
  name: 'CreateTopics',
  request: {
    versions: '0-7',
    flexibleVersions: '5+',
    fields: [
      array('topics', [
        field('name', 'string'),
        field('numPartitions', 'int32'),
        field('replicationFactor', 'int16'),
        array('assignments', [field('partitionIndex', 'int32'), array('brokerIds', 'int32')]),
        array('configs', [field('name', 'string'), field('value', 'string', '0+', {nullableVersions: '0+'})]),
      ]),
      field('timeoutMs', 'int32', '0+', {default: 60000}),
      field('validateOnly', 'bool', '1+'),
    ],
  },
  response: {
    versions: '0-7',
    flexibleVersions: '5+',
    fields: [
      field('throttleTimeMs', 'int32', '2+'),
      array('topics', [
        field('name', 'string'),
        field('topicId', 'uuid', '7+'),
        field('errorCode', 'int16'),
        field('errorMessage', 'string', '1+', {nullableVersions: '0+'}),
        field('topicConfigErrorCode', 'int16', '5+', {tag: 0, taggedVersions: '5+'}),
        field('numPartitions', 'int32', '5+', {default: -1}),
        field('replicationFactor', 'int16', '5+', {default: -1}),
        array('configs', [field('name', 'string', '5+'), field('value', 'string', '5+', {nullableVersions: '5+'}), field('readOnly', 'bool', '5+'), field('configSource', 'int8', '5+', {default: -1}), field('isSensitive', 'bool', '5+')], '5+', {nullableVersions: '5+'}),
      ]),
    ],
  },
};
