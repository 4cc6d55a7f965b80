import fs from 'node:fs';
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {decodeBatches} from '../../src/protocol/records/records.js';
import {startBroker} from '../../src/services/broker-service.js';
import {ZkClient} from '../../src/zk/client.js';
import {startZookeeper, zookeeperInstalled, type ZookeeperHandle} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {requireTool} from '../helpers/system-deps.js';
import {eventually, pickZkPort} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());

/** What a replica holds, read straight from its log: offset, key and value of every record. */
async function replicaRecords(broker: Broker, topic: string): Promise<string[]> {
  const log = broker.logs.partition(topic, 0)!;
  const chunk = log.read(log.logStartOffset, Number.MAX_SAFE_INTEGER, log.logEndOffset);
  if (chunk === 'out-of-range') throw new Error('out of range');
  const batches = await decodeBatches(Buffer.concat(chunk));
  return batches.flatMap((b) => b.records.map((r) => `${r.offset} ${r.key} ${r.value}`));
}

describe.runIf(haveZk)('a follower replica of a compacted topic', () => {
  let server: ZookeeperHandle;
  let zk: ZkClient;
  let connect: string;
  const brokers = new Map<number, Broker>();

  const start = async (id: number, dataDir: string) => {
    const b = await startBroker({port: 0, nodeId: id, dataDir, groupInitialRebalanceDelayMs: 0, replicaLagTimeMaxMs: 1000, logCleanerBackoffMs: 100, log: () => {}}, connect);
    brokers.set(id, b);
    return b;
  };
  const kafka = () => new Kafka({clientId: 'compaction-repl', brokers: [...brokers.values()].map((b) => `${b.advertised.host}:${b.advertised.port}`), logLevel: logLevel.NOTHING, retry: {retries: 12, initialRetryTime: 200, maxRetryTime: 2000}});
  const isr = async () => JSON.parse((await zk.get('/brokers/topics/table/partitions/0/state')).data.toString()).isr as number[];

  beforeAll(async () => {
    server = await startZookeeper({port: await pickZkPort(1), dataDir: tempDir('compaction-repl-zk')});
    connect = `${server.connectString}/kafka`;
    zk = await ZkClient.connect(connect, {createChroot: true});
    await start(1, tempDir('compaction-repl-b1'));
    await start(2, tempDir('compaction-repl-b2'));
  }, 60_000);
  afterAll(async () => {
    for (const b of brokers.values()) await b.close();
    await zk?.close();
    await server?.stop();
  });

  it('catches up from scratch across the offset gaps the leader\'s cleaner left', async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{topic: 'table', numPartitions: 1, replicationFactor: 2, configEntries: [{name: 'cleanup.policy', value: 'compact'}, {name: 'segment.bytes', value: '1024'}, {name: 'min.cleanable.dirty.ratio', value: '0.01'}]}],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const state = JSON.parse((await zk.get('/brokers/topics/table/partitions/0/state')).data.toString());
    const leader = brokers.get(state.leader)!;
    const followerId = state.leader === 1 ? 2 : 1;

    // The follower goes away and comes back later with an empty disk.
    const followerDir = brokers.get(followerId)!.options.dataDir;
    await brokers.get(followerId)!.close();
    brokers.delete(followerId);
    fs.rmSync(followerDir, {recursive: true, force: true});
    await eventually(async () => expect(await isr()).toEqual([state.leader]));

    const producer = kafka().producer();
    await producer.connect();
    for (let round = 0; round < 15; round++) {
      for (let k = 0; k < 6; k++) await producer.send({topic: 'table', acks: 1, messages: [{key: `k${k}`, value: `r${round}`}]});
    }
    for (let i = 0; i < 20; i++) await producer.send({topic: 'table', acks: 1, messages: [{key: `f${i}`, value: 'x'.repeat(60)}]});
    await producer.disconnect();
    // Compacted on the leader: the superseded records are gone, their offsets with them.
    await eventually(async () => expect((await replicaRecords(leader, 'table')).length).toBe(26), 45_000);
    const onLeader = await replicaRecords(leader, 'table');

    const follower = await start(followerId, followerDir);
    await eventually(async () => {
      expect(await replicaRecords(follower, 'table')).toEqual(onLeader);
      expect(await isr()).toHaveLength(2);
    }, 45_000);
    expect(follower.logs.partition('table', 0)!.logEndOffset).toBe(leader.logs.partition('table', 0)!.logEndOffset);
    expect(Number(onLeader[0].split(' ')[0])).toBeGreaterThan(0);
  }, 120_000);
});
