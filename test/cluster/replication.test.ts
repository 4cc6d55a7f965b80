import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ApiVersions} from '../../src/protocol/messages/18-api-versions.js';
import {FindCoordinator} from '../../src/protocol/messages/10-find-coordinator.js';
import {startBroker} from '../../src/services/broker-service.js';
import {ZkClient} from '../../src/zk/client.js';
import {startZookeeper, zookeeperInstalled, type ZookeeperHandle} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {requireTool} from '../helpers/system-deps.js';
import {eventually, pickZkPort} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());
const json = async (zk: ZkClient, path: string) => JSON.parse((await zk.get(path)).data.toString());

describe.runIf(haveZk)('replication across three brokers', () => {
  let server: ZookeeperHandle;
  let zk: ZkClient;
  const brokers = new Map<number, Broker>();
  const dataDirs = new Map<number, string>();
  let connect: string;

  const start = async (id: number) => {
    dataDirs.set(id, dataDirs.get(id) ?? tempDir(`repl-b${id}`));
    const b = await startBroker({port: 0, nodeId: id, dataDir: dataDirs.get(id)!, groupInitialRebalanceDelayMs: 0, replicaLagTimeMaxMs: 3000, log: () => {}}, connect);
    brokers.set(id, b);
    return b;
  };
  const bootstrap = () => [...brokers.values()].map((b) => `${b.advertised.host}:${b.advertised.port}`);
  const kafka = () => new Kafka({clientId: 'repl', brokers: bootstrap(), logLevel: logLevel.NOTHING, retry: {retries: 12, initialRetryTime: 200, maxRetryTime: 2000}});

  beforeAll(async () => {
    server = await startZookeeper({port: await pickZkPort(1), dataDir: tempDir('repl-zk')});
    connect = `${server.connectString}/kafka`;
    zk = await ZkClient.connect(connect, {createChroot: true});
    for (const id of [1, 2, 3]) await start(id);
  }, 60_000);
  afterAll(async () => {
    for (const b of brokers.values()) await b.close();
    await zk?.close();
    await server?.stop();
  });

  it('replicates an RF=3 topic to every broker, acks=all, and Metadata shows the real replicas', async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'cars', numPartitions: 2, replicationFactor: 3}], waitForLeaders: true});
    const assignment = await json(zk, '/brokers/topics/cars');
    expect([...assignment.partitions['0']].sort()).toEqual([1, 2, 3]);
    const state = await json(zk, '/brokers/topics/cars/partitions/0/state');
    expect(state).toMatchObject({leader: assignment.partitions['0'][0], leader_epoch: 0});
    expect(state.isr.sort()).toEqual([1, 2, 3]);

    const md = await admin.fetchTopicMetadata({topics: ['cars']});
    expect(md.topics[0].partitions[0].replicas.sort()).toEqual([1, 2, 3]);
    await admin.disconnect();

    const producer = kafka().producer({idempotent: true});
    await producer.connect();
    for (let i = 0; i < 20; i++) await producer.send({topic: 'cars', acks: -1, messages: [{key: String(i % 2), value: `m${i}`}]});
    await producer.disconnect();

    // Every replica holds the same log end, and the high watermark reached it on the leader.
    await eventually(async () => {
      for (const p of [0, 1]) {
        const ends = [...brokers.values()].map((b) => b.logs.partition('cars', p)!.logEndOffset);
        if (new Set(ends).size !== 1 || ends[0] === 0) throw new Error(`log ends differ: ${ends}`);
      }
    });
    const total = [0, 1].reduce((n, p) => n + brokers.get(1)!.logs.partition('cars', p)!.logEndOffset, 0);
    expect(total).toBe(20);
  }, 60_000);

  it('refuses acks=all with NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas', async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'strict', numPartitions: 1, replicationFactor: 2, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
    const state = await json(zk, '/brokers/topics/strict/partitions/0/state');
    const follower = (await json(zk, '/brokers/topics/strict')).partitions['0'].find((id: number) => id !== state.leader);
    await brokers.get(follower)!.close();
    brokers.delete(follower);
    // Asked of the leader (the one broker left): ZooKeeper holds its ISR write a moment before the
    // leader has the answer, and until then it still counts the follower (the append would pass
    // and the wait end in NOT_ENOUGH_REPLICAS_AFTER_APPEND).
    await eventually(async () => {
      const {isr} = (await admin.fetchTopicMetadata({topics: ['strict']})).topics[0].partitions[0];
      if (isr.length !== 1) throw new Error(`isr still ${isr}`);
    });
    await admin.disconnect();
    const producer = new Kafka({clientId: 'strict', brokers: bootstrap(), logLevel: logLevel.NOTHING, retry: {retries: 0}}).producer();
    await producer.connect();
    const refused = await producer.send({topic: 'strict', acks: -1, messages: [{value: 'x'}]}).catch((e) => e);
    expect(refused.cause).toMatchObject({type: 'NOT_ENOUGH_REPLICAS', code: 19});
    // acks=1 does not need the ISR.
    await producer.send({topic: 'strict', acks: 1, messages: [{value: 'y'}]});
    await producer.disconnect();

    // Back, the follower catches up and rejoins the ISR; acks=all works again.
    await start(follower);
    await eventually(async () => {
      const s = await json(zk, '/brokers/topics/strict/partitions/0/state');
      if (s.isr.length !== 2) throw new Error(`isr still ${s.isr}`);
    }, 30_000);
    const again = kafka().producer();
    await again.connect();
    await again.send({topic: 'strict', acks: -1, messages: [{value: 'z'}]});
    await again.disconnect();
    expect(brokers.get(follower)!.logs.partition('strict', 0)!.logEndOffset).toBe(2);
  }, 60_000);

  it('moves leadership to an ISR member when the leader goes, bumping the leader epoch; nothing acknowledged is lost', async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'failover', numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
    await admin.disconnect();
    const producer = kafka().producer({idempotent: true});
    await producer.connect();
    for (let i = 0; i < 10; i++) await producer.send({topic: 'failover', acks: -1, messages: [{value: String(i)}]});
    const before = await json(zk, '/brokers/topics/failover/partitions/0/state');
    await brokers.get(before.leader)!.close();
    brokers.delete(before.leader);
    const after = await eventually(async () => {
      const s = await json(zk, '/brokers/topics/failover/partitions/0/state');
      if (s.leader === before.leader || s.leader < 0) throw new Error('no new leader yet');
      return s;
    });
    expect(after.leader_epoch).toBe(before.leader_epoch + 1);
    expect(after.isr).not.toContain(before.leader);
    for (let i = 10; i < 20; i++) await producer.send({topic: 'failover', acks: -1, messages: [{value: String(i)}]});
    await producer.disconnect();

    const seen: string[] = [];
    const consumer = kafka().consumer({groupId: 'failover-readers'});
    await consumer.connect();
    await consumer.subscribe({topic: 'failover', fromBeginning: true});
    await consumer.run({eachMessage: async ({message}) => void seen.push(message.value!.toString())});
    await eventually(async () => {
      if (seen.length < 20) throw new Error(`${seen.length} read`);
    }, 30_000);
    await consumer.disconnect();
    expect(seen).toEqual(Array.from({length: 20}, (_, i) => String(i)));

    // The old leader comes back as a follower and catches up to the new leader's log.
    await start(before.leader);
    await eventually(async () => {
      const s = await json(zk, '/brokers/topics/failover/partitions/0/state');
      if (!s.isr.includes(before.leader)) throw new Error('not back in the isr');
    }, 30_000);
    expect(brokers.get(before.leader)!.logs.partition('failover', 0)!.logEndOffset).toBe(brokers.get(after.leader)!.logs.partition('failover', 0)!.logEndOffset);
  }, 90_000);

  it('keeps committed offsets when the group coordinator goes: the group moves to a live broker and resumes there', async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'resume', numPartitions: 1, replicationFactor: 2}], waitForLeaders: true});
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({topic: 'resume', acks: -1, messages: Array.from({length: 10}, (_, i) => ({value: String(i)}))});

    const first: string[] = [];
    const consumer = kafka().consumer({groupId: 'resumers'});
    await consumer.connect();
    await consumer.subscribe({topic: 'resume', fromBeginning: true});
    await consumer.run({eachMessage: async ({message}) => void first.push(message.value!.toString())});
    await eventually(async () => {
      if (first.length < 10) throw new Error(`${first.length} read`);
    });
    await consumer.disconnect();

    const [host, port] = bootstrap()[0].split(':');
    const conn = await WireConnection.connect(host, Number(port));
    await conn.negotiate(ApiVersions);
    const coordinator = (await conn.request(FindCoordinator, 1, {key: 'resumers', keyType: 0})).nodeId;
    conn.close();
    // The offsets live in __consumer_offsets only (replicated like any topic), not in ZooKeeper.
    expect(await zk.exists('/consumers/resumers')).toBeNull();
    const offsetsTopic = await json(zk, '/brokers/topics/__consumer_offsets');
    expect(Object.keys(offsetsTopic.partitions)).toHaveLength(50);
    // offsets.topic.replication.factor=3, capped at the brokers live when the topic was created.
    expect(offsetsTopic.partitions['0'].length).toBeGreaterThanOrEqual(2);
    await brokers.get(coordinator)!.close();
    brokers.delete(coordinator);

    await producer.send({topic: 'resume', acks: -1, messages: Array.from({length: 5}, (_, i) => ({value: String(10 + i)}))});
    await producer.disconnect();
    await eventually(async () => {
      const offsets = await admin.fetchOffsets({groupId: 'resumers', topics: ['resume']});
      expect(offsets[0].partitions[0].offset).toBe('10');
    }, 30_000);
    await admin.disconnect();
    const second: string[] = [];
    const again = kafka().consumer({groupId: 'resumers'});
    await again.connect();
    await again.subscribe({topic: 'resume', fromBeginning: true});
    await again.run({eachMessage: async ({message}) => void second.push(message.value!.toString())});
    await eventually(async () => {
      if (second.length < 5) throw new Error(`${second.length} read`);
    }, 30_000);
    await again.disconnect();
    expect(second).toEqual(['10', '11', '12', '13', '14']);
    await start(coordinator);
  }, 90_000);
});
