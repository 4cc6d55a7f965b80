// WriteTxnMarkers: broker to broker, the transaction coordinator asks a partition leader to append COMMIT/ABORT markers.
import {type ApiSchema, array, field} from '../schema.js';

export const WriteTxnMarkers: ApiSchema = {
  apiKey: 27,
  name: 'WriteTxnMarkers',
  request: {
    versions: '0-1',
    flexibleVersions: '1+',
    fields: [
      array('markers', [
        field('producerId', 'int64'),
        field('producerEpoch', 'int16'),
        field('transactionResult', 'bool'),
        array('topics', [field('name', 'string'), array('partitionIndexes', 'int32')]),
        field('coordinatorEpoch', 'int32'),
      ]),
    ],
  },
  response: {
    versions: '0-1',
    flexibleVersions: '1+',
    fields: [
      array('markers', [
        field('producerId', 'int64'),
        array('topics', [field('name', 'string'), array('partitions', [field('partitionIndex', 'int32'), field('errorCode', 'int16')])]),
      ]),
    ],
  },
};
