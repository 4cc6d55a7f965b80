// OffsetFetch: top-level error_code (v2-7) comes AFTER topics; null topics (v2+) = all the group's offsets; offset -1 = none committed.
// v8+ asks for several groups at once; require_stable (v7+) refuses offsets a transaction has not committed yet.
import {type ApiSchema, array, field} from '../schema.js';

const partition = (versions: string) => [
  field('partitionIndex', 'int32', versions),
  // Not a spec default: -1 is Kafka's "no committed offset".
  field('committedOffset', 'int64', versions, {default: -1}),
  field('committedLeaderEpoch', 'int32', versions === '0-7' ? '5-7' : versions, {default: -1}),
  field('metadata', 'string', versions, {nullableVersions: versions}),
  field('errorCode', 'int16', versions),
];

export const OffsetFetch: ApiSchema = {
  apiKey: 9,
  name: 'OffsetFetch',
  request: {
    versions: '0-8',
    flexibleVersions: '6+',
    fields: [
      field('groupId', 'string', '0-7'),
      array('topics', [field('name', 'string', '0-7'), array('partitionIndexes', 'int32', '0-7')], '0-7', {nullableVersions: '2-7'}),
      array(
        'groups',
        [
          field('groupId', 'string', '8+'),
          field('memberId', 'string', '9+', {nullableVersions: '9+', default: null}),
          field('memberEpoch', 'int32', '9+', {default: -1}),
          array('topics', [field('name', 'string', '8+'), array('partitionIndexes', 'int32', '8+')], '8+', {nullableVersions: '8+'}),
        ],
        '8+',
      ),
      field('requireStable', 'bool', '7+', {default: false}),
    ],
  },
  response: {
    versions: '0-8',
    flexibleVersions: '6+',
    fields: [
      field('throttleTimeMs', 'int32', '3+'),
      array('topics', [field('name', 'string', '0-7'), array('partitions', partition('0-7'), '0-7')], '0-7'),
      field('errorCode', 'int16', '2-7', {default: 0}),
      array('groups', [field('groupId', 'string', '8+'), array('topics', [field('name', 'string', '8+'), array('partitions', partition('8+'), '8+')], '8+'), field('errorCode', 'int16', '8+', {default: 0})], '8+'),
    ],
  },
};
