import {type ApiSchema, array, field} from '../schema.js';

/** SaslHandshake: v1 means the SASL tokens then travel in SaslAuthenticate requests (KIP-152). */
export const SaslHandshake: ApiSchema = {
  apiKey: 17,
  name: 'SaslHandshake',
  request: {
    versions: '0-1',
    flexibleVersions: 'none',
    fields: [field('mechanism', 'string')],
  },
  response: {
    versions: '0-1',
    flexibleVersions: 'none',
    fields: [field('errorCode', 'int16'), array('mechanisms', 'string')],
  },
};
