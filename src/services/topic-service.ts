import {withAdmin, type AlterConfigResult, type PartitionDescription, type TopicDescription, type TopicSummary} from '../client/admin.js';
import {MissingTopicError} from '../client/kafka-errors.js';
import {UserError} from '../lib/errors.js';
import {OFFSETS_TOPIC} from '../protocol/consumer-offsets.js';
import {TRANSACTION_STATE_TOPIC} from '../protocol/transaction-log.js';

/** Kafka's internal topics and what they hold. */
const INTERNAL_TOPICS = new Map([
  [OFFSETS_TOPIC, "every consumer group's committed offsets"],
  [TRANSACTION_STATE_TOPIC, "every transactional producer's state"],
]);

/**
 * The broker deletes or grows an internal topic when asked, as Kafka's does; kafka-topics.sh
 * refuses to ask, and so does kcollect: either loses what the topic holds (a group's or
 * transactional id's partition is its hash modulo the partition count).
 */
function refuseInternalTopic(name: string, action: 'delete' | 'add partitions to'): void {
  const holds = INTERNAL_TOPICS.get(name);
  if (holds !== undefined) throw new UserError(`${name} is a Kafka internal topic: kcollect does not ${action} it, as kafka-topics.sh does not`, `it holds ${holds}, which would be lost`);
}

/** Parses repeated `k=v` flags into a map; the flag name goes into the error. */
export function parseKeyValues(items: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UserError(`${flag} "${item}" is not KEY=VALUE`, `e.g. ${flag} retention.ms=86400000`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1);
  }
  return out;
}

/**
 * kafka-topics.sh's --replica-assignment: partitions comma-separated, each one's broker ids
 * colon-separated (the first is the preferred leader), e.g. 1:2:3,2:3:1. Checked as kafka-topics.sh
 * checks it, so a typo is named before the broker sees it.
 */
export function parseReplicaAssignment(text: string): number[][] {
  const flag = '--replica-assignment';
  const partitions = text.split(',').map((part, partition) => {
    const ids = part.split(':').map((id) => id.trim());
    if (ids.some((id) => !/^\d+$/.test(id))) throw new UserError(`${flag} "${text}": partition ${partition} "${part}" is not broker ids separated by ":"`, `e.g. ${flag} 1:2:3,2:3:1 (partitions separated by ",")`);
    const brokers = ids.map(Number);
    if (new Set(brokers).size !== brokers.length) throw new UserError(`${flag} "${text}": partition ${partition} lists a broker twice (${part})`, 'each replica of a partition is on a different broker');
    return brokers;
  });
  const uneven = partitions.findIndex((p) => p.length !== partitions[0].length);
  if (uneven > 0) {
    throw new UserError(`${flag} "${text}": partition ${uneven} has ${partitions[uneven].length} replicas, partition 0 has ${partitions[0].length}`, 'every partition of a topic has the same replication factor');
  }
  return partitions;
}

export interface CreateTopicResult {
  topic: string;
  /** false: it existed already (--if-not-exists); the rest is then the existing topic's. */
  created: boolean;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export async function createTopic(
  brokers: string[],
  spec: {name: string; partitions?: number; replicationFactor?: number; replicaAssignment?: number[][]; configs?: Record<string, string>},
  ifNotExists = false,
): Promise<CreateTopicResult> {
  return withAdmin(brokers, async (admin) => {
    const created = await admin.createTopic(spec, ifNotExists);
    // Report what the broker made of the defaults (-1), or what the existing topic is.
    const d = await admin.describeTopic(spec.name);
    const configs = created ? spec.configs ?? {} : await admin.topicOverrides(spec.name);
    return {topic: spec.name, created, partitions: d.partitions.length, replicationFactor: d.replicationFactor, configs};
  });
}

/** kafka-topics.sh's --if-exists: a missing topic is no error; `run` then gives undefined. */
async function ifExists<T>(ifExists: boolean, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    if (ifExists && err instanceof MissingTopicError) return undefined;
    throw err;
  }
}

export async function listTopics(brokers: string[], {excludeInternal = false} = {}): Promise<{topics: TopicSummary[]}> {
  return withAdmin(brokers, async (admin) => ({topics: (await admin.listTopics()).filter((t) => !(excludeInternal && t.internal))}));
}

export async function describeTopic(brokers: string[], name: string): Promise<TopicDescription> {
  return withAdmin(brokers, (admin) => admin.describeTopic(name));
}

/** kafka-topics.sh --describe's partition filters. */
export type PartitionFilter = 'under-replicated' | 'unavailable';

/**
 * As kafka-topics.sh --describe with no --topic: every topic (without Kafka's internal ones when
 * `excludeInternal`); with a filter, only the partitions it matches, and only topics with one.
 */
export async function describeTopics(brokers: string[], opts: {names?: string[]; excludeInternal?: boolean; filter?: PartitionFilter}): Promise<TopicDescription[]> {
  return withAdmin(brokers, async (admin) => {
    const all = opts.names ? await Promise.all(opts.names.map((n) => admin.describeTopic(n))) : await admin.describeTopics();
    const topics = opts.names ? all : all.filter((t) => !(opts.excludeInternal && t.internal));
    if (!opts.filter) return topics;
    let keep: (p: PartitionDescription) => boolean;
    if (opts.filter === 'under-replicated') keep = (p) => p.isr.length < p.replicas.length;
    else {
      // kafka-topics.sh's test: no leader, or a leader that is not a live broker.
      const live = new Set(await admin.liveBrokers());
      keep = (p) => p.leader < 0 || !live.has(p.leader);
    }
    const filtered = topics.map((t) => ({...t, partitions: t.partitions.filter(keep)}));
    return opts.names ? filtered : filtered.filter((t) => t.partitions.length > 0);
  });
}

export async function deleteTopic(brokers: string[], name: string, {ifExists: absentIsFine = false} = {}): Promise<{topic: string; deleted: boolean}> {
  refuseInternalTopic(name, 'delete');
  return withAdmin(brokers, async (admin) => {
    const deleted = await ifExists(absentIsFine, async () => {
      await admin.deleteTopic(name);
      return true;
    });
    return {topic: name, deleted: deleted ?? false};
  });
}

/** What alter-config --if-exists gives for a missing topic. */
export interface AbsentTopic {
  topic: string;
  exists: false;
}

export async function alterTopicConfig(
  brokers: string[],
  name: string,
  change: {set: Record<string, string>; delete: string[]},
  {ifExists: absentIsFine = false} = {},
): Promise<AlterConfigResult | AbsentTopic> {
  if (Object.keys(change.set).length === 0 && change.delete.length === 0) {
    throw new UserError('nothing to change', 'pass --set KEY=VALUE and/or --delete KEY');
  }
  const both = change.delete.filter((k) => k in change.set);
  if (both.length) throw new UserError(`${both.join(', ')} is both set and deleted`, 'pass each key to either --set or --delete');
  const result = await withAdmin(brokers, (admin) => ifExists(absentIsFine, () => admin.alterTopicConfig(name, change)));
  return result ?? {topic: name, exists: false};
}

export async function addPartitions(brokers: string[], name: string, total: number): Promise<{topic: string; before: number; after: number}> {
  refuseInternalTopic(name, 'add partitions to');
  return withAdmin(brokers, async (admin) => ({topic: name, ...(await admin.addPartitions(name, total))}));
}
