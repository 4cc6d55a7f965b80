// ListTransactions (KIP-664): the transactional ids this broker coordinates, filtered by state, producer id and (v1) age.
import {type ApiSchema, array, field} from '../schema.js';

export const ListTransactions: ApiSchema = {
  apiKey: 66,
  name: 'ListTransactions',
  request: {
    versions: '0-1',
    flexibleVersions: '0+',
    fields: [array('stateFilters', 'string'), array('producerIdFilters', 'int64'), field('durationFilter', 'int64', '1+', {default: -1})],
  },
  response: {
    versions: '0-1',
    flexibleVersions: '0+',
    fields: [
      field('throttleTimeMs', 'int32'),
      field('errorCode', 'int16'),
      array('unknownStateFilters', 'string'),
      array('transactionStates', [field('transactionalId', 'string'), field('producerId', 'int64'), field('transactionState', 'string')]),
    ],
  },
};
