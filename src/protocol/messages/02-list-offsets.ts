// ListOffsets: timestamp -1 = latest, -2 = earliest, -3 (v7+) = the largest timestamp, -4/-5 (v8+) = earliest local / latest tiered, else first offset with timestamp >= T (-1/-1 if none);
// v0 (Sarama's default, e.g. Burrow) asks for up to max_num_offsets offsets and gets old_style_offsets.
import {type ApiSchema, array, field} from '../schema.js';

export const ListOffsets: ApiSchema = {
  apiKey: 2,
  name: 'ListOffsets',
  request: {
    versions: '0-8',
    flexibleVersions: '6+',
    fields: [
      field('replicaId', 'int32'),
      field('isolationLevel', 'int8', '2+'),
      array('topics', [field('name', 'string'), array('partitions', [field('partitionIndex', 'int32'), field('currentLeaderEpoch', 'int32', '4+', {default: -1}), field('timestamp', 'int64'), field('maxNumOffsets', 'int32', '0', {default: 1})])]),
    ],
  },
  response: {
    versions: '0-8',
    flexibleVersions: '6+',
    fields: [
      field('throttleTimeMs', 'int32', '2+'),
      array('topics', [
        field('name', 'string'),
        array('partitions', [
          field('partitionIndex', 'int32'),
          field('errorCode', 'int16'),
          array('oldStyleOffsets', 'int64', '0'),
          field('timestamp', 'int64', '1+', {default: -1}),
          field('offset', 'int64', '1+', {default: -1}),
          field('leaderEpoch', 'int32', '4+', {default: -1}),
        ]),
      ]),
    ],
  },
};
