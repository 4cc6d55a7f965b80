// TxnOffsetCommit: offsets a transactional producer commits for a group; visible only once the transaction commits.
import {type ApiSchema, array, field} from '../schema.js';

export const TxnOffsetCommit: ApiSchema = {
  apiKey: 28,
  name: 'TxnOffsetCommit',
  request: {
    versions: '0-3',
    flexibleVersions: '3+',
    fields: [
      field('transactionalId', 'string'),
      field('groupId', 'string'),
      field('producerId', 'int64'),
      field('producerEpoch', 'int16'),
      field('generationId', 'int32', '3+', {default: -1}),
      field('memberId', 'string', '3+', {default: ''}),
      field('groupInstanceId', 'string', '3+', {nullableVersions: '3+', default: null}),
      array('topics', [
        field('name', 'string'),
        array('partitions', [
          field('partitionIndex', 'int32'),
          field('committedOffset', 'int64'),
          field('committedLeaderEpoch', 'int32', '2+', {default: -1}),
          field('committedMetadata', 'string', '0+', {nullableVersions: '0+'}),
        ]),
      ]),
    ],
  },
  response: {
    versions: '0-3',
    flexibleVersions: '3+',
    fields: [field('throttleTimeMs', 'int32'), array('topics', [field('name', 'string'), array('partitions', [field('partitionIndex', 'int32'), field('errorCode', 'int16')])])],
  },
};
