// Metadata: in v0 an EMPTY topic list means all topics; from v1 null means all and empty means none. controller_id (v1+) must name a real broker.
import {type ApiSchema, array, field} from '../schema.js';

export const Metadata: ApiSchema = {
  apiKey: 3,
  name: 'Metadata',
  request: {
    versions: '0-6',
    flexibleVersions: '9+',
    fields: [
      array('topics', [field('name', 'string', '0+', {nullableVersions: '10+'})], '0+', {nullableVersions: '1+'}),
      field('allowAutoTopicCreation', 'bool', '4+', {default: true}),
    ],
  },
  response: {
    versions: '0-6',
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
        field('isInternal', 'bool', '1+'),
        array('partitions', [
          field('errorCode', 'int16'),
          field('partitionIndex', 'int32'),
          // Not a spec default: 0 is a real broker id, so an unset leader must read as "none".
          field('leaderId', 'int32', '0+', {default: -1}),
          array('replicaNodes', 'int32'),
          array('isrNodes', 'int32'),
          array('offlineReplicas', 'int32', '5+'),
        ]),
      ]),
    ],
  },
};
