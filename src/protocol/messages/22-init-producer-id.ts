// InitProducerId: null transactional_id = idempotent-only producer; v0 must stay served (librdkafka's idempotence feature gate).
// v3+ (KIP-360) carries the producer's current id and epoch so a producer can bump its own epoch.
import {type ApiSchema, field} from '../schema.js';

export const InitProducerId: ApiSchema = {
  apiKey: 22,
  name: 'InitProducerId',
  request: {
    versions: '0-4',
    flexibleVersions: '2+',
    fields: [
      field('transactionalId', 'string', '0+', {nullableVersions: '0+'}),
      field('transactionTimeoutMs', 'int32'),
      field('producerId', 'int64', '3+', {default: -1}),
      field('producerEpoch', 'int16', '3+', {default: -1}),
    ],
  },
  response: {
    versions: '0-4',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', 'int32'),
      field('errorCode', 'int16'),
      field('producerId', 'int64', '0+', {default: -1}),
      // Not a spec default: Kafka answers -1 (NO_PRODUCER_EPOCH) on an error.
      field('producerEpoch', 'int16', '0+', {default: -1}),
    ],
  },
};
