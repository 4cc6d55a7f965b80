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

const {ConfigResourceTypes} = kafkajs;

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
  createTopic(spec: CreateTopicSpec): Promise<void>;
  describeTopic(name: string): Promise<TopicDescription>;
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
        internal: t.name.startsWith('__'),
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

  async createTopic(spec: CreateTopicSpec): Promise<void> {
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
    if (!created) throw new UserError(`create topic ${spec.name}: TOPIC_ALREADY_EXISTS (36)`, hintFor("TOPIC_ALREADY_EXISTS")!.replace("NAME", spec.name));
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
    const what = `describe topic ${name}`;
    // Metadata of all topics: for one named topic kafkajs throws while a partition has no leader.
    const [{topics}, configs] = await Promise.all([this.call(what, () => this.admin.fetchTopicMetadata()), this.configs(name)]);
    const meta = topics.find((t) => t.name === name);
    if (!meta) throw missingTopic(name);
    const bounds = await this.call(what, () => ledPartitionBounds(this.brokers, name), name, [ListOffsets]);
    const partitions = meta.partitions
      .map((p) => ({
        partition: p.partitionId,
        leader: p.leader,
        replicas: [...p.replicas],
        isr: [...p.isr],
        // -1: no leader to ask.
        logStartOffset: bounds.get(p.partitionId)?.logStart ?? -1,
        highWatermark: bounds.get(p.partitionId)?.highWatermark ?? -1,
      }))
      .sort((a, b) => a.partition - b.partition);
    return {name, internal: name.startsWith('__'), partitions, replicationFactor: partitions[0]?.replicas.length ?? 0, configs};
  }

  private async configs(name: string): Promise<ConfigEntry[]> {
    const res = await this.call(`describe configs of topic ${name}`, () =>
      this.admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.TOPIC, name}]}),
      name,
      [DescribeConfigs],
    );
    const resource = res.resources.find((r) => r.resourceName === name) ?? res.resources[0];
    return (resource?.configEntries ?? [])
      .map((c) => ({
        key: c.configName,
        value: c.configValue ?? null,
        // v0 has no source, only is_default.
        source: SOURCE_NAMES[c.configSource] ?? (c.isDefault ? 'DEFAULT_CONFIG' : 'DYNAMIC_TOPIC_CONFIG'),
        readOnly: c.readOnly,
        sensitive: c.isSensitive,
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  async deleteTopic(name: string): Promise<void> {
    await this.requireTopic(name);
    await this.call(`delete topic ${name}`, () => this.admin.deleteTopics({topics: [name]}), name, [DeleteTopics]);
  }

  async topicOverrides(name: string): Promise<Record<string, string>> {
    await this.requireTopic(name);
    const overrides: Record<string, string> = {};
    for (const c of await this.configs(name)) {
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

/** Log start and high watermark of each partition that has a leader, asked of that leader. */
async function ledPartitionBounds(brokers: string[], topic: string): Promise<Map<number, PartitionBounds>> {
  const cluster = new ClusterConnections(brokers);
  try {
    // Our Metadata, so the connections know where each leader is.
    const leaders = (await cluster.topicLeaders(topic)).filter((p) => p.leader >= 0);
    return await partitionBounds(cluster, topic, leaders);
  } finally {
    cluster.close();
  }
}
