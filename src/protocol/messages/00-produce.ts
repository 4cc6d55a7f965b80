// Produce: throttle_time_ms is the LAST response field; acks=0 gets no response at all; records is a raw RecordBatch v2
// (v0-2 carry message format v0/v1 instead, which the broker refuses: see its handler).
import {type ApiSchema, array, field} from '../schema.js';
import {leaderIdAndEpoch, nodeEndpoints} from './leader-hints.js';

export const Produce: ApiSchema = {
  apiKey: 0,
  name: 'Produce',
  request: {
    versions: '0-11',
    flexibleVersions: '9+',
    fields: [
      field('transactionalId', 'string', '3+', {nullableVersions: '3+', default: null}),
      field('acks', 'int16'),
      field('timeoutMs', 'int32'),
      array('topicData', [
        field('name', 'string'),
        array('partitionData', [field('index', 'int32'), field('records', 'records', '0+', {nullableVersions: '0+'})]),
      ]),
    ],
  },
  response: {
    versions: '0-11',
    flexibleVersions: '9+',
    fields: [
      array('responses', [
        field('name', 'string'),
        array('partitionResponses', [
          field('index', 'int32'),
          field('errorCode', 'int16'),
          // Not a spec default: -1 is what Kafka answers on an error (no offset assigned).
          field('baseOffset', 'int64', '0+', {default: -1}),
          field('logAppendTimeMs', 'int64', '2+', {default: -1}),
          field('logStartOffset', 'int64', '5+', {default: -1}),
          array('recordErrors', [field('batchIndex', 'int32', '8+'), field('batchIndexErrorMessage', 'string', '8+', {nullableVersions: '8+', default: null})], '8+'),
          field('errorMessage', 'string', '8+', {nullableVersions: '8+', default: null}),
          leaderIdAndEpoch('currentLeader', '10+', 0),
        ]),
      ]),
      field('throttleTimeMs', 'int32', '1+'),
      nodeEndpoints('10+', 0),
    ],
  },
};
