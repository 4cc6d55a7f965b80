// The broker's internal topics, created on first use as Kafka does: `__consumer_offsets`
// (FindCoordinator, a group request, a Metadata request naming it) with offsets.topic.* settings,
// `__transaction_state` (the first transactional request) with transaction.state.log.* settings.
import {OFFSETS_TOPIC} from '../protocol/consumer-offsets.js';
import {TRANSACTION_STATE_TOPIC} from '../protocol/transaction-log.js';
import type {Broker} from './broker.js';

/**
 * Both are compacted (the last record per key is the state), 100 MiB segments. The broker writes
 * their records itself, uncompressed: a server.properties compression.type is not theirs (Kafka
 * too sets compression.type on them).
 */
export function internalTopicOverrides(): Record<string, string> {
  return {'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer'};
}

function settingsOf(broker: Broker, name: string): {partitions: number; replicationFactor: number; prefix: string} {
  const o = broker.options;
  return name === OFFSETS_TOPIC
    ? {partitions: o.offsetsTopicNumPartitions, replicationFactor: o.offsetsTopicReplicationFactor, prefix: 'offsets.topic'}
    : {partitions: o.transactionStateLogNumPartitions, replicationFactor: o.transactionStateLogReplicationFactor, prefix: 'transaction.state.log'};
}

const creating = new WeakMap<Broker, Map<string, Promise<void>>>();

export const ensureOffsetsTopic = (broker: Broker): Promise<void> => ensureInternalTopic(broker, OFFSETS_TOPIC);
export const ensureTransactionStateTopic = (broker: Broker): Promise<void> => ensureInternalTopic(broker, TRANSACTION_STATE_TOPIC);

/**
 * Resolves once the topic exists on this broker. In a cluster another broker may create it at
 * the same time: the loser waits for the winner's topic to reach it through ZooKeeper.
 */
function ensureInternalTopic(broker: Broker, name: string): Promise<void> {
  if (broker.logs.topic(name)) return Promise.resolve();
  let byName = creating.get(broker);
  if (!byName) creating.set(broker, (byName = new Map()));
  let pending = byName.get(name);
  if (!pending) {
    pending = createInternalTopic(broker, name).finally(() => byName.delete(name));
    byName.set(name, pending);
  }
  return pending;
}

async function createInternalTopic(broker: Broker, name: string): Promise<void> {
  const {partitions, replicationFactor: wanted, prefix} = settingsOf(broker, name);
  // Old Kafka's rule: a cluster smaller than the wanted replication factor still gets its topic.
  const live = broker.cluster?.liveBrokers().length ?? 1;
  const rf = Math.max(1, Math.min(wanted, live));
  try {
    await broker.createTopic(name, partitions, internalTopicOverrides(), rf);
    broker.log(`created ${name} with ${partitions} partition(s), replication factor ${rf}${rf < wanted ? ` (${prefix}.replication.factor=${wanted}, ${live} live broker(s))` : ''}`);
  } catch (err) {
    const deadline = Date.now() + 10_000;
    while (!broker.logs.topic(name) && Date.now() < deadline && broker.cluster) await new Promise((r) => setTimeout(r, 50));
    if (!broker.logs.topic(name)) throw err;
  }
}
