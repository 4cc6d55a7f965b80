import type {BrokerEndpoint} from '../broker/cluster-link.js';
import {errorMessage} from '../lib/errors.js';
import type {ZkClient} from '../zk/client.js';
import {isZkError} from '../zk/errors.js';
import {base64ToUuid, parseBrokerRegistration, parsePartitionState, parseTopicAssignment, parseTopicConfig, type PartitionStateData, ZkPaths} from './zk-layout.js';

export interface PartitionRecord {
  state: PartitionStateData;
  /** The state znode's version: leaders and the controller update it conditionally on this. */
  zkVersion: number;
}

export interface TopicRecord {
  /** The topic id its creator gave it (a UUID), which every broker adopts; null from tools that write none. */
  id: string | null;
  replicas: number[][];
  config: Record<string, string>;
  partitions: Map<number, PartitionRecord>;
}

/** What the view reports as ZooKeeper changes; each runs after the view itself is updated. */
export interface ClusterViewListener {
  brokersChanged(): void;
  topicChanged(name: string, topic: TopicRecord | undefined): void;
  partitionChanged(topic: string, partition: number, record: PartitionRecord, replicas: number[]): void;
}

/**
 * Every broker's picture of the cluster, kept current by ZooKeeper watches (watches fire once,
 * so each read sets the next): live brokers (/brokers/ids), topics with their replica
 * assignment and config, and each partition's leader, ISR and leader epoch. Reads that race
 * each other are ordered by znode version, so an older answer never replaces a newer one.
 */
export class ClusterView {
  readonly brokers = new Map<number, BrokerEndpoint>();
  readonly topics = new Map<string, TopicRecord>();
  private zk!: ZkClient;
  /** Bumped on every attach: watches set through an older session are ignored. */
  private session = 0;

  constructor(
    private readonly listener: ClusterViewListener,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * (Re)loads everything through this session and sets the watches. Every partition is reported
   * again, changed or not: a new session has none of the old watches, and a broker that stepped
   * down while ZooKeeper was out of reach takes its roles back from what it reads now.
   */
  async attach(zk: ZkClient): Promise<void> {
    this.zk = zk;
    const session = ++this.session;
    await this.loadBrokers(session);
    await this.loadTopics(session, true);
  }

  /** Re-reads /brokers/ids now (after our own registration, before its watch fires). */
  refreshBrokers(): Promise<void> {
    return this.loadBrokers(this.session);
  }

  detach(): void {
    this.session++;
  }

  liveBrokers(): BrokerEndpoint[] {
    return [...this.brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  partition(topic: string, index: number): PartitionRecord | undefined {
    return this.topics.get(topic)?.partitions.get(index);
  }

  private guard(session: number, what: string, fn: () => Promise<void>): () => void {
    return () => {
      if (session !== this.session) return;
      fn().catch((err) => {
        if (session === this.session && !isZkError(err, 'CONNECTIONLOSS') && !isZkError(err, 'SESSIONEXPIRED')) this.log(`reading ${what} from ZooKeeper failed: ${errorMessage(err)}`);
      });
    };
  }

  private async loadBrokers(session: number): Promise<void> {
    const ids = await this.zk.children(ZkPaths.brokerIds, {watch: this.guard(session, 'brokers', () => this.loadBrokers(session))});
    const next = new Map<number, BrokerEndpoint>();
    for (const id of ids) {
      try {
        const {host, port, listeners} = parseBrokerRegistration((await this.zk.get(ZkPaths.broker(Number(id)))).data.toString());
        next.set(Number(id), {nodeId: Number(id), host, port, listeners});
      } catch (err) {
        if (!isZkError(err, 'NONODE')) throw err;
      }
    }
    if (session !== this.session) return;
    const changed = next.size !== this.brokers.size || [...next].some(([id, b]) => this.brokers.get(id)?.port !== b.port || this.brokers.get(id)?.host !== b.host);
    this.brokers.clear();
    for (const [id, b] of next) this.brokers.set(id, b);
    if (changed) this.listener.brokersChanged();
  }

  /** The latest list of /brokers/topics. */
  private topicNames = new Set<string>();

  private async loadTopics(session: number, reload = false): Promise<void> {
    const names = new Set(await this.zk.children(ZkPaths.brokerTopics, {watch: this.guard(session, 'topics', () => this.loadTopics(session))}));
    if (session !== this.session) return;
    this.topicNames = names;
    for (const name of [...this.topics.keys()]) {
      if (!names.has(name)) {
        this.topics.delete(name);
        this.listener.topicChanged(name, undefined);
      }
    }
    for (const name of names) if (reload || !this.topics.has(name)) await this.loadTopic(session, name, reload);
  }

  private async loadTopic(session: number, name: string, reload = false): Promise<void> {
    let replicas: number[][];
    let id: string | null;
    let config: Record<string, string> = {};
    try {
      const assignment = parseTopicAssignment((await this.zk.get(ZkPaths.topic(name), {watch: this.guard(session, `topic ${name}`, () => this.loadTopic(session, name))})).data.toString());
      replicas = assignment.replicas;
      id = assignment.topicId === null ? null : base64ToUuid(assignment.topicId);
      config = await this.readConfig(session, name);
    } catch (err) {
      if (isZkError(err, 'NONODE')) return;
      throw err;
    }
    // A read that began before the topic was deleted must not bring it back.
    if (session !== this.session || !this.topicNames.has(name)) return;
    const previous = this.topics.get(name);
    const topic: TopicRecord = {id, replicas, config, partitions: previous?.partitions ?? new Map()};
    this.topics.set(name, topic);
    this.listener.topicChanged(name, topic);
    for (let p = 0; p < replicas.length; p++) if (reload || !topic.partitions.has(p)) await this.loadPartition(session, name, p, reload);
  }

  private async readConfig(session: number, name: string): Promise<Record<string, string>> {
    try {
      const watch = this.guard(session, `config of ${name}`, async () => {
        const topic = this.topics.get(name);
        if (!topic) return;
        const config = await this.readConfig(session, name);
        // The topic may have been deleted while the config was read.
        if (session !== this.session || this.topics.get(name) !== topic) return;
        topic.config = config;
        this.listener.topicChanged(name, topic);
      });
      return parseTopicConfig((await this.zk.get(ZkPaths.topicConfig(name), {watch})).data.toString());
    } catch (err) {
      if (isZkError(err, 'NONODE')) return {};
      throw err;
    }
  }

  private async loadPartition(session: number, topic: string, p: number, reload = false): Promise<void> {
    const path = ZkPaths.partitionState(topic, p);
    const watch = this.guard(session, `partition ${topic}-${p}`, () => this.loadPartition(session, topic, p));
    let record: PartitionRecord;
    try {
      const {data, stat} = await this.zk.get(path, {watch});
      record = {state: parsePartitionState(data.toString()), zkVersion: stat.version};
    } catch (err) {
      if (!isZkError(err, 'NONODE')) throw err;
      // Not written yet (or the topic is going): wait for it to appear.
      if (await this.zk.exists(path, {watch})) await this.loadPartition(session, topic, p);
      return;
    }
    const t = this.topics.get(topic);
    if (session !== this.session || !t) return;
    const current = t.partitions.get(p);
    if (current && (reload ? current.zkVersion > record.zkVersion : current.zkVersion >= record.zkVersion)) return;
    t.partitions.set(p, record);
    this.listener.partitionChanged(topic, p, record, t.replicas[p] ?? []);
  }

  /** A write of ours succeeded: take its result now rather than when the watch fires. */
  recordWrite(topic: string, p: number, record: PartitionRecord): void {
    const t = this.topics.get(topic);
    const current = t?.partitions.get(p);
    if (!t || (current && current.zkVersion >= record.zkVersion)) return;
    t.partitions.set(p, record);
    this.listener.partitionChanged(topic, p, record, t.replicas[p] ?? []);
  }
}
