// OffsetCommit: generation -1 with member "" is a standalone consumer's commit (accept it on empty groups); retention_time_ms exists only in v2-4;
// v0 (no generation or member) is always standalone, v1's per-partition commit_timestamp is ignored as by Kafka 3.x.
import {type ApiSchema, array, field} from '../schema.js';

export const OffsetCommit: ApiSchema = {
  apiKey: 8,
  name: 'OffsetCommit',
  request: {
    versions: '0-9',
    flexibleVersions: '8+',
    fields: [
      field('groupId', 'string'),
      field('generationIdOrMemberEpoch', 'int32', '1+', {default: -1}),
      field('memberId', 'string', '1+'),
      field('groupInstanceId', 'string', '7+', {nullableVersions: '7+', default: null}),
      field('retentionTimeMs', 'int64', '2-4', {default: -1}),
      array('topics', [
        field('name', 'string'),
        array('partitions', [
          field('partitionIndex', 'int32'),
          field('committedOffset', 'int64'),
          field('committedLeaderEpoch', 'int32', '6+', {default: -1}),
          field('commitTimestamp', 'int64', '1', {default: -1}),
          field('committedMetadata', 'string', '0+', {nullableVersions: '0+'}),
        ]),
      ]),
    ],
  },
  response: {
    versions: '0-9',
    flexibleVersions: '8+',
    fields: [
      field('throttleTimeMs', 'int32', '3+'),
      array('topics', [field('name', 'string'), array('partitions', [field('partitionIndex', 'int32'), field('errorCode', 'int16')])]),
    ],
  },
};
