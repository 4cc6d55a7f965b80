// OffsetFetch: top-level error_code (v2+) comes AFTER topics; null topics (v2+) = all the group's offsets; offset -1 = none committed.
import {type ApiSchema, array, field} from '../schema.js';

export const OffsetFetch: ApiSchema = {
  apiKey: 9,
  name: 'OffsetFetch',
  request: {
    versions: '0-5',
    flexibleVersions: '6+',
    fields: [
      field('groupId', 'string', '0-7'),
      array('topics', [field('name', 'string', '0-7'), array('partitionIndexes', 'int32', '0-7')], '0-7', {nullableVersions: '2-7'}),
    ],
  },
  response: {
    versions: '0-5',
    flexibleVersions: '6+',
    fields: [
      field('throttleTimeMs', 'int32', '3+'),
      array(
        'topics',
        [
          field('name', 'string', '0-7'),
          array(
            'partitions',
            [
              field('partitionIndex', 'int32', '0-7'),
              // Not a spec default: -1 is Kafka's "no committed offset".
              field('committedOffset', 'int64', '0-7', {default: -1}),
              field('committedLeaderEpoch', 'int32', '5-7', {default: -1}),
              field('metadata', 'string', '0-7', {nullableVersions: '0-7'}),
              field('errorCode', 'int16', '0-7'),
            ],
            '0-7',
          ),
        ],
        '0-7',
      ),
      field('errorCode', 'int16', '2-7'),
    ],
  },
};
