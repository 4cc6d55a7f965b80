import type {Broker, ClusterLink} from '../broker/broker.js';
import {errorMessage, UserError} from '../lib/errors.js';
import type {TopicInfo} from '../storage/log-manager.js';
import {ZkClient} from '../zk/client.js';
import {isZkError} from '../zk/errors.js';
import {
  brokerRegistration,
  clusterIdNode,
  controllerRegistration,
  parseTopicAssignment,
  parseTopicConfig,
  partitionState,
  PERSISTENT_PATHS,
  topicAssignment,
  topicConfig,
  uuidToBase64,
  ZkPaths,
} from './zk-layout.js';

const SESSION_TIMEOUT_MS = 6000;

/**
 * A broker registered in ZooKeeper the way Kafka 2.x registers: ephemeral /brokers/ids/<id>,
 * controller election through the ephemeral /controller, and every topic under /brokers/topics
 * and /config/topics. ZooKeeper holds the topic metadata, so a broker restarted on an empty data
 * dir gets its topics back. When the session expires the broker registers again.
 */
export class ZkRegistration implements ClusterLink {
  private zk!: ZkClient;
  private closed = false;
  /** The broker id that holds /controller, -1 while unknown. */
  controllerId = -1;
  controllerEpoch = 0;

  private constructor(
    private readonly broker: Broker,
    private readonly connectString: string,
  ) {}

  static async start(broker: Broker, connectString: string): Promise<ZkRegistration> {
    const reg = new ZkRegistration(broker, connectString);
    await reg.register();
    broker.cluster = reg;
    return reg;
  }

  private async register(): Promise<void> {
    this.zk = await ZkClient.connect(this.connectString, {sessionTimeoutMs: SESSION_TIMEOUT_MS, createChroot: true});
    this.zk.on('expired', () => {
      if (this.closed) return;
      this.broker.log(`ZooKeeper session expired: registering broker ${this.broker.nodeId} again`);
      void this.reregister();
    });
    for (const p of PERSISTENT_PATHS) await this.zk.ensurePath(p);
    await this.checkClusterId();
    await this.syncTopics();
    await this.registerBroker();
    await this.elect();
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
    const deadline = Date.now() + 3 * SESSION_TIMEOUT_MS;
    for (;;) {
      try {
        await this.zk.create(ZkPaths.broker(this.broker.nodeId), brokerRegistration(host, port), {mode: 'ephemeral'});
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

  /** Whoever creates /controller is the controller; the others watch it and try again when it goes. */
  private async elect(): Promise<void> {
    if (this.closed) return;
    try {
      await this.zk.create(ZkPaths.controller, controllerRegistration(this.broker.nodeId), {mode: 'ephemeral'});
      this.controllerEpoch = await this.bumpControllerEpoch();
      this.controllerId = this.broker.nodeId;
      this.broker.log(`broker ${this.broker.nodeId} is the controller (epoch ${this.controllerEpoch})`);
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
    } catch (err) {
      // Gone between our create and get: run the election again.
      if (isZkError(err, 'NONODE')) return this.elect();
      throw err;
    }
  }

  private async bumpControllerEpoch(): Promise<number> {
    for (;;) {
      try {
        const {data, stat} = await this.zk.get(ZkPaths.controllerEpoch);
        const next = Number(data.toString()) + 1;
        await this.zk.set(ZkPaths.controllerEpoch, String(next), {version: stat.version});
        return next;
      } catch (err) {
        if (isZkError(err, 'NONODE')) {
          try {
            await this.zk.create(ZkPaths.controllerEpoch, '1');
            return 1;
          } catch (e) {
            if (!isZkError(e, 'NODEEXISTS')) throw e;
          }
        } else if (!isZkError(err, 'BADVERSION')) throw err;
      }
    }
  }

  /** ZooKeeper is the truth for topics: bring them into the local logs; publish local-only ones. */
  private async syncTopics(): Promise<void> {
    const inZk = new Set(await this.zk.children(ZkPaths.brokerTopics));
    for (const name of inZk) {
      const {replicas} = parseTopicAssignment((await this.zk.get(ZkPaths.topic(name))).data.toString());
      const overrides = await this.readTopicConfig(name);
      const local = this.broker.logs.topic(name);
      if (!local) {
        this.broker.logs.createTopic(name, replicas.length, overrides);
        this.broker.log(`topic ${name} (${replicas.length} partitions) restored from ZooKeeper`);
      } else {
        if (local.partitions < replicas.length) this.broker.logs.addPartitions(name, replicas.length);
        if (JSON.stringify(local.overrides) !== JSON.stringify(overrides)) this.broker.logs.alterConfig(name, overrides);
      }
    }
    for (const info of this.broker.logs.topics()) if (!inZk.has(info.name)) await this.topicCreated(info);
  }

  private async readTopicConfig(name: string): Promise<Record<string, string>> {
    try {
      return parseTopicConfig((await this.zk.get(ZkPaths.topicConfig(name))).data.toString());
    } catch (err) {
      if (isZkError(err, 'NONODE')) return {};
      throw err;
    }
  }

  async topicCreated(info: TopicInfo): Promise<void> {
    const id = this.broker.nodeId;
    await this.zk.create(ZkPaths.topicConfig(info.name), topicConfig(info.overrides)).catch(ignore('NODEEXISTS'));
    await this.zk.create(ZkPaths.topic(info.name), topicAssignment(uuidToBase64(info.id), Array.from({length: info.partitions}, () => [id])));
    await this.writePartitionStates(info, 0);
  }

  async topicDeleted(name: string): Promise<void> {
    await this.zk.remove(ZkPaths.topic(name), {recursive: true}).catch(ignore('NONODE'));
    await this.zk.remove(ZkPaths.topicConfig(name)).catch(ignore('NONODE'));
  }

  async topicChanged(info: TopicInfo): Promise<void> {
    const id = this.broker.nodeId;
    const assignment = topicAssignment(uuidToBase64(info.id), Array.from({length: info.partitions}, () => [id]));
    await this.zk.set(ZkPaths.topic(info.name), assignment);
    await this.zk.set(ZkPaths.topicConfig(info.name), topicConfig(info.overrides)).catch(async (err) => {
      if (!isZkError(err, 'NONODE')) throw err;
      await this.zk.create(ZkPaths.topicConfig(info.name), topicConfig(info.overrides));
    });
    // Kafka announces config changes so that other brokers reload them.
    await this.zk.create(`${ZkPaths.configChanges}/config_change_`, JSON.stringify({version: 2, entity_path: `topics/${info.name}`}), {sequential: true});
    await this.writePartitionStates(info, 0);
  }

  private async writePartitionStates(info: TopicInfo, from: number): Promise<void> {
    const id = this.broker.nodeId;
    for (let p = from; p < info.partitions; p++) {
      const state = partitionState({controllerEpoch: this.controllerEpoch, leader: id, leaderEpoch: 0, isr: [id]});
      await this.zk.create(ZkPaths.partitionState(info.name, p), state, {parents: true}).catch(ignore('NODEEXISTS'));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.broker.cluster === this) this.broker.cluster = undefined;
    await this.zk.close();
  }
}

function ignore(name: 'NODEEXISTS' | 'NONODE') {
  return (err: unknown) => {
    if (!isZkError(err, name)) throw err;
  };
}
