// DescribeConfigs: v0 has is_default, v1+ config_source (+ synonyms) instead; resource_type 2 = topic, 4 = broker; null configuration_keys = all keys.
import {type ApiSchema, array, field} from '../schema.js';

export const DescribeConfigs: ApiSchema = {
  apiKey: 32,
  name: 'DescribeConfigs',
  request: {
    versions: '0-4',
    flexibleVersions: '4+',
    fields: [
      array('resources', [field('resourceType', 'int8'), field('resourceName', 'string'), array('configurationKeys', 'string', '0+', {nullableVersions: '0+'})]),
      field('includeSynonyms', 'bool', '1+'),
      field('includeDocumentation', 'bool', '3+'),
    ],
  },
  response: {
    versions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('throttleTimeMs', 'int32'),
      array('results', [
        field('errorCode', 'int16'),
        field('errorMessage', 'string', '0+', {nullableVersions: '0+'}),
        field('resourceType', 'int8'),
        field('resourceName', 'string'),
        array('configs', [
          field('name', 'string'),
          field('value', 'string', '0+', {nullableVersions: '0+'}),
          field('readOnly', 'bool'),
          field('isDefault', 'bool', '0'),
          field('configSource', 'int8', '1+', {default: -1}),
          field('isSensitive', 'bool'),
          array('synonyms', [field('name', 'string', '1+'), field('value', 'string', '1+', {nullableVersions: '0+'}), field('source', 'int8', '1+')], '1+'),
          field('configType', 'int8', '3+', {default: 0}),
          field('documentation', 'string', '3+', {nullableVersions: '0+'}),
        ]),
      ]),
    ],
  },
};
