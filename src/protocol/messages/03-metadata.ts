// Metadata: in v0 an EMPTY topic list means all topics; from v1 null means all and empty means none. controller_id (v1+) must name a real broker.
// v10+: topics by id too (name null); authorized operations only when asked (else INT32_MIN).
import {type ApiSchema, array, field} from '../schema.js';

const NOT_REQUESTED = -2147483648;

export const Metadata: ApiSchema = {
  apiKey: 3,
  name: 'Metadata',
  request: {
    versions: '0-12',
    flexibleVersions: '9+',
    fields: [
      array('topics', [field('topicId', 'uuid', '10+'), field('name', 'string', '0+', {nullableVersions: '10+'})], '0+', {nullableVersions: '1+'}),
      field('allowAutoTopicCreation', 'bool', '4+', {default: true}),
      field('includeClusterAuthorizedOperations', 'bool', '8-10'),
      field('includeTopicAuthorizedOperations', 'bool', '8+'),
    ],
  },
  response: {
    versions: '0-12',
    flexibleVersions: '9+',
    fields: [
      field('throttleTimeMs', 'int32', '3+'),
      array('brokers', [
        field('nodeId', 'int32'),
        field('host', 'string'),
        field('port', 'int32'),
        field('rack', 'string', '1+', {nullableVersions: '1+', default: null}),
      ]),
      field('clusterId', 'string', '2+', {nullableVersions: '2+', default: null}),
      field('controllerId', 'int32', '1+', {default: -1}),
      array('topics', [
        field('errorCode', 'int16'),
        field('name', 'string', '0+', {nullableVersions: '12+'}),
        field('topicId', 'uuid', '10+'),
        field('isInternal', 'bool', '1+', {default: false}),
        array('partitions', [
          field('errorCode', 'int16'),
          field('partitionIndex', 'int32'),
          // Not a spec default: 0 is a real broker id, so an unset leader must read as "none".
          field('leaderId', 'int32', '0+', {default: -1}),
          field('leaderEpoch', 'int32', '7+', {default: -1}),
          array('replicaNodes', 'int32'),
          array('isrNodes', 'int32'),
          array('offlineReplicas', 'int32', '5+'),
        ]),
        field('topicAuthorizedOperations', 'int32', '8+', {default: NOT_REQUESTED}),
      ]),
      field('clusterAuthorizedOperations', 'int32', '8-10', {default: NOT_REQUESTED}),
    ],
  },
};
