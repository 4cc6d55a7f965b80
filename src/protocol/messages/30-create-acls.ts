// CreateAcls: one result per creation, in request order.
import {type ApiSchema, array, field} from '../schema.js';

export const CreateAcls: ApiSchema = {
  apiKey: 30,
  name: 'CreateAcls',
  request: {
    versions: '0-3',
    flexibleVersions: '2+',
    fields: [
      array('creations', [
        field('resourceType', 'int8'),
        field('resourceName', 'string'),
        field('resourcePatternType', 'int8', '1+', {default: 3}),
        field('principal', 'string'),
        field('host', 'string'),
        field('operation', 'int8'),
        field('permissionType', 'int8'),
      ]),
    ],
  },
  response: {
    versions: '0-3',
    flexibleVersions: '2+',
    fields: [field('throttleTimeMs', 'int32'), array('results', [field('errorCode', 'int16'), field('errorMessage', 'string', '0+', {nullableVersions: '0+'})])],
  },
};
