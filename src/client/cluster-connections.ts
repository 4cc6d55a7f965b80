import {ErrorCode} from '../protocol/errors.js';
import {ApiVersions} from '../protocol/messages/18-api-versions.js';
import {FindCoordinator} from '../protocol/messages/10-find-coordinator.js';
import {Metadata} from '../protocol/messages/03-metadata.js';
import type {ApiSchema} from '../protocol/schema.js';
import {parseHostPort} from '../lib/address.js';
import {UserError} from '../lib/errors.js';
import {ClientSecurityError, DEFAULT_REQUEST_TIMEOUT_MS, defaultClientConfig, type ClientConfig} from './client-config.js';
import {missingTopic, unreachable} from './kafka-errors.js';
import {WireConnection, check} from './wire-connection.js';

export interface PartitionLeader {
  partition: number;
  /** -1 while no leader is elected. */
  leader: number;
}

/**
 * Throws, prefixed with `what`, when the bootstrap broker does not serve one of `apis`: kafkajs
 * reports a missing API as anything from "broker not found" to a timeout.
 */
export async function requireApis(brokers: string[], apis: ApiSchema[], what: string): Promise<void> {
  const cluster = new ClusterConnections(brokers);
  try {
    const conn = await cluster.anyBroker();
    for (const api of apis) {
      try {
        conn.pick(api, [0, Number.MAX_SAFE_INTEGER]);
      } catch (err) {
        if (err instanceof UserError) throw new UserError(`${what}: ${err.message}`, err.hint);
        throw err;
      }
    }
  } finally {
    cluster.close();
  }
}

/**
 * Connections to a cluster on our own wire client: bootstrap, Metadata for one topic, and one
 * negotiated connection per broker, opened on first use.
 */
export class ClusterConnections {
  private readonly nodes = new Map<number, {host: string; port: number}>();
  private readonly open = new Map<number, Promise<WireConnection>>();
  private readonly coordinators = new Map<string, number>();
  private bootstrap?: WireConnection;
  private bootstrapping?: Promise<WireConnection>;
  private closed = false;

  constructor(
    readonly brokers: string[],
    private readonly clientId = 'kcollect',
    /** TLS and SASL settings (default: the command's). */
    private readonly config: ClientConfig = defaultClientConfig(),
  ) {}

  /** A live connection to any bootstrap broker, for Metadata. */
  async anyBroker(): Promise<WireConnection> {
    if (this.bootstrap && !this.bootstrap.closed) return this.bootstrap;
    // Callers at the same moment share one: a second would be left open.
    this.bootstrapping ??= this.connectAnyBroker().finally(() => (this.bootstrapping = undefined));
    return this.bootstrapping;
  }

  private async connectAnyBroker(): Promise<WireConnection> {
    for (const b of this.brokers) {
      const {host, port} = parseHostPort(b, '127.0.0.1', '--brokers');
      let c: WireConnection;
      try {
        c = await this.connect({host, port});
      } catch (err) {
        // A refused login or certificate is the same on every broker: say so, not "unreachable".
        if (err instanceof ClientSecurityError) throw err;
        continue;
      }
      // Closed meanwhile: this one would be left open.
      if (this.closed) {
        c.close();
        throw new Error('connections closed');
      }
      return (this.bootstrap = c);
    }
    throw unreachable(this.brokers);
  }

  /**
   * The partitions of `topic` and their leaders; a missing topic is a UserError. `autoCreate`
   * (producers, as kcat's): a broker with auto.create.topics.enable creates a missing topic, and
   * this waits briefly for its partitions.
   */
  async topicLeaders(topic: string, {autoCreate = false} = {}): Promise<PartitionLeader[]> {
    const conn = await this.anyBroker();
    const version = conn.pick(Metadata, [1, 6]);
    let t: {errorCode: number; partitions: Array<{partitionIndex: number; leaderId: number}>} | undefined;
    for (let attempt = 0; ; attempt++) {
      const res = await conn.request(Metadata, version, {topics: [{name: topic}], allowAutoTopicCreation: autoCreate});
      for (const b of res.brokers) this.nodes.set(b.nodeId, {host: b.host, port: b.port});
      t = res.topics.find((x: {name: string}) => x.name === topic);
      const creating = autoCreate && t !== undefined && (t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE || (t.errorCode === ErrorCode.NONE && t.partitions.length === 0));
      if (!creating || attempt >= 20) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!t || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw missingTopic(topic);
    if (t.errorCode !== ErrorCode.NONE && t.errorCode !== ErrorCode.LEADER_NOT_AVAILABLE) check(t.errorCode, `metadata for topic ${topic}`);
    return t.partitions
      .map((p: {partitionIndex: number; leaderId: number}) => ({partition: p.partitionIndex, leader: p.leaderId}))
      .sort((a: PartitionLeader, b: PartitionLeader) => a.partition - b.partition);
  }

  /** Every broker of the cluster (Metadata without topics). */
  async brokerIds(): Promise<number[]> {
    const conn = await this.anyBroker();
    const res = await conn.request(Metadata, conn.pick(Metadata, [1, 6]), {topics: [], allowAutoTopicCreation: false});
    for (const b of res.brokers) this.nodes.set(b.nodeId, {host: b.host, port: b.port});
    return res.brokers.map((b: {nodeId: number}) => b.nodeId);
  }

  /** The coordinator of a group (key type 0) or transactional id (1), by FindCoordinator; remembered until forgotten. */
  async coordinator(keyType: 0 | 1, key: string): Promise<number> {
    const known = this.coordinators.get(`${keyType}\0${key}`);
    if (known !== undefined) return known;
    const conn = await this.anyBroker();
    const res = await conn.request(FindCoordinator, conn.pick(FindCoordinator, [1, 2]), {key, keyType});
    check(res.errorCode, `finding the coordinator of ${keyType === 0 ? 'group' : 'transactional id'} ${key}`);
    this.nodes.set(res.nodeId, {host: res.host, port: res.port});
    this.coordinators.set(`${keyType}\0${key}`, res.nodeId);
    return res.nodeId;
  }

  /** The coordinator moved (NOT_COORDINATOR, a lost connection): the next call asks again. */
  forgetCoordinator(keyType: 0 | 1, key: string): void {
    this.coordinators.delete(`${keyType}\0${key}`);
  }

  /** A negotiated connection to broker `nodeId` (as named by the last Metadata). */
  async node(nodeId: number): Promise<WireConnection> {
    if (this.closed) throw new Error('connections closed');
    const existing = this.open.get(nodeId);
    if (existing) {
      const c = await existing.catch(() => undefined);
      if (c && !c.closed) return c;
      this.open.delete(nodeId);
    }
    const addr = this.nodes.get(nodeId);
    if (!addr) throw new UserError(`broker ${nodeId} is not in the cluster metadata`, 'the cluster is changing; retry');
    const p = this.connect(addr);
    this.open.set(nodeId, p);
    try {
      return await p;
    } catch (err) {
      this.open.delete(nodeId);
      throw err;
    }
  }

  /** Highest version both sides support on broker `nodeId`. */
  async pick(nodeId: number, api: ApiSchema, ours: [number, number]): Promise<{conn: WireConnection; version: number}> {
    const conn = await this.node(nodeId);
    return {conn, version: conn.pick(api, ours)};
  }

  /** A negotiated connection of its own to broker `nodeId` (a group coordinator), not shared with fetches; the caller closes it. */
  async dedicated(nodeId: number): Promise<WireConnection> {
    const addr = this.nodes.get(nodeId);
    if (!addr) throw new UserError(`broker ${nodeId} is not in the cluster metadata`, 'the cluster is changing; retry');
    return this.connect(addr);
  }

  /**
   * A connection that knows the broker's API versions; closed again when asking for them fails.
   * Its requests are bounded by request.timeout.ms: a broker that stops answering closes it.
   */
  private async connect({host, port}: {host: string; port: number}): Promise<WireConnection> {
    const c = await WireConnection.connect(host, port, {clientId: this.clientId, timeoutMs: 2500, config: this.config, requestTimeoutMs: this.config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS});
    try {
      await c.negotiate(ApiVersions);
    } catch (err) {
      c.close();
      throw err;
    }
    return c;
  }

  /** Drops the connection to one broker (after it failed), so the next use reconnects. */
  forget(nodeId: number): void {
    const p = this.open.get(nodeId);
    this.open.delete(nodeId);
    void p?.then((c) => c.close(), () => undefined);
  }

  close(): void {
    this.closed = true;
    this.bootstrap?.close();
    for (const p of this.open.values()) void p.then((c) => c.close(), () => undefined);
    this.open.clear();
  }
}
