// DeleteTopics: v0-3 name topics as a plain string array (topic_names); results come back under "responses".
import {type ApiSchema, array, field} from '../schema.js';

export const DeleteTopics: ApiSchema = {
  apiKey: 20,
  name: 'DeleteTopics',
  request: {
    versions: '0-3',
    flexibleVersions: '4+',
    fields: [array('topicNames', 'string', '0-5'), field('timeoutMs', 'int32')],
  },
  response: {
    versions: '0-3',
    flexibleVersions: '4+',
    fields: [field('throttleTimeMs', 'int32', '1+'), array('responses', [field('name', 'string', '0+', {nullableVersions: '6+'}), field('errorCode', 'int16')])],
  },
};
