// DescribeProducers (KIP-664): the active producers of partitions this broker leads, with their open transaction's first offset.
import {type ApiSchema, array, field} from '../schema.js';

export const DescribeProducers: ApiSchema = {
  apiKey: 61,
  name: 'DescribeProducers',
  request: {versions: '0', flexibleVersions: '0+', fields: [array('topics', [field('name', 'string'), array('partitionIndexes', 'int32')])]},
  response: {
    versions: '0',
    flexibleVersions: '0+',
    fields: [
      field('throttleTimeMs', 'int32'),
      array('topics', [
        field('name', 'string'),
        array('partitions', [
          field('partitionIndex', 'int32'),
          field('errorCode', 'int16'),
          field('errorMessage', 'string', '0+', {nullableVersions: '0+', default: null}),
          array('activeProducers', [
            field('producerId', 'int64'),
            field('producerEpoch', 'int32'),
            field('lastSequence', 'int32', '0+', {default: -1}),
            field('lastTimestamp', 'int64', '0+', {default: -1}),
            field('coordinatorEpoch', 'int32'),
            field('currentTxnStartOffset', 'int64', '0+', {default: -1}),
          ]),
        ]),
      ]),
    ],
  },
};
