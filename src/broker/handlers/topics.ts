// Topic creation shared by CreateTopics and auto-creation from Metadata; topic ids as the protocol carries them.
import {ErrorCode} from '../../protocol/errors.js';
import {refuseInternalTopic} from '../../storage/log-manager.js';
import type {Broker} from '../broker.js';

/** The Kafka error code carried by a storage error (`err.code`), or UNKNOWN_SERVER_ERROR. */
export function errorCodeOf(err: unknown): number {
  const name = (err as {code?: string})?.code;
  return name && name in ErrorCode ? ErrorCode[name as keyof typeof ErrorCode] : ErrorCode.UNKNOWN_SERVER_ERROR;
}

/** Kafka's auto.create.topics.enable: a Metadata request for an unknown topic creates it. */
export async function autoCreateTopic(broker: Broker, name: string): Promise<number> {
  if (!broker.options.autoCreateTopics) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  try {
    refuseInternalTopic(name);
    await broker.createTopic(name, broker.options.numPartitions, {});
    broker.log(`auto-created topic ${name} with ${broker.options.numPartitions} partition(s)`);
    return ErrorCode.NONE;
  } catch (err) {
    return errorCodeOf(err);
  }
}

/** A topic id as the protocol carries it: the 16 bytes of the UUID. */
export function topicIdBytes(id: string): Buffer {
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

/** The name of the topic with this id (Fetch v13+ names topics by id only), or null when no topic has it. */
export function topicNameById(broker: Broker, id: Buffer): string | null {
  return broker.logs.topics().find((t) => topicIdBytes(t.id).equals(id))?.name ?? null;
}
