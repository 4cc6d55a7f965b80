// DescribeUserScramCredentials (KIP-554): users' mechanisms and iterations, never the keys.
import {type ApiSchema, array, field} from '../schema.js';

export const DescribeUserScramCredentials: ApiSchema = {
  apiKey: 50,
  name: 'DescribeUserScramCredentials',
  request: {versions: '0', flexibleVersions: '0+', fields: [array('users', [field('name', 'string')], '0+', {nullableVersions: '0+'})]},
  response: {
    versions: '0',
    flexibleVersions: '0+',
    fields: [
      field('throttleTimeMs', 'int32'),
      field('errorCode', 'int16'),
      field('errorMessage', 'string', '0+', {nullableVersions: '0+'}),
      array('results', [
        field('user', 'string'),
        field('errorCode', 'int16'),
        field('errorMessage', 'string', '0+', {nullableVersions: '0+'}),
        array('credentialInfos', [field('mechanism', 'int8'), field('iterations', 'int32')]),
      ]),
    ],
  },
};
