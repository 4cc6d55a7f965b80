// IncrementalAlterConfigs: per-key SET, DELETE, APPEND, SUBTRACT (what kafka-configs.sh --alter sends since Kafka 2.3).
import {type ApiSchema, array, field} from '../schema.js';

export const IncrementalAlterConfigs: ApiSchema = {
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  request: {
    versions: '0-1',
    flexibleVersions: '1+',
    fields: [
      array('resources', [
        field('resourceType', 'int8'),
        field('resourceName', 'string'),
        array('configs', [field('name', 'string'), field('configOperation', 'int8'), field('value', 'string', '0+', {nullableVersions: '0+'})]),
      ]),
      field('validateOnly', 'bool'),
    ],
  },
  response: {
    versions: '0-1',
    flexibleVersions: '1+',
    fields: [
      field('throttleTimeMs', 'int32'),
      array('responses', [
        field('errorCode', 'int16'),
        field('errorMessage', 'string', '0+', {nullableVersions: '0+'}),
        field('resourceType', 'int8'),
        field('resourceName', 'string'),
      ]),
    ],
  },
};
