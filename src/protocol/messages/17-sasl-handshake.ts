// SaslHandshake: the client names its mechanism. After v0 the SASL tokens travel raw (size +
// bytes, no Kafka header); after v1 they travel in SaslAuthenticate requests (KIP-152).
import {type ApiSchema, array, field} from '../schema.js';

export const SaslHandshake: ApiSchema = {
  apiKey: 17,
  name: 'SaslHandshake',
  request: {versions: '0-1', flexibleVersions: 'none', fields: [field('mechanism', 'string')]},
  response: {versions: '0-1', flexibleVersions: 'none', fields: [field('errorCode', 'int16'), array('mechanisms', 'string')]},
};
