// DeleteTopics 0-3.
import {ErrorCode} from '../../protocol/errors.js';
import {DeleteTopics} from '../../protocol/messages/20-delete-topics.js';
import type {Handler} from '../handler.js';

export const deleteTopicsHandler: Handler = {
  api: DeleteTopics,
  minVersion: 0,
  maxVersion: 3,
  handle(request, {broker}) {
    const responses = request.topicNames.map((name: string) => {
      const topic = broker.logs.topic(name);
      if (!topic) return {name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION};
      for (let p = 0; p < topic.partitions; p++) broker.producerStates.forget(broker.logs.partition(name, p)!);
      broker.logs.deleteTopic(name);
      broker.groups.deleteOffsetsForTopic(name);
      broker.log(`deleted topic ${name}`);
      return {name, errorCode: ErrorCode.NONE};
    });
    return {throttleTimeMs: 0, responses};
  },
};
