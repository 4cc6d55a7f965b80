// AlterConfigs: not incremental - it replaces the resource's whole set of overrides, so keys left out revert to their defaults.
import {type ApiSchema, array, field} from '../schema.js';

export const AlterConfigs: ApiSchema = {
  apiKey: 33,
  name: 'AlterConfigs',
  request: {
    versions: '0-2',
    flexibleVersions: '2+',
    fields: [
      array('resources', [
        field('resourceType', 'int8'),
        field('resourceName', 'string'),
        array('configs', [field('name', 'string'), field('value', 'string', '0+', {nullableVersions: '0+'})]),
      ]),
      field('validateOnly', 'bool'),
    ],
  },
  response: {
    versions: '0-2',
    flexibleVersions: '2+',
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
