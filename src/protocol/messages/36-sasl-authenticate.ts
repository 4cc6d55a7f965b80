// SaslAuthenticate: one SASL token each way; v1 adds the session lifetime (KIP-368).
import {type ApiSchema, field} from '../schema.js';

export const SaslAuthenticate: ApiSchema = {
  apiKey: 36,
  name: 'SaslAuthenticate',
  request: {versions: '0-2', flexibleVersions: '2+', fields: [field('authBytes', 'bytes')]},
  response: {
    versions: '0-2',
    flexibleVersions: '2+',
    fields: [field('errorCode', 'int16'), field('errorMessage', 'string', '0+', {nullableVersions: '0+'}), field('authBytes', 'bytes'), field('sessionLifetimeMs', 'int64', '1+')],
  },
};
