// DeleteTopics: v0-5 name topics as a plain string array (topic_names), v6+ by name or id (topics); results come back under "responses".
import {type ApiSchema, array, field} from '../schema.js';

export const DeleteTopics: ApiSchema = {
  apiKey: 20,
  name: 'DeleteTopics',
  request: {
    versions: '0-6',
    flexibleVersions: '4+',
    fields: [
      array('topics', [field('name', 'string', '6+', {nullableVersions: '6+', default: null}), field('topicId', 'uuid', '6+')], '6+'),
      array('topicNames', 'string', '0-5'),
      field('timeoutMs', 'int32'),
    ],
  },
  response: {
    versions: '0-6',
    flexibleVersions: '4+',
    fields: [
      field('throttleTimeMs', 'int32', '1+'),
      array('responses', [
        field('name', 'string', '0+', {nullableVersions: '6+'}),
        field('topicId', 'uuid', '6+'),
        field('errorCode', 'int16'),
        field('errorMessage', 'string', '5+', {nullableVersions: '5+', default: null}),
      ]),
    ],
  },
};
