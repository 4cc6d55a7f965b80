import kafkajs from 'kafkajs';
import {afterAll, describe, expect, it} from 'vitest';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {runCli, runCliJson} from '../helpers/cli.js';
import {LoopbackCut} from '../helpers/loopback-cut.js';
import {startPythonProducer} from '../helpers/python-producer.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';
import {identicalReplicas, metadataFrom, readNumbers, writeTopology} from '../helpers/topology.js';
import {eventually} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));
const cutUnavailable = LoopbackCut.unavailable();
const canCut = requireTool('iptables (as root)', cutUnavailable === undefined, `run as root with iptables installed (${cutUnavailable})`);

/**
 * The multi-node topology (brokers on 127.0.0.2-4, ZooKeeper on 127.0.0.1) with a follower's
 * node cut off, neither the partition leader nor the controller: the ISR shrinks to the two
 * others, acks=all with min.insync.replicas=2 goes on, and healed, the follower catches up and
 * rejoins the ISR with a log identical to the others'.
 */
describe.runIf(haveZk && haveConfluent && canCut)('network partition: a follower\'s node cut off', () => {
  const cwd = tempDir('follower-cut');
  const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
  const cliJson = (args: string[]) => runCliJson(args, {cwd, timeoutMs: 120_000});
  afterAll(async () => {
    LoopbackCut.healAll();
    await cli(['cluster', 'down', '--purge']);
  });

  it('the ISR shrinks, acks=all goes on with two, the follower rejoins healed and every replica matches', async () => {
    const up = await cliJson(['cluster', 'up', await writeTopology(cwd, 'multi-broker-multi-node', {standaloneZk: true}), '--detach']);
    const brokers = up.nodes.filter((n: {kind: string}) => n.kind === 'broker') as Array<{id: number; address: string; dataDir: string}>;
    const kafka = new Kafka({clientId: 'follower-cut', brokers: up.brokers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 30, initialRetryTime: 100, maxRetryTime: 1000}});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'seq', numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
    const fullIsr = () =>
      eventually(async () => {
        const s = await cliJson(['cluster', 'status']);
        if (s.underReplicated.length > 0 || s.offline.length > 0) throw new Error(JSON.stringify(s.underReplicated));
      }, 60_000);
    await fullIsr();

    const producer = startPythonProducer(up.brokers, 'seq', `${cwd}/producer`);
    const ackedAtLeast = (n: number, timeoutMs = 60_000) =>
      eventually(async () => {
        if (producer.acked().length < n) throw new Error(`${producer.acked().length} acknowledged`);
      }, timeoutMs);
    await ackedAtLeast(50);

    const {controller} = await cliJson(['cluster', 'status']);
    const leader = (await admin.fetchTopicMetadata({topics: ['seq']})).topics[0].partitions[0].leader;
    const follower = brokers.find((b) => b.id !== leader && b.id !== controller)!;
    const isrSeenByLeader = async () => (await metadataFrom(brokers.find((b) => b.id === leader)!.address, 'seq')).isr;

    const cut = LoopbackCut.cut(follower.address.split(':')[0]);
    try {
      await eventually(async () => {
        const isr = await isrSeenByLeader();
        if (isr.includes(follower.id)) throw new Error(`ISR still ${isr}`);
      }, 60_000);
      expect(await isrSeenByLeader()).toEqual(brokers.map((b) => b.id).filter((id) => id !== follower.id).sort());
      // acks=all with min.insync.replicas=2 still answers with the two left.
      await ackedAtLeast(producer.acked().length + 100);
    } finally {
      cut.heal();
    }

    await fullIsr();
    await ackedAtLeast(producer.acked().length + 30);
    expect(await producer.stop()).not.toMatch(/delivery failed|not delivered/);
    const acked = producer.acked().map((a) => a.n);

    const all = await readNumbers(kafka, admin, 'seq', 'follower-cut-check');
    await admin.disconnect();
    expect(all).toEqual(acked);
    await identicalReplicas(brokers.map((b) => b.dataDir), 'seq', 0);
  }, 180_000);
});
