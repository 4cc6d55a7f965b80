// DeleteTopics 0-3.
import {ErrorCode} from '../../protocol/errors.js';
import {DeleteTopics} from '../../protocol/messages/20-delete-topics.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const deleteTopicsHandler: Handler = {
  api: DeleteTopics,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, {broker, session}) {
    const responses = [];
    for (const name of request.topicNames as string[]) {
      if (!broker.authorize(session, Operation.DELETE, ResourceType.TOPIC, name)) {
        responses.push({name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED});
        continue;
      }
      if (!broker.logs.topic(name)) {
        responses.push({name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION});
        continue;
      }
      await broker.deleteTopic(name);
      broker.log(`deleted topic ${name}`);
      responses.push({name, errorCode: ErrorCode.NONE});
    }
    return {throttleTimeMs: 0, responses};
  },
};
