import {ErrorCode, errorInfo} from '../protocol/errors.js';
import {AlterConfigs} from '../protocol/messages/33-alter-configs.js';
import {UserError} from '../lib/errors.js';
import {ClusterConnections} from './cluster-connections.js';
import {hintFor} from './kafka-errors.js';

const RESOURCE_TOPIC = 2;

/**
 * AlterConfigs on our own wire client: kafkajs drops the response's error_message, and for
 * INVALID_CONFIG that message is what tells the user which config is wrong and why.
 */
export async function alterTopicConfigs(brokers: string[], topic: string, configs: Record<string, string>, what: string): Promise<void> {
  const cluster = new ClusterConnections(brokers);
  try {
    const conn = await cluster.anyBroker();
    const version = conn.pick(AlterConfigs, [0, 1]);
    const res = await conn.request(AlterConfigs, version, {
      resources: [{resourceType: RESOURCE_TOPIC, resourceName: topic, configs: Object.entries(configs).map(([name, value]) => ({name, value}))}],
      validateOnly: false,
    });
    const r = res.responses[0];
    if (r.errorCode === ErrorCode.NONE) return;
    const {name} = errorInfo(r.errorCode);
    const reason = r.errorMessage ? `: ${r.errorMessage}` : '';
    throw new UserError(`${what}: ${name} (${r.errorCode})${reason}`, hintFor(name)?.replaceAll('NAME', topic));
  } finally {
    cluster.close();
  }
}
