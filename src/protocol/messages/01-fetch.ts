// Fetch: records are raw RecordBatch bytes; preferred_read_replica must stay -1 (clients redirect to it); session_id 0 = sessionless.
// v12+ (flexible): last_fetched_epoch, and tagged hints we never send (diverging epoch, current leader, snapshot id, node endpoints).
// v13+ topic ids instead of names; v15 replica_state (KIP-903) replaces replica_id.
import {type ApiSchema, array, field} from '../schema.js';
import {leaderIdAndEpoch, nodeEndpoints} from './leader-hints.js';

export const Fetch: ApiSchema = {
  apiKey: 1,
  name: 'Fetch',
  request: {
    versions: '0-16',
    flexibleVersions: '12+',
    fields: [
      field('clusterId', 'string', '12+', {nullableVersions: '12+', tag: 0, taggedVersions: '12+', default: null}),
      field('replicaId', 'int32', '0-14', {default: -1}),
      {name: 'replicaState', type: [field('replicaId', 'int32', '15+', {default: -1}), field('replicaEpoch', 'int64', '15+', {default: -1})], versions: '15+', tag: 1, taggedVersions: '15+'},
      field('maxWaitMs', 'int32'),
      field('minBytes', 'int32'),
      field('maxBytes', 'int32', '3+', {default: 0x7fffffff}),
      field('isolationLevel', 'int8', '4+'),
      field('sessionId', 'int32', '7+'),
      field('sessionEpoch', 'int32', '7+', {default: -1}),
      array('topics', [
        field('topic', 'string', '0-12'),
        field('topicId', 'uuid', '13+'),
        array('partitions', [
          field('partition', 'int32'),
          field('currentLeaderEpoch', 'int32', '9+', {default: -1}),
          field('fetchOffset', 'int64'),
          field('lastFetchedEpoch', 'int32', '12+', {default: -1}),
          field('logStartOffset', 'int64', '5+', {default: -1}),
          field('partitionMaxBytes', 'int32'),
        ]),
      ]),
      array('forgottenTopicsData', [field('topic', 'string', '7-12'), field('topicId', 'uuid', '13+'), array('partitions', 'int32', '7+')], '7+'),
      field('rackId', 'string', '11+'),
    ],
  },
  response: {
    versions: '0-16',
    flexibleVersions: '12+',
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16', '7+'),
      field('sessionId', 'int32', '7+'),
      array('responses', [
        field('topic', 'string', '0-12'),
        field('topicId', 'uuid', '13+'),
        array('partitions', [
          field('partitionIndex', 'int32'),
          field('errorCode', 'int16'),
          // Not a spec default: Kafka answers -1 (INVALID_HIGH_WATERMARK) on an error.
          field('highWatermark', 'int64', '0+', {default: -1}),
          field('lastStableOffset', 'int64', '4+', {default: -1}),
          field('logStartOffset', 'int64', '5+', {default: -1}),
          {name: 'divergingEpoch', type: [field('epoch', 'int32', '12+', {default: -1}), field('endOffset', 'int64', '12+', {default: -1})], versions: '12+', tag: 0, taggedVersions: '12+'},
          leaderIdAndEpoch('currentLeader', '12+', 1),
          {name: 'snapshotId', type: [field('endOffset', 'int64', '0+', {default: -1}), field('epoch', 'int32', '0+', {default: -1})], versions: '12+', tag: 2, taggedVersions: '12+'},
          array('abortedTransactions', [field('producerId', 'int64', '4+'), field('firstOffset', 'int64', '4+')], '4+', {nullableVersions: '4+'}),
          field('preferredReadReplica', 'int32', '11+', {default: -1}),
          field('records', 'records', '0+', {nullableVersions: '0+'}),
        ]),
      ]),
      nodeEndpoints('16+', 0),
    ],
  },
};
