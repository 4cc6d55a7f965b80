// DeleteTopics 0-6: v6 names topics by name or by id (UNKNOWN_TOPIC_ID for an id no topic has).
import {ErrorCode} from '../../protocol/errors.js';
import {DeleteTopics} from '../../protocol/messages/20-delete-topics.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {topicIdBytes, topicNameById} from './topics.js';

export const deleteTopicsHandler: Handler = {
  api: DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, {broker, header, session}) {
    const asked: Array<{name: string | null; topicId: Buffer}> = header.apiVersion >= 6 ? request.topics : request.topicNames.map((name: string) => ({name, topicId: Buffer.alloc(16)}));
    const responses = [];
    for (const t of asked) {
      const topic = broker.logs.topic(t.name ?? topicNameById(broker, t.topicId) ?? '');
      const name = topic?.name ?? t.name;
      const answer = (errorCode: number) => ({name, topicId: topic ? topicIdBytes(topic.id) : t.topicId, errorCode, errorMessage: null});
      // Asked by name, a topic the principal may not delete is refused whether it exists or not.
      if (name !== null && !broker.authorize(session, Operation.DELETE, ResourceType.TOPIC, name)) {
        responses.push(answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED));
        continue;
      }
      if (!topic) {
        responses.push(answer(t.name === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        continue;
      }
      await broker.deleteTopic(topic.name);
      broker.log(`deleted topic ${topic.name}`);
      responses.push(answer(ErrorCode.NONE));
    }
    return {throttleTimeMs: 0, responses};
  },
};
