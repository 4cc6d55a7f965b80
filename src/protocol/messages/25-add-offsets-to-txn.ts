// AddOffsetsToTxn: the group's __consumer_offsets partition joins the transaction (sendOffsetsToTransaction).
import {type ApiSchema, field} from '../schema.js';

export const AddOffsetsToTxn: ApiSchema = {
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  request: {
    versions: '0-3',
    flexibleVersions: '3+',
    fields: [field('transactionalId', 'string'), field('producerId', 'int64'), field('producerEpoch', 'int16'), field('groupId', 'string')],
  },
  response: {versions: '0-3', flexibleVersions: '3+', fields: [field('throttleTimeMs', 'int32'), field('errorCode', 'int16')]},
};
