import type {ClientConfig} from './client-config.js';
import kafkajs from 'kafkajs';
import type {Admin} from 'kafkajs';
import {UserError} from '../lib/errors.js';
import {connectKafkaAdmin} from './kafka.js';
import {alterTopicConfigs, checkNewTopicConfigs} from './topic-config-requests.js';
import {hintFor} from './error-hints.js';
import {missingTopic, translateKafkaError} from './kafka-errors.js';
import {ClusterConnections, requireApis} from './cluster-connections.js';
import {partitionBounds, type PartitionBounds} from './start-offsets.js';
import {ListOffsets} from '../protocol/messages/02-list-offsets.js';
import {CreateTopics} from '../protocol/messages/19-create-topics.js';
import {DeleteTopics} from '../protocol/messages/20-delete-topics.js';
import {DescribeConfigs} from '../protocol/messages/32-describe-configs.js';
import {CreatePartitions} from '../protocol/messages/37-create-partitions.js';
import type {ApiSchema} from '../protocol/schema.js';
import {OFFSETS_TOPIC} from '../protocol/consumer-offsets.js';
import {TRANSACTION_STATE_TOPIC} from '../protocol/transaction-log.js';

const {ConfigResourceTypes} = kafkajs;

/**
 * Kafka's internal topics (its Topic.isInternal, what Metadata marks is_internal and
 * kafka-topics.sh --exclude-internal leaves out): these two, not every name starting with "__".
 */
export const isInternalTopic = (name: string): boolean => name === OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC;

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
  internal: boolean;
}

export interface PartitionDescription {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  logStartOffset: number;
  highWatermark: number;
}

/** DescribeConfigs config_source, named as Kafka names it. */
export type ConfigSourceName =
  | 'UNKNOWN'
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG';

const SOURCE_NAMES: ConfigSourceName[] = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
];

export interface ConfigEntry {
  key: string;
  value: string | null;
  source: ConfigSourceName;
  readOnly: boolean;
  sensitive: boolean;
}

export interface TopicDescription {
  name: string;
  internal: boolean;
  partitions: PartitionDescription[];
  replicationFactor: number;
  configs: ConfigEntry[];
}

export interface CreateTopicSpec {
  name: string;
  /** -1 or undefined: the broker's num.partitions. */
  partitions?: number;
  /** -1 or undefined: the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Each partition's replicas (broker ids, preferred leader first); instead of partitions and replicationFactor. */
  replicaAssignment?: number[][];
  configs?: Record<string, string>;
}

export interface ConfigChange {
  key: string;
  /** null: not overridden before (or removed after). */
  from: string | null;
  to: string | null;
}

export interface AlterConfigResult {
  topic: string;
  changes: ConfigChange[];
  /** The topic's overrides after the change. */
  overrides: Record<string, string>;
}

/**
 * The toolkit's admin client. Callers see kcollect types and UserErrors that name the Kafka
 * error; the engine (kafkajs today) stays behind this interface.
 */
export interface AdminClient {
  listTopics(): Promise<TopicSummary[]>;
  /** False when the topic already exists and `ifNotExists` (kafka-topics.sh --if-not-exists); else that is an error. */
  createTopic(spec: CreateTopicSpec, ifNotExists?: boolean): Promise<boolean>;
  describeTopic(name: string): Promise<TopicDescription>;
  /** Every topic, by name. */
  describeTopics(): Promise<TopicDescription[]>;
  /** The ids of the brokers in the cluster now. */
  liveBrokers(): Promise<number[]>;
  deleteTopic(name: string): Promise<void>;
  /** Topic overrides only (DYNAMIC_TOPIC_CONFIG). */
  topicOverrides(name: string): Promise<Record<string, string>>;
  /** AlterConfigs replaces every override: read the current ones, apply, write the full set. */
  alterTopicConfig(name: string, change: {set?: Record<string, string>; delete?: string[]}): Promise<AlterConfigResult>;
  /** Grows the topic to `total` partitions; returns the count before. */
  addPartitions(name: string, total: number): Promise<{before: number; after: number}>;
  close(): Promise<void>;
}


export function connectAdmin(brokers: string[]): Promise<AdminClient> {
  return connectKafkaAdmin(brokers, (admin) => new KafkajsAdmin(admin, brokers));
}

/** Connects, runs `fn`, and always disconnects. */
export function withAdmin<T>(brokers: string[], fn: (admin: AdminClient) => Promise<T>, config?: ClientConfig): Promise<T> {
  return connectKafkaAdmin(brokers, (admin) => new KafkajsAdmin(admin, brokers), fn, config);
}

class KafkajsAdmin implements AdminClient {
  constructor(
    private readonly admin: Admin,
    private readonly brokers: string[],
  ) {}

  /** `needs`: the APIs the call uses; when it fails, a broker without one of them is named as the reason. */
  private async call<T>(what: string, fn: () => Promise<T>, topic?: string, needs: ApiSchema[] = []): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (needs.length > 0) await requireApis(this.brokers, needs, what);
      throw translateKafkaError(err, what, this.brokers, topic);
    }
  }

  async listTopics(): Promise<TopicSummary[]> {
    const {topics} = await this.call('list topics', () => this.admin.fetchTopicMetadata());
    return topics
      .map((t) => ({
        name: t.name,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        internal: isInternalTopic(t.name),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private async exists(name: string): Promise<boolean> {
    const names = await this.call('list topics', () => this.admin.listTopics());
    return names.includes(name);
  }

  private async requireTopic(name: string): Promise<void> {
    if (!(await this.exists(name))) throw missingTopic(name);
  }

  async createTopic(spec: CreateTopicSpec, ifNotExists = false): Promise<boolean> {
    const configs = Object.entries(spec.configs ?? {}).map(([k, v]) => `${k}=${v}`);
    const what = `create topic ${spec.name}${configs.length ? ` (${configs.join(', ')})` : ''}`;
    if (configs.length) await checkNewTopicConfigs(this.brokers, spec.name, spec.configs!, what);
    const created = await this.call(what, () =>
      this.admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: spec.name,
            numPartitions: spec.partitions ?? -1,
            replicationFactor: spec.replicationFactor ?? -1,
            replicaAssignment: spec.replicaAssignment?.map((replicas, partition) => ({partition, replicas})),
            configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({name, value})),
          },
        ],
      }),
      spec.name,
      [CreateTopics],
    ).catch((err: unknown) => this.nameCollision(err, spec.name));
    if (!created && !ifNotExists) throw new UserError(`create topic ${spec.name}: TOPIC_ALREADY_EXISTS (36)`, hintFor("TOPIC_ALREADY_EXISTS")!.replace("NAME", spec.name));
    return created;
  }

  /**
   * A valid name refused as INVALID_TOPIC_EXCEPTION collides with a topic whose name differs only
   * in '.' and '_' (one metric name in Kafka): say which, since the broker's message does not reach us.
   */
  private async nameCollision(err: unknown, name: string): Promise<never> {
    if (err instanceof UserError && err.message.includes('INVALID_TOPIC_EXCEPTION') && /^[\w.-]{1,249}$/.test(name)) {
      const metricName = (n: string) => n.replaceAll('.', '_');
      const other = (await this.listTopics().catch(() => [])).find((t) => t.name !== name && metricName(t.name) === metricName(name));
      if (other) throw new UserError(`create topic ${name}: INVALID_TOPIC_EXCEPTION (17): it collides with topic ${other.name}`, "Kafka cannot hold two topics whose names differ only in '.' and '_' (their metrics share a name): pick another name");
    }
    throw err;
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    await this.requireTopic(name);
    const [d] = await this.describe(`describe topic ${name}`, [name]);
    if (!d) throw missingTopic(name);
    return d;
  }

  describeTopics(): Promise<TopicDescription[]> {
    return this.describe('describe topics');
  }

  async liveBrokers(): Promise<number[]> {
    const {brokers} = await this.call('describe cluster', () => this.admin.describeCluster());
    return brokers.map((b) => b.nodeId);
  }

  /** The named topics (undefined: all), with one Metadata, one DescribeConfigs and one set of connections for the offsets. */
  private async describe(what: string, names?: string[]): Promise<TopicDescription[]> {
    const topic = names?.length === 1 ? names[0] : undefined;
    // Metadata of all topics: for one named topic kafkajs throws while a partition has no leader.
    const {topics} = await this.call(what, () => this.admin.fetchTopicMetadata());
    const metas = topics.filter((t) => names === undefined || names.includes(t.name)).sort((a, b) => a.name.localeCompare(b.name));
    if (metas.length === 0) return [];
    const [configs, bounds] = await Promise.all([
      this.configs(metas.map((t) => t.name)),
      this.call(what, () => ledPartitionBounds(this.brokers, metas.map((t) => t.name)), topic, [ListOffsets]),
    ]);
    return metas.map((meta) => {
      const partitions = meta.partitions
        .map((p) => ({
          partition: p.partitionId,
          leader: p.leader,
          replicas: [...p.replicas],
          isr: [...p.isr],
          // -1: no leader to ask.
          logStartOffset: bounds.get(meta.name)?.get(p.partitionId)?.logStart ?? -1,
          highWatermark: bounds.get(meta.name)?.get(p.partitionId)?.highWatermark ?? -1,
        }))
        .sort((a, b) => a.partition - b.partition);
      return {name: meta.name, internal: isInternalTopic(meta.name), partitions, replicationFactor: partitions[0]?.replicas.length ?? 0, configs: configs.get(meta.name) ?? []};
    });
  }

  private async configs(names: string[]): Promise<Map<string, ConfigEntry[]>> {
    const topic = names.length === 1 ? names[0] : undefined;
    const res = await this.call(topic ? `describe configs of topic ${topic}` : 'describe configs of topics', () =>
      this.admin.describeConfigs({includeSynonyms: false, resources: names.map((name) => ({type: ConfigResourceTypes.TOPIC, name}))}),
      topic,
      [DescribeConfigs],
    );
    const byName = new Map<string, ConfigEntry[]>();
    for (const resource of res.resources) {
      const entries = resource.configEntries
        .map((c) => ({
          key: c.configName,
          value: c.configValue ?? null,
          // v0 has no source, only is_default.
          source: SOURCE_NAMES[c.configSource] ?? (c.isDefault ? 'DEFAULT_CONFIG' : 'DYNAMIC_TOPIC_CONFIG'),
          readOnly: c.readOnly,
          sensitive: c.isSensitive,
        }))
        .sort((a, b) => a.key.localeCompare(b.key));
      byName.set(resource.resourceName, entries);
    }
    return byName;
  }

  async deleteTopic(name: string): Promise<void> {
    await this.requireTopic(name);
    await this.call(`delete topic ${name}`, () => this.admin.deleteTopics({topics: [name]}), name, [DeleteTopics]);
  }

  async topicOverrides(name: string): Promise<Record<string, string>> {
    await this.requireTopic(name);
    const overrides: Record<string, string> = {};
    for (const c of (await this.configs([name])).get(name) ?? []) {
      if (c.source === 'DYNAMIC_TOPIC_CONFIG' && c.value !== null) overrides[c.key] = c.value;
    }
    return overrides;
  }

  async alterTopicConfig(name: string, change: {set?: Record<string, string>; delete?: string[]}): Promise<AlterConfigResult> {
    const before = await this.topicOverrides(name);
    const after = {...before};
    for (const key of change.delete ?? []) {
      if (!(key in after)) {
        const current = Object.keys(before);
        throw new UserError(
          `topic "${name}" has no override for "${key}" to delete`,
          current.length ? `its overrides are: ${current.join(', ')}` : 'the topic has no config overrides',
        );
      }
      delete after[key];
    }
    Object.assign(after, change.set ?? {});
    const set = Object.entries(change.set ?? {}).map(([k, v]) => `${k}=${v}`);
    await alterTopicConfigs(this.brokers, name, after, `alter configs of topic ${name}${set.length ? ` (${set.join(', ')})` : ''}`);
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    const changes = keys.filter((k) => before[k] !== after[k]).map((k) => ({key: k, from: before[k] ?? null, to: after[k] ?? null}));
    return {topic: name, changes, overrides: after};
  }

  async addPartitions(name: string, total: number): Promise<{before: number; after: number}> {
    await this.requireTopic(name);
    const {topics} = await this.call(`describe topic ${name}`, () => this.admin.fetchTopicMetadata({topics: [name]}));
    const before = topics.find((t) => t.name === name)?.partitions.length ?? 0;
    if (total <= before) {
      throw new UserError(`topic "${name}" already has ${before} partitions; --total must be larger (INVALID_PARTITIONS)`, `pass --total ${before + 1} or more; Kafka cannot remove partitions`);
    }
    await this.call(`add partitions to topic ${name}`, () => this.admin.createPartitions({topicPartitions: [{topic: name, count: total}]}), name, [CreatePartitions]);
    return {before, after: total};
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }
}

/** Log start and high watermark of each partition that has a leader, asked of that leader; by topic. */
async function ledPartitionBounds(brokers: string[], topics: string[]): Promise<Map<string, Map<number, PartitionBounds>>> {
  const cluster = new ClusterConnections(brokers);
  try {
    const out = new Map<string, Map<number, PartitionBounds>>();
    for (const topic of topics) {
      // Our Metadata, so the connections know where each leader is.
      const leaders = (await cluster.topicLeaders(topic)).filter((p) => p.leader >= 0);
      out.set(topic, await partitionBounds(cluster, topic, leaders));
    }
    return out;
  } finally {
    cluster.close();
  }
}
