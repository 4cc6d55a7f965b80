// DescribeAcls: ACLs matching one filter, grouped by resource pattern.
import {type ApiSchema, array, field} from '../schema.js';

export const DescribeAcls: ApiSchema = {
  apiKey: 29,
  name: 'DescribeAcls',
  request: {
    versions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field('resourceTypeFilter', 'int8'),
      field('resourceNameFilter', 'string', '0+', {nullableVersions: '0+'}),
      field('patternTypeFilter', 'int8', '1+', {default: 3}),
      field('principalFilter', 'string', '0+', {nullableVersions: '0+'}),
      field('hostFilter', 'string', '0+', {nullableVersions: '0+'}),
      field('operation', 'int8'),
      field('permissionType', 'int8'),
    ],
  },
  response: {
    versions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', 'int32'),
      field('errorCode', 'int16'),
      field('errorMessage', 'string', '0+', {nullableVersions: '0+'}),
      array('resources', [
        field('resourceType', 'int8'),
        field('resourceName', 'string'),
        field('patternType', 'int8', '1+', {default: 3}),
        array('acls', [field('principal', 'string'), field('host', 'string'), field('operation', 'int8'), field('permissionType', 'int8')]),
      ]),
    ],
  },
};
