import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type tls from 'node:tls';
import {GroupCoordinator} from '../coordinator/group-coordinator.js';
import {readLegacyGroupLog} from '../coordinator/group-store.js';
import {OffsetsTopicStore} from '../coordinator/offsets-topic-store.js';
import {ProducerIdManager} from '../coordinator/producer-state.js';
import {authorize} from '../security/acl.js';
import {AclStore} from '../security/acl-store.js';
import type {AuthorizerSettings, ListenerConfig} from '../security/listener.js';
import {isTls} from '../security/listener.js';
import {RateLimitedLog} from '../security/rate-limited-log.js';
import {DataDirSecurityStore, type SecurityStore} from '../security/security-store.js';
import {Session} from '../security/session.js';
import type {CertificateReloader} from '../security/tls.js';
import {OFFSETS_TOPIC} from '../protocol/consumer-offsets.js';
import {ErrorCode} from '../protocol/errors.js';
import {writeFileAtomic} from '../lib/fs.js';
import {randomBytes} from '../lib/random-bytes.js';
import {StorageError} from '../storage/errors.js';
import {DEFAULT_LOG_CLEANER_CONFIG} from '../storage/log-cleaner.js';
import {LogManager, type TopicInfo} from '../storage/log-manager.js';
import {brokerTopicDefaults} from '../storage/topic-config.js';
import type {ClientConfig} from '../client/client-config.js';
import type {ClusterLink} from './cluster-link.js';
import {AppendOrder} from './append-order.js';
import {Connection} from './connection.js';
import {eagerHandlers, lazyHandlers} from './handlers/index.js';
import {internalTopicOverrides} from './internal-topics.js';
import {PartitionWaiters} from './partition-waiters.js';
import {ProducerStates} from './producer-states.js';
import {RequestMemory} from './request-memory.js';
import {FramePool} from './frame-pool.js';
import {BrokerTransactions} from './transactions.js';
import {Router} from './router.js';

export type {ClusterLink} from './cluster-link.js';

export interface BrokerOptions {
  /** Interface and port to listen on; port 0 picks a free one. */
  host: string;
  port: number;
  /** Host and port given to clients in Metadata; default: the listening address. */
  advertisedHost?: string;
  advertisedPort?: number;
  dataDir: string;
  nodeId: number;
  autoCreateTopics: boolean;
  numPartitions: number;
  /** socket.request.max.bytes: larger frames close the connection before they are buffered. */
  socketRequestMaxBytes: number;
  /**
   * queued.max.request.bytes: bytes of requests being received or answered, all connections
   * together; past it the broker stops reading until answers give bytes back. Kafka's default is
   * unbounded (-1); ours is socket.request.max.bytes, so hostile clients cannot exhaust memory.
   */
  queuedMaxRequestBytes: number;
  /** connections.max.idle.ms: a connection with no traffic and nothing in flight this long is closed. */
  connectionsMaxIdleMs: number;
  /** max.connections: connections beyond it are closed on arrival. */
  maxConnections: number;
  groupInitialRebalanceDelayMs: number;
  /** Replication factor of topics created without one (auto-creation, -1 in CreateTopics). */
  defaultReplicationFactor: number;
  /** replica.lag.time.max.ms: a follower this far behind leaves the ISR. */
  replicaLagTimeMaxMs: number;
  /**
   * Kafka's `listeners` with their security; when absent, one PLAINTEXT listener on host:port
   * advertised as advertisedHost:advertisedPort.
   */
  listeners?: ListenerConfig[];
  /** inter.broker.listener.name: the address registered for the other brokers. */
  interBrokerListener?: string;
  /**
   * How this broker connects to the others' inter-broker listener (replication, transaction
   * markers): its protocol, its own keystore and truststore, and sasl.mechanism.inter.broker.protocol
   * with the listener's JAAS username/password. Absent: PLAINTEXT.
   */
  interBrokerClient?: ClientConfig;
  /** authorizer.class.name and its settings; absent: every request is allowed, as in Kafka. */
  authorizer?: AuthorizerSettings;
  /** zookeeper.session.timeout.ms: how long ZooKeeper keeps a silent broker registered. */
  zookeeperSessionTimeoutMs: number;
  /** log.cleaner.enable: compact cleanup.policy=compact topics in the background. */
  logCleanerEnable: boolean;
  /** log.cleaner.backoff.ms: the cleaner's pause when no log needs cleaning. */
  logCleanerBackoffMs: number;
  /** log.cleaner.dedupe.buffer.size: bytes for the key -> offset map of one cleaning pass. */
  logCleanerDedupeBufferSize: number;
  /** log.cleaner.io.max.bytes.per.second: the cleaner's disk reads plus writes. */
  logCleanerIoMaxBytesPerSecond: number;
  /** offsets.topic.num.partitions: partitions of __consumer_offsets when it is created. */
  offsetsTopicNumPartitions: number;
  /** offsets.topic.replication.factor (capped at the live brokers when the topic is created). */
  offsetsTopicReplicationFactor: number;
  /** transaction.state.log.num.partitions / .replication.factor: the same for __transaction_state. */
  transactionStateLogNumPartitions: number;
  transactionStateLogReplicationFactor: number;
  /** transaction.max.timeout.ms: the longest transaction.timeout.ms a producer may ask for. */
  transactionMaxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms: how often expired transactions are aborted. */
  transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  /** log.retention.check.interval.ms: how often segments past retention.ms/bytes are deleted. */
  logRetentionCheckIntervalMs: number;
  /**
   * The broker's static config as given (server.properties keys, trimmed values): DescribeConfigs
   * reports these as STATIC_BROKER_CONFIG, and those that are topic config synonyms
   * (log.retention.hours, log.segment.bytes, message.max.bytes, compression.type, ...) are the
   * defaults of every topic that does not set its own.
   */
  staticConfig: Record<string, string>;
  log: (line: string) => void;
}

export const DEFAULT_BROKER_OPTIONS: BrokerOptions = {
  host: '127.0.0.1',
  port: 9092,
  dataDir: '.kcollect/broker-0',
  nodeId: 0,
  autoCreateTopics: true,
  numPartitions: 1,
  socketRequestMaxBytes: 104_857_600,
  queuedMaxRequestBytes: 104_857_600,
  connectionsMaxIdleMs: 600_000,
  maxConnections: 2_147_483_647,
  groupInitialRebalanceDelayMs: 3000,
  defaultReplicationFactor: 1,
  replicaLagTimeMaxMs: 30_000,
  zookeeperSessionTimeoutMs: 6000,
  logCleanerEnable: true,
  logCleanerBackoffMs: DEFAULT_LOG_CLEANER_CONFIG.backoffMs,
  logCleanerDedupeBufferSize: DEFAULT_LOG_CLEANER_CONFIG.dedupeBufferSize,
  logCleanerIoMaxBytesPerSecond: DEFAULT_LOG_CLEANER_CONFIG.ioMaxBytesPerSecond,
  offsetsTopicNumPartitions: 50,
  offsetsTopicReplicationFactor: 3,
  transactionStateLogNumPartitions: 50,
  transactionStateLogReplicationFactor: 3,
  transactionMaxTimeoutMs: 900_000,
  transactionAbortTimedOutTransactionCleanupIntervalMs: 10_000,
  logRetentionCheckIntervalMs: 300_000,
  staticConfig: {},
  log: (line) => process.stderr.write(`${line}\n`),
};


/** A listener's server; `bound` is where it listens, kept for answers given while it closes. */
interface ListeningServer {
  listener: ListenerConfig;
  server: net.Server;
  reloader?: CertificateReloader;
  bound?: net.AddressInfo;
}

/** A single-node Kafka-compatible broker: the embedded default behind every kcollect command. */
export class Broker {
  readonly router = new Router().register(...eagerHandlers).registerLazy(...lazyHandlers);
  readonly waiters = new PartitionWaiters();
  readonly appendOrder = new AppendOrder();
  /** Partitions whose last append the disk refused: logged once when it starts and once when it ends. */
  readonly refusingWrites = new Set<string>();
  readonly producerStates = new ProducerStates((line) => this.log(line));
  /** Frames started (well-formed or not) and frames refused; for status output and tests. */
  readonly stats = {requests: 0, framesRejected: 0};
  readonly requestMemory: RequestMemory;
  /** Reused buffers for Produce frames that arrive in several socket reads. */
  readonly framePool = new FramePool();
  private readonly connections = new Set<Connection>();
  /** Failed authentications, logged with the peer address but never more than a few per window. */
  readonly authFailures: RateLimitedLog;
  /** SCRAM credentials and ACLs; a cluster link may replace it with ZooKeeper. */
  security: SecurityStore;
  private aclStore?: {of: SecurityStore; acls: AclStore};
  private readonly idleSweep: NodeJS.Timeout;
  readonly transactions: BrokerTransactions;
  private idleWaiters: Array<() => void> = [];
  cluster?: ClusterLink;
  private closing?: Promise<void>;

  private constructor(
    readonly options: BrokerOptions,
    readonly logs: LogManager,
    private identity: {id: string; fresh: boolean},
    readonly groups: GroupCoordinator,
    readonly producerIds: ProducerIdManager,
    private readonly servers: ListeningServer[],
    readonly offsetsStore: OffsetsTopicStore,
  ) {
    this.authFailures = new RateLimitedLog(options.log);
    this.security = new DataDirSecurityStore(options.dataDir);
    const queued = options.queuedMaxRequestBytes;
    this.requestMemory = new RequestMemory(queued > 0 ? queued : Number.POSITIVE_INFINITY);
    // Kafka's selector checks idle connections the same way: a sweep, not a timer per socket.
    const sweepMs = Math.max(100, Math.min(options.connectionsMaxIdleMs / 4, 30_000));
    this.idleSweep = setInterval(() => this.closeIdleConnections(), sweepMs).unref();
    this.transactions = new BrokerTransactions(this);
  }

  static async start(overrides: Partial<BrokerOptions> = {}): Promise<Broker> {
    const options = {...DEFAULT_BROKER_OPTIONS, ...overrides};
    // Checked before anything is created: a bad log.retention.hours stops the start, naming the key.
    const topicDefaults = brokerTopicDefaults(options.staticConfig);
    fs.mkdirSync(options.dataDir, {recursive: true});
    const clusterId = loadOrCreateClusterId(options.dataDir, options.nodeId);
    const logs = LogManager.open(options.dataDir, {topicDefaults});
    logs.startRetention(options.logRetentionCheckIntervalMs);
    if (options.logCleanerEnable) {
      logs.startCleaner({
        backoffMs: options.logCleanerBackoffMs,
        dedupeBufferSize: options.logCleanerDedupeBufferSize,
        ioMaxBytesPerSecond: options.logCleanerIoMaxBytesPerSecond,
        log: options.log,
      });
    }
    let broker: Broker | undefined;
    const offsetsStore = new OffsetsTopicStore({
      partitions: () => logs.topic(OFFSETS_TOPIC)?.partitions,
      log: (p) => logs.partition(OFFSETS_TOPIC, p),
      append: (p, batch) => broker!.appendInternal(OFFSETS_TOPIC, p, batch),
    });
    const legacy = readLegacyGroupLog(options.dataDir);
    if (legacy && (legacy.state.groups.length > 0 || legacy.state.offsets.length > 0) && !logs.topic(OFFSETS_TOPIC)) {
      logs.createTopic(OFFSETS_TOPIC, options.offsetsTopicNumPartitions, internalTopicOverrides());
    }
    const groups = new GroupCoordinator({
      store: offsetsStore,
      initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
      onStoreError: (err) => options.log(`writing to ${OFFSETS_TOPIC} failed: ${String(err)}`),
    });
    const listeners = options.listeners ?? [{name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: options.host, port: options.port, advertisedHost: options.advertisedHost, advertisedPort: options.advertisedPort}];
    // node:tls and the certificates load only for a TLS listener: a plaintext broker starts sooner.
    const withTls = listeners.some((l) => isTls(l.securityProtocol)) ? await import('../security/tls.js') : undefined;
    const servers = listeners.map((listener) => ({listener, server: isTls(listener.securityProtocol) ? withTls!.tlsServer(listener.tls!, listener.name) : net.createServer()}));
    const producerIds = ProducerIdManager.open(path.join(options.dataDir, '__producer_ids'));
    broker = new Broker(options, logs, clusterId, groups, producerIds, servers, offsetsStore);
    if (legacy) {
      groups.migrate(legacy.state);
      legacy.done();
      options.log(`moved ${legacy.state.offsets.length} committed offset(s) of ${new Set(legacy.state.offsets.map((o) => o.groupId)).size} group(s) from ${legacy.file} to ${OFFSETS_TOPIC}`);
    }
    try {
      for (const s of servers) await broker.listen(s);
    } catch (err) {
      for (const s of servers) s.server.close();
      groups.close();
      logs.close();
      throw err;
    }
    return broker;
  }
  private async listen(s: ListeningServer): Promise<void> {
    const {listener, server} = s;
    if (isTls(listener.securityProtocol)) {
      const {CertificateReloader, certificatePrincipal} = await import('../security/tls.js');
      s.reloader = new CertificateReloader(server as tls.Server, listener.tls!, listener.name, this.options.log);
      server.on('secureConnection', (socket: tls.TLSSocket) => this.accept(socket, listener, certificatePrincipal(socket)));
      // A plaintext client, an untrusted certificate, a handshake cut short: that peer only.
      server.on('tlsClientError', (err, socket) => this.authFailures.write(`listener ${listener.name}: TLS handshake with ${socket.remoteAddress}:${socket.remotePort} failed: ${err.message}`));
    } else {
      server.on('connection', (socket) => this.accept(socket, listener));
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listener.port, listener.host, () => {
        server.off('error', reject);
        s.bound = server.address() as net.AddressInfo;
        resolve();
      });
    });
  }

  private accept(socket: net.Socket, listener: ListenerConfig, principal?: string): void {
    if (this.closing) return void socket.destroy();
    if (this.connections.size >= this.options.maxConnections) {
      this.options.log(`refused connection from ${socket.remoteAddress}:${socket.remotePort}: max.connections=${this.options.maxConnections} reached`);
      return void socket.destroy();
    }
    this.connections.add(new Connection(socket, this, new Session(listener, socket.remoteAddress ?? '', principal)));
  }

  get acls(): AclStore {
    if (this.aclStore?.of !== this.security) this.aclStore = {of: this.security, acls: new AclStore(this.security)};
    return this.aclStore.acls;
  }

  /** The one authorization check every handler makes; without authorizer.class.name all is allowed. */
  authorize(session: Session, operation: number, resourceType: number, name: string): boolean {
    const settings = this.options.authorizer;
    if (!settings?.enabled) return true;
    return authorize(this.acls.all(), settings, session.principal, session.clientHost, operation, resourceType, name);
  }

  /** Re-reads every TLS listener's certificates (SIGHUP); false when one could not be loaded. */
  reloadCertificates(): boolean {
    return this.servers.every((s) => s.reloader?.reload() ?? true);
  }

  /** The inter-broker listener: what ZooKeeper registers and what a single node advertises by default. */
  private get interBroker(): ListeningServer {
    const name = this.options.interBrokerListener;
    return this.servers.find((s) => s.listener.name === name) ?? this.servers[0];
  }

  /** The host the inter-broker listener is bound to: where this broker's own connections come from. */
  get localHost(): string {
    return this.interBroker.listener.host;
  }

  /** The address clients reach, as advertised in Metadata (the inter-broker listener's). */
  get advertised(): {host: string; port: number} {
    return this.advertisedOf(this.interBroker.listener.name);
  }

  /** A listener's advertised address (Metadata answers each client with its own listener's). */
  advertisedOf(name: string): {host: string; port: number} {
    const s = this.servers.find((x) => x.listener.name === name) ?? this.interBroker;
    return {host: s.listener.advertisedHost ?? s.listener.host, port: s.listener.advertisedPort ?? s.bound!.port};
  }

  /** Every listener's advertised address, for the ZooKeeper registration. */
  advertisedListeners(): Array<{name: string; securityProtocol: string; host: string; port: number}> {
    return this.servers.map((s) => ({name: s.listener.name, securityProtocol: s.listener.securityProtocol, ...this.advertisedOf(s.listener.name)}));
  }

  /** The address the server is bound to (differs from `advertised` behind a proxy). */
  get listening(): {host: string; port: number} {
    return this.listeningOn(this.interBroker.listener.name);
  }

  listeningOn(name: string): {host: string; port: number} {
    const s = this.servers.find((x) => x.listener.name === name);
    if (!s) throw new Error(`no listener named ${name}`);
    return {host: s.bound!.address, port: s.bound!.port};
  }

  get clusterId(): string {
    return this.identity.id;
  }

  /** A data dir that never joined a cluster takes the cluster's id, as a new Kafka broker does. */
  adoptClusterId(id: string): boolean {
    if (!this.identity.fresh) return id === this.identity.id;
    writeMetaProperties(this.options.dataDir, id, this.nodeId);
    this.identity = {id, fresh: false};
    return true;
  }

  get nodeId(): number {
    return this.options.nodeId;
  }

  /** This node, unless a cluster link says otherwise. */
  get controllerId(): number {
    const id = this.cluster?.controllerId ?? -1;
    return id >= 0 ? id : this.options.nodeId;
  }

  get closingDown(): boolean {
    return this.closing !== undefined;
  }

  // Topic changes reach the local logs and the cluster (ZooKeeper) together or not at all, so a
  // ZooKeeper failure never leaves a topic that exists on one side only.
  async createTopic(name: string, partitions: number, overrides: Record<string, string>, replicationFactor = -1, assignment?: number[][]): Promise<TopicInfo> {
    const rf = replicationFactor === -1 ? this.options.defaultReplicationFactor : replicationFactor;
    this.logs.validateNewTopic(name, partitions, overrides);
    const replicas = assignment ?? this.assignReplicas(partitions, rf);
    const info = this.logs.createTopic(name, partitions, overrides);
    try {
      await this.cluster?.topicCreated(info, replicas);
    } catch (err) {
      this.logs.deleteTopic(name);
      this.cluster?.resyncTopic(name);
      throw err;
    }
    return info;
  }

  /** Replica lists for new partitions: the cluster spreads them; a single node holds them all. */
  assignReplicas(partitions: number, replicationFactor: number): number[][] {
    if (this.cluster) return this.cluster.assignReplicas(partitions, replicationFactor);
    if (replicationFactor !== 1) {
      throw new StorageError('INVALID_REPLICATION_FACTOR', `Replication factor: ${replicationFactor} larger than available brokers: 1.`, 'use --replication-factor 1 on a single broker');
    }
    return Array.from({length: partitions}, () => [this.nodeId]);
  }

  async deleteTopic(name: string): Promise<void> {
    const info = this.logs.topic(name);
    if (!info) return;
    await this.cluster?.topicDeleted(name);
    this.dropLocalTopic(name);
  }

  /** The cluster deleted the topic: its local logs, producer state and committed offsets go. */
  dropLocalTopic(name: string): void {
    const info = this.logs.topic(name);
    if (!info) return;
    for (let p = 0; p < info.partitions; p++) this.producerStates.forget(this.logs.partition(name, p)!);
    this.logs.deleteTopic(name);
    this.groups.deleteOffsetsForTopic(name);
  }

  async addPartitions(name: string, total: number): Promise<void> {
    const info = this.logs.addPartitions(name, total);
    await this.cluster?.topicChanged(info);
  }

  async alterTopicConfig(name: string, overrides: Record<string, string>): Promise<void> {
    const info = this.logs.alterConfig(name, overrides);
    await this.cluster?.topicChanged(info);
  }

  log(line: string): void {
    this.options.log(line);
  }

  /** The broker's own records (__consumer_offsets), appended as the partition's leader. */
  appendInternal(topic: string, partition: number, batch: Buffer): void {
    const log = this.logs.partition(topic, partition);
    if (!log) throw new Error(`${topic}-${partition} is not on broker ${this.nodeId}`);
    // A follower's log takes only what its leader sends.
    if (this.cluster && this.cluster.leaderError(topic, partition) !== ErrorCode.NONE) throw new Error(`broker ${this.nodeId} does not lead ${topic}-${partition}`);
    log.append(batch, {leaderEpoch: this.cluster?.leaderEpoch(topic, partition) ?? 0});
    this.cluster?.appended(topic, partition);
    this.waiters.notify(topic, partition);
  }

  forgetConnection(c: Connection): void {
    this.connections.delete(c);
    this.connectionIdle();
  }

  private closeIdleConnections(): void {
    const idleSince = Date.now() - this.options.connectionsMaxIdleMs;
    for (const c of [...this.connections]) {
      if (!c.busy && c.lastActive < idleSince) {
        this.log(`closing ${c.clientAddress}: idle for more than connections.max.idle.ms=${this.options.connectionsMaxIdleMs}`);
        c.close();
      }
    }
  }

  connectionIdle(): void {
    if (![...this.connections].some((c) => c.busy)) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /**
   * Graceful stop: no new connections, wait (bounded) for requests being answered, wake
   * long-polling fetches, then close sockets, leave the cluster and close the logs.
   */
  close(graceMs = 5000): Promise<void> {
    this.closing ??= (async () => {
      await this.cluster?.controlledShutdown().catch((err) => this.log(`controlled shutdown: ${String(err)}`));
      for (const s of this.servers) {
        s.server.close();
        s.reloader?.close();
      }
      clearInterval(this.idleSweep);
      this.waiters.wakeAll();
      const idle = new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        this.connectionIdle();
      });
      await Promise.race([idle, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      // No request is answered from here on. A broker that has left its cluster would answer as a
      // single broker of its own (leader of every partition, acks=all met by itself alone).
      for (const c of [...this.connections]) c.close();
      await this.cluster?.close().catch((err) => this.log(`leaving the cluster: ${String(err)}`));
      this.transactions.close();
      this.groups.close();
      this.producerStates.close();
      this.logs.close();
    })();
    return this.closing;
  }
}

/** Kafka keeps the cluster id in meta.properties; we do the same so restarts keep it. */
function loadOrCreateClusterId(dataDir: string, nodeId: number): {id: string; fresh: boolean} {
  const file = path.join(dataDir, 'meta.properties');
  if (fs.existsSync(file)) {
    const m = /^cluster\.id=(.+)$/m.exec(fs.readFileSync(file, 'utf8'));
    if (m) return {id: m[1].trim(), fresh: false};
  }
  const id = randomBytes(16).toString('base64url');
  writeMetaProperties(dataDir, id, nodeId);
  return {id, fresh: true};
}

function writeMetaProperties(dataDir: string, clusterId: string, nodeId: number): void {
  writeFileAtomic(path.join(dataDir, 'meta.properties'), `version=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`);
}
