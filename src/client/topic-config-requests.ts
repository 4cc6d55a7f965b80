import {ErrorCode, errorInfo} from '../protocol/errors.js';
import {AlterConfigs} from '../protocol/messages/33-alter-configs.js';
import {CreateTopics} from '../protocol/messages/19-create-topics.js';
import type {Message} from '../protocol/codec.js';
import type {ApiSchema} from '../protocol/schema.js';
import {UserError} from '../lib/errors.js';
import {ClusterConnections} from './cluster-connections.js';
import {hintFor} from './error-hints.js';

/*
 * Topic config requests on our own wire client: kafkajs drops a response's error_message, and for
 * INVALID_CONFIG that message is what tells the user which config is wrong and why.
 */

const RESOURCE_TOPIC = 2;

const entries = (configs: Record<string, string>) => Object.entries(configs).map(([name, value]) => ({name, value}));

/** One request to whichever bootstrap broker answers first, at the highest common version. */
export async function requestAny(brokers: string[], api: ApiSchema, ours: [number, number], body: Message): Promise<Message> {
  const cluster = new ClusterConnections(brokers);
  try {
    const conn = await cluster.anyBroker();
    return await conn.request(api, conn.pick(api, ours), body);
  } finally {
    cluster.close();
  }
}

function refusal(what: string, topic: string, errorCode: number, message: string | null): UserError {
  const {name} = errorInfo(errorCode);
  return new UserError(`${what}: ${name} (${errorCode})${message ? `: ${message}` : ''}`, hintFor(name)?.replaceAll('NAME', topic));
}

/** AlterConfigs: replaces the topic's whole set of overrides with `configs`. */
export async function alterTopicConfigs(brokers: string[], topic: string, configs: Record<string, string>, what: string): Promise<void> {
  const res = await requestAny(brokers, AlterConfigs, [0, 1], {
    resources: [{resourceType: RESOURCE_TOPIC, resourceName: topic, configs: entries(configs)}],
    validateOnly: false,
  });
  const r = res.responses[0];
  if (r.errorCode !== ErrorCode.NONE) throw refusal(what, topic, r.errorCode, r.errorMessage);
}

/** CreateTopics with validate_only: throws the broker's reason when a config is refused. */
export async function checkNewTopicConfigs(brokers: string[], topic: string, configs: Record<string, string>, what: string): Promise<void> {
  const res = await requestAny(brokers, CreateTopics, [1, 4], {
    topics: [{name: topic, numPartitions: -1, replicationFactor: -1, assignments: [], configs: entries(configs)}],
    timeoutMs: 30_000,
    validateOnly: true,
  });
  const t = res.topics[0];
  if (t.errorCode === ErrorCode.INVALID_CONFIG) throw refusal(what, topic, t.errorCode, t.errorMessage);
}
