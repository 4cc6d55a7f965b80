// AddPartitionsToTxn 0-3: a producer names the partitions it is about to write in its transaction
// (v4+, the brokers' batched verification of KIP-890, is not served).
import {type ApiSchema, array, field} from '../schema.js';

export const AddPartitionsToTxn: ApiSchema = {
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  request: {
    versions: '0-3',
    flexibleVersions: '3+',
    fields: [
      field('v3AndBelowTransactionalId', 'string', '0-3'),
      field('v3AndBelowProducerId', 'int64', '0-3'),
      field('v3AndBelowProducerEpoch', 'int16', '0-3'),
      array('v3AndBelowTopics', [field('name', 'string'), array('partitions', 'int32')], '0-3'),
    ],
  },
  response: {
    versions: '0-3',
    flexibleVersions: '3+',
    fields: [
      field('throttleTimeMs', 'int32'),
      array('resultsByTopicV3AndBelow', [field('name', 'string'), array('resultsByPartition', [field('partitionIndex', 'int32'), field('partitionErrorCode', 'int16')])], '0-3'),
    ],
  },
};
