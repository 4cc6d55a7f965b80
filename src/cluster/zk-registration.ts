import type {Broker} from '../broker/broker.js';
import type {BrokerEndpoint, ClusterLink, PartitionView} from '../broker/cluster-link.js';
import {errorMessage, UserError} from '../lib/errors.js';
import {ErrorCode} from '../protocol/errors.js';
import {StorageError} from '../storage/errors.js';
import type {TopicInfo} from '../storage/log-manager.js';
import {ZkClient} from '../zk/client.js';
import {isZkError} from '../zk/errors.js';
import {
  brokerRegistration,
  clusterIdNode,
  controllerRegistration,
  parseTopicAssignment,
  partitionState,
  PERSISTENT_PATHS,
  topicAssignment,
  topicConfig,
  uuidToBase64,
  ZkPaths,
} from './zk-layout.js';
import {ClusterView, type TopicRecord} from './cluster-view.js';
import {Controller} from './controller.js';
import {PeerWatch} from './peer-watch.js';
import {ReplicaManager} from './replica-manager.js';
import {groupsWithZkOffsets, readOffsets, removeOffsets, ZkProducerIds} from './zk-groups.js';
import {ensureOffsetsTopic} from '../broker/internal-topics.js';
import {OFFSETS_TOPIC} from '../protocol/consumer-offsets.js';
import {ZkSecurityStore} from './zk-security-store.js';

/** How long controlled shutdown waits for leadership to move before the broker stops anyway. */
const CONTROLLED_SHUTDOWN_MS = 5000;

/**
 * A broker registered in ZooKeeper the way Kafka 2.x registers: ephemeral /brokers/ids/<id>,
 * controller election through the ephemeral /controller, and every topic under /brokers/topics
 * and /config/topics. ZooKeeper holds the topic metadata and each partition's leader, ISR and
 * leader epoch: every broker mirrors the topics into its local logs and takes the roles the
 * partition states give it (ClusterView -> ReplicaManager); the controller moves leadership when
 * brokers come and go. A broker restarted on an empty data dir gets its topics back. When the
 * session expires the broker registers again.
 */
export class ZkRegistration implements ClusterLink {
  private zk!: ZkClient;
  private closed = false;
  /** Stepped down after losing ZooKeeper for a session timeout; the timer that will do it. */
  private steppedDown = false;
  private rereading = false;
  private stepDownTimer?: NodeJS.Timeout;
  /** The version of /controller_epoch this broker wrote when it became controller: its writes are conditional on it. */
  private controllerEpochZkVersion = -1;
  /** Controlled shutdown under way: the registration is withdrawn on purpose. */
  private leaving = false;
  /** The broker id that holds /controller, -1 while unknown. */
  controllerId = -1;
  controllerEpoch = 0;
  private readonly view: ClusterView;
  private readonly replicas: ReplicaManager;
  private readonly controller: Controller;
  private readonly producerIds: ZkProducerIds;
  /** SCRAM credentials and ACLs of the whole cluster (/config/users, /kafka-acl...). */
  private readonly security: ZkSecurityStore;
  private readonly peers: PeerWatch;
  /** __consumer_offsets partitions this broker leads and has loaded its groups from: the leader epoch loaded. */
  private readonly loadedOffsets = new Map<number, {epoch: number; loading: Promise<void>}>();

  private constructor(
    private readonly broker: Broker,
    private readonly connectString: string,
  ) {
    this.view = new ClusterView(
      {
        brokersChanged: () => {
          this.peers.sync();
          this.controller.trigger();
        },
        topicChanged: (name, topic) => this.mirrorTopic(name, topic),
        partitionChanged: (topic, p, record, replicas) => {
          this.replicas.partitionChanged(topic, p, record, replicas);
          if (topic === OFFSETS_TOPIC) this.offsetsPartitionChanged(p);
        },
      },
      (line) => broker.log(line),
    );
    this.replicas = new ReplicaManager(broker, this.view, () => this.zk);
    this.controller = new Controller(() => this.zk, () => ({epoch: this.controllerEpoch, zkVersion: this.controllerEpochZkVersion}), (line) => broker.log(line), () => broker.logs.topicDefaults.config.uncleanLeaderElectionEnable);
    this.producerIds = new ZkProducerIds(() => this.zk, broker.nodeId);
    this.security = new ZkSecurityStore(() => this.zk, (line) => broker.log(line));
    this.peers = new PeerWatch({nodeId: broker.nodeId, localHost: broker.localHost, zk: () => this.zk, liveBrokers: () => this.view.liveBrokers(), log: (line) => broker.log(line)});
  }

  private get sessionTimeoutMs(): number {
    return this.broker.options.zookeeperSessionTimeoutMs;
  }

  static async start(broker: Broker, connectString: string): Promise<ZkRegistration> {
    // In a cluster a broker coordinates only the groups of the offsets partitions it leads: they
    // are loaded as it becomes their leader, not from whatever replicas its data dir holds.
    broker.groups.unloadGroups(() => true);
    const reg = new ZkRegistration(broker, connectString);
    await reg.register();
    broker.cluster = reg;
    return reg;
  }

  private async register(): Promise<void> {
    this.zk = await ZkClient.connect(this.connectString, {sessionTimeoutMs: this.sessionTimeoutMs, createChroot: true, localHost: this.broker.localHost});
    this.steppedDown = false;
    clearTimeout(this.stepDownTimer);
    this.stepDownTimer = undefined;
    this.watchConnection(this.zk);
    this.zk.on('expired', () => {
      if (this.closed || this.leaving) return;
      this.broker.log(`ZooKeeper session expired: registering broker ${this.broker.nodeId} again`);
      this.view.detach();
      this.security.detach();
      this.controller.deactivate();
      // Other leaders may be elected before we are registered again: lead on only where nobody else can.
      this.replicas.lostZooKeeper();
      void this.reregister();
    });
    for (const p of PERSISTENT_PATHS) await this.zk.ensurePath(p);
    await this.security.attach();
    this.broker.security = this.security;
    await this.checkClusterId();
    await this.publishLocalTopics();
    await this.view.attach(this.zk);
    this.replicas.zooKeeperBack();
    await this.registerBroker();
    await this.view.refreshBrokers();
    await this.elect();
  }

  /**
   * A broker that cannot reach ZooKeeper cannot know whether it still leads: once a whole session
   * timeout has passed since the server last answered, its session may be gone on the server's
   * side and the controller may have elected other leaders. It stops acting as controller, and
   * as leader wherever a replica that could have taken over stopped fetching from it (see
   * ReplicaManager.lostZooKeeper): a broker cut off alone steps down, while with the whole
   * ensemble down (nobody can elect anyone) produce and fetch go on. Back in touch with the same
   * session, it reads the partition states again and takes back what is still its own.
   */
  private watchConnection(zk: ZkClient): void {
    zk.on('state', (state) => {
      if (zk !== this.zk || this.closed) return;
      if (state === 'disconnected' && !this.stepDownTimer && !this.steppedDown) {
        const left = Math.max(0, zk.lastHeardAt + this.sessionTimeoutMs - Date.now());
        this.stepDownTimer = setTimeout(() => {
          this.stepDownTimer = undefined;
          if (zk !== this.zk || this.closed || zk.state === 'connected') return;
          this.steppedDown = true;
          this.broker.log(`ZooKeeper out of reach for the session timeout (${this.sessionTimeoutMs} ms): ${this.controller.isActive ? 'stepping down as controller; ' : ''}leading on only where every replica that could take over still follows this broker`);
          this.controller.deactivate();
          this.replicas.lostZooKeeper();
        }, left);
        this.stepDownTimer.unref();
      } else if (state === 'connected') {
        clearTimeout(this.stepDownTimer);
        this.stepDownTimer = undefined;
        if (!this.steppedDown || this.rereading) return;
        this.broker.log('ZooKeeper reachable again with the same session: reading the partition states again');
        this.rereading = true;
        void this.takeBack(zk).finally(() => (this.rereading = false));
      }
    });
  }

  /**
   * Reads the cluster again after stepping down and runs the election. It stays stepped down
   * until that succeeds: a read that fails while still connected is tried again (nothing else
   * would try: no watch is set yet), and one cut short by a new disconnect starts over at the next
   * reconnect.
   */
  private async takeBack(zk: ZkClient): Promise<void> {
    for (let attempt = 1; zk === this.zk && !this.closed && zk.state === 'connected'; attempt++) {
      try {
        await this.view.attach(zk);
        this.replicas.zooKeeperBack();
        await this.elect();
        this.steppedDown = false;
        return;
      } catch (err) {
        this.broker.log(`re-reading the cluster after reconnecting failed (attempt ${attempt}): ${errorMessage(err)}`);
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * attempt)));
      }
    }
  }

  private async reregister(): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.zk.close().catch(() => {});
        await this.register();
        return;
      } catch (err) {
        this.broker.log(`re-registering in ZooKeeper failed (attempt ${attempt}): ${errorMessage(err)}`);
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * attempt)));
      }
    }
  }

  /** Kafka refuses to join a cluster whose id differs from the one in meta.properties. */
  private async checkClusterId(): Promise<void> {
    try {
      await this.zk.create(ZkPaths.clusterId, clusterIdNode(this.broker.clusterId), {parents: true});
    } catch (err) {
      if (!isZkError(err, 'NODEEXISTS')) throw err;
      const id = (JSON.parse((await this.zk.get(ZkPaths.clusterId)).data.toString()) as {id: string}).id;
      if (!this.broker.adoptClusterId(id)) {
        throw new UserError(
          `the data dir belongs to cluster ${this.broker.clusterId} but ZooKeeper ${this.connectString} holds cluster ${id}`,
          'use the data dir of this cluster, a fresh data dir, or the ZooKeeper (or chroot) this data dir was used with',
        );
      }
    }
  }

  /**
   * The ephemeral registration. After a kill -9 the old session's node stays until that session
   * times out, so wait for it rather than fail as Kafka does.
   */
  private async registerBroker(): Promise<void> {
    const {host, port} = this.broker.advertised;
    const deadline = Date.now() + 3 * this.sessionTimeoutMs;
    for (;;) {
      try {
        await this.zk.create(ZkPaths.broker(this.broker.nodeId), brokerRegistration(host, port, null, this.broker.advertisedListeners()), {mode: 'ephemeral'});
        void this.watchOwnRegistration(this.zk).catch((err) => this.broker.log(`watching the registration of broker ${this.broker.nodeId}: ${errorMessage(err)}`));
        return;
      } catch (err) {
        if (!isZkError(err, 'NODEEXISTS') || Date.now() > deadline) {
          if (isZkError(err, 'NODEEXISTS')) throw new UserError(`broker id ${this.broker.nodeId} is already registered in ZooKeeper`, 'another broker with this --id is running; pick another id');
          throw err;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * A peer that found this broker's port refusing connections removes its registration (see
   * PeerWatch); if this broker is in fact alive, it registers again at once.
   */
  private async watchOwnRegistration(zk: ZkClient): Promise<void> {
    const path = ZkPaths.broker(this.broker.nodeId);
    const stat = await zk.exists(path, {
      watch: (e) => {
        if (e.type !== 'NODE_DELETED' || this.closed || this.leaving || zk !== this.zk) return;
        this.broker.log(`the registration of broker ${this.broker.nodeId} was removed while it runs: registering again`);
        const {host, port} = this.broker.advertised;
        zk.create(path, brokerRegistration(host, port), {mode: 'ephemeral'})
          .catch(ignore('NODEEXISTS'))
          .then(() => this.watchOwnRegistration(zk))
          .catch((err) => this.broker.log(`registering again failed: ${errorMessage(err)}`));
      },
    });
    if (!stat && !this.closed && !this.leaving) throw new Error(`the registration of broker ${this.broker.nodeId} vanished`);
  }

  /** Whoever creates /controller is the controller; the others watch it and try again when it goes. */
  private async elect(): Promise<void> {
    if (this.closed || this.leaving) return;
    try {
      await this.zk.create(ZkPaths.controller, controllerRegistration(this.broker.nodeId), {mode: 'ephemeral'});
      ({epoch: this.controllerEpoch, zkVersion: this.controllerEpochZkVersion} = await this.bumpControllerEpoch());
      this.controllerId = this.broker.nodeId;
      this.broker.log(`broker ${this.broker.nodeId} is the controller (epoch ${this.controllerEpoch})`);
      this.controller.activate();
    } catch (err) {
      if (!isZkError(err, 'NODEEXISTS')) throw err;
    }
    try {
      const {data} = await this.zk.get(ZkPaths.controller, {
        watch: (e) => {
          if (e.type === 'NODE_DELETED' || e.type === 'NODE_DATA_CHANGED') void this.elect().catch((err) => this.broker.log(`controller election failed: ${errorMessage(err)}`));
        },
      });
      this.controllerId = (JSON.parse(data.toString()) as {brokerid: number}).brokerid;
      if (this.controllerId !== this.broker.nodeId) this.controller.deactivate();
      // Still ours after stepping down: the session survived, so no other controller was elected.
      else if (!this.controller.isActive) this.controller.activate();
    } catch (err) {
      // Gone between our create and get: run the election again.
      if (isZkError(err, 'NONODE')) return this.elect();
      throw err;
    }
  }

  private async bumpControllerEpoch(): Promise<{epoch: number; zkVersion: number}> {
    for (;;) {
      try {
        const {data, stat} = await this.zk.get(ZkPaths.controllerEpoch);
        const next = Number(data.toString()) + 1;
        const written = await this.zk.set(ZkPaths.controllerEpoch, String(next), {version: stat.version});
        return {epoch: next, zkVersion: written.version};
      } catch (err) {
        if (isZkError(err, 'NONODE')) {
          try {
            await this.zk.create(ZkPaths.controllerEpoch, '1');
            return {epoch: 1, zkVersion: 0};
          } catch (e) {
            if (!isZkError(e, 'NODEEXISTS')) throw e;
          }
        } else if (!isZkError(err, 'BADVERSION')) throw err;
      }
    }
  }

  /** Topics this data dir holds that ZooKeeper does not know (a broker that ran without it) are published, led by this broker. */
  private async publishLocalTopics(): Promise<void> {
    const inZk = new Set(await this.zk.children(ZkPaths.brokerTopics));
    for (const info of this.broker.logs.topics()) {
      if (!inZk.has(info.name)) await this.topicCreated(info, Array.from({length: info.partitions}, () => [this.broker.nodeId]));
    }
  }

  /** ZooKeeper is the truth for topics: the local logs follow what the view reports. */
  private mirrorTopic(name: string, topic: TopicRecord | undefined): void {
    const logs = this.broker.logs;
    try {
      if (!topic) {
        this.replicas.topicRemoved(name);
        if (logs.topic(name)) this.broker.dropLocalTopic(name);
        return;
      }
      const local = logs.topic(name);
      if (!local) {
        logs.createTopic(name, topic.replicas.length, topic.config, topic.id ?? undefined);
        this.broker.log(`topic ${name} (${topic.replicas.length} partitions) from ZooKeeper`);
        return;
      }
      // Every broker answers with the same topic id (Metadata v10+, Fetch v13+).
      if (topic.id && local.id !== topic.id) logs.adoptTopicId(name, topic.id);
      if (local.partitions < topic.replicas.length) logs.addPartitions(name, topic.replicas.length);
      if (JSON.stringify(local.overrides) !== JSON.stringify(topic.config)) logs.alterConfig(name, topic.config);
    } catch (err) {
      this.broker.log(`mirroring topic ${name} from ZooKeeper failed: ${errorMessage(err)}`);
    }
  }

  liveBrokers(): BrokerEndpoint[] {
    return this.view.liveBrokers();
  }

  partition(topic: string, index: number): PartitionView | undefined {
    const t = this.view.topics.get(topic);
    const record = t?.partitions.get(index);
    if (!t || !record) return undefined;
    return {leader: record.state.leader, leaderEpoch: record.state.leaderEpoch, isr: record.state.isr, replicas: t.replicas[index] ?? []};
  }

  /** Kafka's rack-unaware assignment, simplified: round robin over the live brokers from a random start. */
  assignReplicas(count: number, replicationFactor: number): number[][] {
    const live = this.view.liveBrokers().map((b) => b.nodeId);
    if (replicationFactor < 1 || replicationFactor > live.length) {
      throw new StorageError('INVALID_REPLICATION_FACTOR', `Replication factor: ${replicationFactor} larger than available brokers: ${live.length}.`, `use a replication factor between 1 and ${live.length}, or start more brokers`);
    }
    const start = Math.floor(Math.random() * live.length);
    return Array.from({length: count}, (_, p) => Array.from({length: replicationFactor}, (_, r) => live[(start + p + r) % live.length]));
  }

  /**
   * Topic changes are ZooKeeper writes. Without ZooKeeper they fail with REQUEST_TIMED_OUT, a
   * retriable Kafka error whose message says why: at once when it has been out of reach for a
   * session timeout (nothing is changed, not even locally), else once the operation timed out.
   */
  private async zkWrite<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const outOfReach = () => new StorageError('REQUEST_TIMED_OUT', `ZooKeeper ${this.connectString} is out of reach: cannot ${what} until it is back`, 'start ZooKeeper again, or check the network between this broker and ZooKeeper');
    if (this.steppedDown && this.zk.state !== 'connected') throw outOfReach();
    try {
      return await fn();
    } catch (err) {
      if (isZkError(err, 'CONNECTIONLOSS') || isZkError(err, 'OPERATIONTIMEOUT') || isZkError(err, 'SESSIONEXPIRED')) throw outOfReach();
      throw err;
    }
  }

  topicCreated(info: TopicInfo, assignment: number[][]): Promise<void> {
    return this.zkWrite(`create topic ${info.name}`, () => this.createTopicInZk(info, assignment));
  }

  private async createTopicInZk(info: TopicInfo, assignment: number[][]): Promise<void> {
    const alreadyExists = () => new StorageError('TOPIC_ALREADY_EXISTS', `Topic '${info.name}' already exists.`);
    // Checked before the config is written, so a topic another broker created keeps its config.
    if (await this.zk.exists(ZkPaths.topic(info.name))) throw alreadyExists();
    await this.zk.create(ZkPaths.topicConfig(info.name), topicConfig(info.overrides)).catch(async (err) => {
      if (!isZkError(err, 'NODEEXISTS')) throw err;
      await this.zk.set(ZkPaths.topicConfig(info.name), topicConfig(info.overrides));
    });
    const id = uuidToBase64(info.id);
    try {
      // Assignment and every partition state in one transaction: no broker ever sees half a topic.
      await this.zk.multi([
        {op: 'create', path: ZkPaths.topic(info.name), data: topicAssignment(id, assignment)},
        {op: 'create', path: ZkPaths.partitions(info.name)},
        ...this.partitionStateOps(info.name, assignment, 0),
      ]);
    } catch (err) {
      // A connection lost mid-request leaves the outcome unknown: the topic may be in ZooKeeper
      // with our id, and then it was created (failing here would leave it in ZooKeeper only).
      const landed = await this.zk.get(ZkPaths.topic(info.name)).then((r) => parseTopicAssignment(r.data.toString()).topicId, () => null);
      if (landed !== id) throw isZkError(err, 'NODEEXISTS') ? alreadyExists() : err;
    }
    await this.untilKnown(info.name, assignment.length);
  }

  /** Brings the local logs back to what ZooKeeper says of one topic (after a local change was undone). */
  resyncTopic(name: string): void {
    this.mirrorTopic(name, this.view.topics.get(name));
  }

  /**
   * Waits (bounded) until this broker's view holds the state of every partition, as Kafka's
   * CreateTopics waits for the metadata: a client that asks for the topic's leaders right after
   * creating it then finds them instead of LEADER_NOT_AVAILABLE.
   */
  private async untilKnown(topic: string, partitions: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const known = () => Array.from({length: partitions}, (_, p) => this.partition(topic, p)).every((v) => v !== undefined && v.leader >= 0);
    while (!known() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  private partitionStateOps(topic: string, assignment: number[][], from: number) {
    return assignment.slice(from).flatMap((replicas, i) => [
      {op: 'create' as const, path: `${ZkPaths.partitions(topic)}/${from + i}`},
      {op: 'create' as const, path: ZkPaths.partitionState(topic, from + i), data: partitionState({controllerEpoch: this.controllerEpoch, leader: replicas[0], leaderEpoch: 0, isr: replicas})},
    ]);
  }

  topicDeleted(name: string): Promise<void> {
    return this.zkWrite(`delete topic ${name}`, async () => {
      this.replicas.topicRemoved(name);
      await this.zk.remove(ZkPaths.topic(name), {recursive: true}).catch(ignore('NONODE'));
      await this.zk.remove(ZkPaths.topicConfig(name)).catch(ignore('NONODE'));
    });
  }

  topicChanged(info: TopicInfo): Promise<void> {
    return this.zkWrite(`change topic ${info.name}`, () => this.changeTopicInZk(info));
  }

  private async changeTopicInZk(info: TopicInfo): Promise<void> {
    const current = parseTopicAssignment((await this.zk.get(ZkPaths.topic(info.name))).data.toString()).replicas;
    const added = info.partitions > current.length ? this.assignReplicas(info.partitions - current.length, current[0]?.length ?? 1) : [];
    const assignment = [...current, ...added];
    await this.zk.set(ZkPaths.topicConfig(info.name), topicConfig(info.overrides)).catch(async (err) => {
      if (!isZkError(err, 'NONODE')) throw err;
      await this.zk.create(ZkPaths.topicConfig(info.name), topicConfig(info.overrides));
    });
    // Kafka announces config changes so that other brokers reload them.
    await this.zk.create(`${ZkPaths.configChanges}/config_change_`, JSON.stringify({version: 2, entity_path: `topics/${info.name}`}), {sequential: true});
    if (added.length === 0) return;
    await this.zk.ensurePath(ZkPaths.partitions(info.name));
    await this.zk.multi([{op: 'set', path: ZkPaths.topic(info.name), data: topicAssignment(uuidToBase64(info.id), assignment)}, ...this.partitionStateOps(info.name, assignment, current.length)]);
    await this.untilKnown(info.name, assignment.length);
  }

  leaderError(topic: string, index: number): number {
    return this.replicas.leaderError(topic, index);
  }

  leaderEpoch(topic: string, index: number): number {
    return this.replicas.leaderEpoch(topic, index);
  }

  epochAt(topic: string, index: number, offset: number | 'latest'): number {
    return this.replicas.epochAt(topic, index, offset);
  }

  endOffsetForEpoch(topic: string, index: number, epoch: number): {epoch: number; endOffset: number} {
    return this.replicas.endOffsetForEpoch(topic, index, epoch);
  }

  appended(topic: string, index: number): void {
    this.replicas.appended(topic, index);
  }

  awaitReplication(topic: string, index: number, offset: number, minIsr: number, timeoutMs: number, signal: AbortSignal): Promise<number> {
    return this.replicas.awaitReplication(topic, index, offset, minIsr, timeoutMs, signal);
  }

  isrSize(topic: string, index: number): number {
    return this.replicas.isrSize(topic, index);
  }

  followerFetched(topic: string, index: number, replicaId: number, fetchOffset: number, currentLeaderEpoch?: number): number {
    return this.replicas.followerFetched(topic, index, replicaId, fetchOffset, currentLeaderEpoch);
  }

  /** Kafka's rule: the leader of the group's __consumer_offsets partition. */
  coordinatorFor(groupId: string): BrokerEndpoint | undefined {
    const p = this.broker.offsetsStore.partitionFor(groupId);
    const leader = p === undefined ? undefined : this.partition(OFFSETS_TOPIC, p)?.leader;
    return this.view.liveBrokers().find((b) => b.nodeId === leader);
  }

  async prepareGroup(groupId: string): Promise<number> {
    try {
      await ensureOffsetsTopic(this.broker);
    } catch (err) {
      this.broker.log(`creating ${OFFSETS_TOPIC} failed: ${errorMessage(err)}`);
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    const p = this.broker.offsetsStore.partitionFor(groupId)!;
    const loaded = this.loadAsLeader(p);
    if (!loaded) return ErrorCode.NOT_COORDINATOR;
    try {
      await loaded.loading;
      return ErrorCode.NONE;
    } catch (err) {
      if (this.loadedOffsets.get(p) === loaded) this.loadedOffsets.delete(p);
      this.broker.log(`loading the groups of ${OFFSETS_TOPIC}-${p} failed: ${errorMessage(err)}`);
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  /**
   * Becoming the coordinator of a partition's groups: they are what its records say (the former
   * leader's commits were replicated here), plus offsets still in the ZooKeeper layout of earlier
   * versions, moved into the topic once.
   */
  private async loadOffsetsPartition(p: number): Promise<void> {
    const store = this.broker.offsetsStore;
    const owns = (groupId: string) => store.partitionFor(groupId) === p;
    this.broker.groups.loadGroups(store.loadPartition(p), owns);
    for (const groupId of (await groupsWithZkOffsets(this.zk)).filter(owns)) {
      const offsets = await readOffsets(this.zk, groupId);
      this.broker.groups.migrate({groups: [], offsets: offsets.map((o) => ({groupId, ...o}))});
      await this.offsetsCommitted(groupId);
      await removeOffsets(this.zk, groupId);
      this.broker.log(`moved ${offsets.length} committed offset(s) of group ${groupId} from ZooKeeper to ${OFFSETS_TOPIC}`);
    }
  }

  /** The load of partition p's groups for the current leader epoch; undefined unless this broker leads p. */
  private loadAsLeader(p: number): {epoch: number; loading: Promise<void>} | undefined {
    if (this.replicas.leaderError(OFFSETS_TOPIC, p) !== ErrorCode.NONE) return undefined;
    const epoch = this.replicas.leaderEpoch(OFFSETS_TOPIC, p);
    let loaded = this.loadedOffsets.get(p);
    if (!loaded || loaded.epoch !== epoch) {
      loaded = {epoch, loading: this.loadOffsetsPartition(p)};
      this.loadedOffsets.set(p, loaded);
    }
    return loaded;
  }

  /** As Kafka: the new leader of an offsets partition loads its groups, the old one drops them. */
  private offsetsPartitionChanged(p: number): void {
    const loaded = this.loadAsLeader(p);
    if (loaded) {
      loaded.loading.catch((err) => {
        if (this.loadedOffsets.get(p) === loaded) this.loadedOffsets.delete(p);
        this.broker.log(`loading the groups of ${OFFSETS_TOPIC}-${p} failed: ${errorMessage(err)}`);
      });
      return;
    }
    if (!this.loadedOffsets.delete(p)) return;
    this.broker.groups.unloadGroups((groupId) => this.broker.offsetsStore.partitionFor(groupId) === p);
  }

  /** Kafka's offsets.commit.required.acks=-1: a commit counts once every in-sync replica has it. */
  async offsetsCommitted(groupId: string): Promise<void> {
    const p = this.broker.offsetsStore.partitionFor(groupId);
    const log = p === undefined ? undefined : this.broker.logs.partition(OFFSETS_TOPIC, p);
    if (p === undefined || !log) throw new Error(`${OFFSETS_TOPIC} is not on broker ${this.broker.nodeId}`);
    const code = await this.replicas.awaitReplication(OFFSETS_TOPIC, p, log.logEndOffset - 1, 1, OFFSETS_COMMIT_TIMEOUT_MS, new AbortController().signal);
    if (code !== ErrorCode.NONE) throw new Error(`${OFFSETS_TOPIC}-${p} was not replicated: error ${code}`);
  }

  nextProducerId(): Promise<number> {
    return this.producerIds.nextProducerId();
  }

  /**
   * Controlled shutdown (Kafka's ControlledShutdown): hand over the controller role, withdraw the
   * registration so the controller moves every partition this broker leads to another ISR
   * member, and wait (bounded) for that while still answering, so clients are sent to the new
   * leaders instead of finding a closed port.
   */
  async controlledShutdown(): Promise<void> {
    if (this.closed || this.leaving) return;
    const me = this.broker.nodeId;
    if (!this.view.liveBrokers().some((b) => b.nodeId !== me)) return;
    this.leaving = true;
    try {
      if (this.controller.isActive) {
        this.controller.deactivate();
        await this.zk.remove(ZkPaths.controller).catch(ignore('NONODE'));
      }
      await this.zk.remove(ZkPaths.broker(me)).catch(ignore('NONODE'));
      const deadline = Date.now() + CONTROLLED_SHUTDOWN_MS;
      while (this.leadsMovable() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      this.broker.log(this.leadsMovable() ? `controlled shutdown: some partitions still led by broker ${me} after ${CONTROLLED_SHUTDOWN_MS} ms` : `controlled shutdown: broker ${me} leads no partition another replica can take`);
    } catch (err) {
      this.broker.log(`controlled shutdown: ${errorMessage(err)}`);
    }
  }

  /** Some partition is led by this broker and has another live ISR member to take over. */
  private leadsMovable(): boolean {
    const me = this.broker.nodeId;
    const live = new Set(this.view.liveBrokers().map((b) => b.nodeId));
    for (const t of this.view.topics.values()) {
      for (const r of t.partitions.values()) if (r.state.leader === me && r.state.isr.some((id) => id !== me && live.has(id))) return true;
    }
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.stepDownTimer);
    this.peers.stop();
    this.controller.deactivate();
    this.view.detach();
    this.security.detach();
    await this.replicas.close();
    if (this.broker.cluster === this) this.broker.cluster = undefined;
    await this.zk.close();
  }
}

/** offsets.commit.timeout.ms */
const OFFSETS_COMMIT_TIMEOUT_MS = 5000;

function ignore(name: 'NODEEXISTS' | 'NONODE') {
  return (err: unknown) => {
    if (!isZkError(err, name)) throw err;
  };
}
