// LeaveGroup: v3 replaces the single member_id by a members[] batch with per-member errors (kafkajs sends v3).
import {type ApiSchema, array, field} from '../schema.js';

export const LeaveGroup: ApiSchema = {
  apiKey: 13,
  name: 'LeaveGroup',
  request: {
    versions: '0-5',
    flexibleVersions: '4+',
    fields: [
      field('groupId', 'string'),
      field('memberId', 'string', '0-2'),
      array('members', [field('memberId', 'string', '3+'), field('groupInstanceId', 'string', '3+', {nullableVersions: '3+', default: null}), field('reason', 'string', '5+', {nullableVersions: '5+', default: null})], '3+'),
    ],
  },
  response: {
    versions: '0-5',
    flexibleVersions: '4+',
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      field('errorCode', 'int16'),
      array(
        'members',
        [field('memberId', 'string', '3+'), field('groupInstanceId', 'string', '3+', {nullableVersions: '3+'}), field('errorCode', 'int16', '3+')],
        '3+',
      ),
    ],
  },
};
