// DeleteAcls: each filter answers with the ACLs it removed.
import {type ApiSchema, array, field} from '../schema.js';

export const DeleteAcls: ApiSchema = {
  apiKey: 31,
  name: 'DeleteAcls',
  request: {
    versions: '0-3',
    flexibleVersions: '2+',
    fields: [
      array('filters', [
        field('resourceTypeFilter', 'int8'),
        field('resourceNameFilter', 'string', '0+', {nullableVersions: '0+'}),
        field('patternTypeFilter', 'int8', '1+', {default: 3}),
        field('principalFilter', 'string', '0+', {nullableVersions: '0+'}),
        field('hostFilter', 'string', '0+', {nullableVersions: '0+'}),
        field('operation', 'int8'),
        field('permissionType', 'int8'),
      ]),
    ],
  },
  response: {
    versions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', 'int32'),
      array('filterResults', [
        field('errorCode', 'int16'),
        field('errorMessage', 'string', '0+', {nullableVersions: '0+'}),
        array('matchingAcls', [
          field('errorCode', 'int16'),
          field('errorMessage', 'string', '0+', {nullableVersions: '0+'}),
          field('resourceType', 'int8'),
          field('resourceName', 'string'),
          field('patternType', 'int8', '1+', {default: 3}),
          field('principal', 'string'),
          field('host', 'string'),
          field('operation', 'int8'),
          field('permissionType', 'int8'),
        ]),
      ]),
    ],
  },
};
