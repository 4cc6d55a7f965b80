// AlterUserScramCredentials (KIP-554): the client salts the password; the broker never sees it.
import {type ApiSchema, array, field} from '../schema.js';

export const AlterUserScramCredentials: ApiSchema = {
  apiKey: 51,
  name: 'AlterUserScramCredentials',
  request: {
    versions: '0',
    flexibleVersions: '0+',
    fields: [
      array('deletions', [field('name', 'string'), field('mechanism', 'int8')]),
      array('upsertions', [field('name', 'string'), field('mechanism', 'int8'), field('iterations', 'int32'), field('salt', 'bytes'), field('saltedPassword', 'bytes')]),
    ],
  },
  response: {
    versions: '0',
    flexibleVersions: '0+',
    fields: [field('throttleTimeMs', 'int32'), array('results', [field('user', 'string'), field('errorCode', 'int16'), field('errorMessage', 'string', '0+', {nullableVersions: '0+'})])],
  },
};
