// OffsetForLeaderEpoch (KIP-101/279): where a leader epoch ends on the leader, so a follower (or a KIP-320 client) truncates exactly the divergent suffix.
import {type ApiSchema, array, field} from '../schema.js';

export const OffsetForLeaderEpoch: ApiSchema = {
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  request: {
    versions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('replicaId', 'int32', '3+', {default: -2}),
      array('topics', [
        field('topic', 'string'),
        array('partitions', [field('partition', 'int32'), field('currentLeaderEpoch', 'int32', '2+', {default: -1}), field('leaderEpoch', 'int32')]),
      ]),
    ],
  },
  response: {
    versions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('throttleTimeMs', 'int32', '2+'),
      array('topics', [
        field('topic', 'string'),
        array('partitions', [field('errorCode', 'int16'), field('partition', 'int32'), field('leaderEpoch', 'int32', '1+', {default: -1}), field('endOffset', 'int64', '0+', {default: -1})]),
      ]),
    ],
  },
};
