// EndTxn: commit (committed=true) or abort the producer's ongoing transaction.
import {type ApiSchema, field} from '../schema.js';

export const EndTxn: ApiSchema = {
  apiKey: 26,
  name: 'EndTxn',
  request: {
    versions: '0-3',
    flexibleVersions: '3+',
    fields: [field('transactionalId', 'string'), field('producerId', 'int64'), field('producerEpoch', 'int16'), field('committed', 'bool')],
  },
  response: {versions: '0-3', flexibleVersions: '3+', fields: [field('throttleTimeMs', 'int32'), field('errorCode', 'int16')]},
};
