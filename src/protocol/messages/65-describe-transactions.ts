// DescribeTransactions (KIP-664): the state of transactional ids, answered by their coordinator.
import {type ApiSchema, array, field} from '../schema.js';

export const DescribeTransactions: ApiSchema = {
  apiKey: 65,
  name: 'DescribeTransactions',
  request: {versions: '0', flexibleVersions: '0+', fields: [array('transactionalIds', 'string')]},
  response: {
    versions: '0',
    flexibleVersions: '0+',
    fields: [
      field('throttleTimeMs', 'int32'),
      array('transactionStates', [
        field('errorCode', 'int16'),
        field('transactionalId', 'string'),
        field('transactionState', 'string'),
        field('transactionTimeoutMs', 'int32'),
        field('transactionStartTimeMs', 'int64'),
        field('producerId', 'int64'),
        field('producerEpoch', 'int16'),
        array('topics', [field('topic', 'string'), array('partitions', 'int32')]),
      ]),
    ],
  },
};
