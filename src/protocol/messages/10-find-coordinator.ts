// FindCoordinator: v0 must stay served (librdkafka's consumer-group feature gate and kafka-python use it); key_type 0 = group, 1 = transaction.
// v4+ asks for several keys at once (coordinator_keys) and answers one coordinator each.
import {type ApiSchema, array, field} from '../schema.js';

export const FindCoordinator: ApiSchema = {
  apiKey: 10,
  name: 'FindCoordinator',
  request: {
    versions: '0-4',
    flexibleVersions: '3+',
    fields: [field('key', 'string', '0-3'), field('keyType', 'int8', '1+'), array('coordinatorKeys', 'string', '4+')],
  },
  response: {
    versions: '0-4',
    flexibleVersions: '3+',
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16', '0-3'),
      field('errorMessage', 'string', '1-3', {nullableVersions: '1-3'}),
      // Not spec defaults: Kafka answers an error with Node.noNode() (id -1, host "", port -1).
      field('nodeId', 'int32', '0-3', {default: -1}),
      field('host', 'string', '0-3'),
      field('port', 'int32', '0-3', {default: -1}),
      array(
        'coordinators',
        [field('key', 'string', '4+'), field('nodeId', 'int32', '4+'), field('host', 'string', '4+'), field('port', 'int32', '4+'), field('errorCode', 'int16', '4+'), field('errorMessage', 'string', '4+', {nullableVersions: '4+'})],
        '4+',
      ),
    ],
  },
};
