// The internal `__consumer_offsets` topic: created on first use (FindCoordinator, a group request,
// a Metadata request naming it) with offsets.topic.num.partitions partitions, as Kafka does.
import {OFFSETS_TOPIC} from '../protocol/consumer-offsets.js';
import type {Broker} from './broker.js';

/** Kafka's internal topics: described as is_internal in Metadata. */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set([OFFSETS_TOPIC, '__transaction_state']);

/** Kafka's settings for the offsets topic: compacted (the last commit per group and partition), 100 MiB segments. */
export function offsetsTopicOverrides(): Record<string, string> {
  return {'cleanup.policy': 'compact', 'segment.bytes': '104857600'};
}

const creating = new WeakMap<Broker, Promise<void>>();

/**
 * Resolves once the topic exists on this broker. In a cluster another broker may create it at
 * the same time: the loser waits for the winner's topic to reach it through ZooKeeper.
 */
export function ensureOffsetsTopic(broker: Broker): Promise<void> {
  if (broker.logs.topic(OFFSETS_TOPIC)) return Promise.resolve();
  let pending = creating.get(broker);
  if (!pending) {
    pending = createOffsetsTopic(broker).finally(() => creating.delete(broker));
    creating.set(broker, pending);
  }
  return pending;
}

async function createOffsetsTopic(broker: Broker): Promise<void> {
  const {offsetsTopicNumPartitions: partitions, offsetsTopicReplicationFactor: wanted} = broker.options;
  // Old Kafka's rule: a cluster smaller than offsets.topic.replication.factor still gets its offsets topic.
  const live = broker.cluster?.liveBrokers().length ?? 1;
  const rf = Math.max(1, Math.min(wanted, live));
  try {
    await broker.createTopic(OFFSETS_TOPIC, partitions, offsetsTopicOverrides(), rf);
    broker.log(`created ${OFFSETS_TOPIC} with ${partitions} partition(s), replication factor ${rf}${rf < wanted ? ` (offsets.topic.replication.factor=${wanted}, ${live} live broker(s))` : ''}`);
  } catch (err) {
    const deadline = Date.now() + 10_000;
    while (!broker.logs.topic(OFFSETS_TOPIC) && Date.now() < deadline && broker.cluster) await new Promise((r) => setTimeout(r, 50));
    if (!broker.logs.topic(OFFSETS_TOPIC)) throw err;
  }
}
