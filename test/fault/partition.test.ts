import kafkajs from 'kafkajs';
import {afterAll, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {runCli, runCliJson} from '../helpers/cli.js';
import {LoopbackCut} from '../helpers/loopback-cut.js';
import {startPythonProducer} from '../helpers/python-producer.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';
import {identicalReplicas, readNumbers, writeTopology} from '../helpers/topology.js';
import {eventually} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));
const cutUnavailable = LoopbackCut.unavailable();
const canCut = requireTool('iptables (as root)', cutUnavailable === undefined, `run as root with iptables installed (${cutUnavailable})`);

/**
 * The multi-node topology's brokers on 127.0.0.2-4 (ZooKeeper on 127.0.0.1, outside the nodes)
 * with the partition leader's node cut off by iptables while an idempotent acks=all producer
 * (confluent-kafka: librdkafka gives up on a silent connection and finds the new leader) writes.
 */
describe.runIf(haveZk && haveConfluent && canCut)('network partition: the leader\'s node cut off', () => {
  const cwd = tempDir('partition');
  const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
  const cliJson = (args: string[]) => runCliJson(args, {cwd, timeoutMs: 120_000});
  afterAll(async () => {
    LoopbackCut.healAll();
    await cli(['cluster', 'down', '--purge']);
  });

  it('a new leader takes the writes during the cut, the isolated one acknowledges nothing; healed, every ack is read once and the replicas match', async () => {
    const up = await cliJson(['cluster', 'up', await writeTopology(cwd, 'multi-broker-multi-node', {standaloneZk: true}), '--detach']);
    const brokers = up.nodes.filter((n: {kind: string}) => n.kind === 'broker') as Array<{id: number; address: string; dataDir: string}>;
    // The clients run on 127.0.0.1, outside every node.
    const kafka = new Kafka({clientId: 'partition', brokers: up.brokers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 30, initialRetryTime: 100, maxRetryTime: 1000}});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'seq', numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
    const leaderOf = async () => (await admin.fetchTopicMetadata({topics: ['seq']})).topics[0].partitions[0].leader;
    const fullIsr = () =>
      eventually(async () => {
        const s = await cliJson(['cluster', 'status']);
        if (s.underReplicated.length > 0 || s.offline.length > 0) throw new Error(JSON.stringify(s.underReplicated));
      }, 60_000);

    const producer = startPythonProducer(up.brokers, 'seq', `${cwd}/producer`);
    const ackedAtLeast = (n: number, timeoutMs = 60_000) =>
      eventually(async () => {
        if (producer.acked().length < n) throw new Error(`${producer.acked().length} acknowledged`);
      }, timeoutMs);

    await ackedAtLeast(50);
    const isolated = await leaderOf();
    const [host, port] = brokers.find((b) => b.id === isolated)!.address.split(':');
    const cut = LoopbackCut.cut(host);
    try {
      // Writes go on before the healing: another broker was elected leader.
      await ackedAtLeast(producer.acked().length + 30);
      const other = brokers.find((b) => b.id !== isolated)!.address;
      expect((await cliJson(['topic', 'describe', 'seq', '-b', other])).partitions[0].leader).not.toBe(isolated);
      // Seen from its own node, the isolated broker refuses acks=all writes: it stepped down.
      const conn = await WireConnection.connect(host, Number(port), {localAddress: host});
      try {
        await eventually(async () => {
          const r = (await conn.request(Produce, 7, {transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{name: 'seq', partitionData: [{index: 0, records: await encodeBatch([{value: 'stale'}])}]}]})).responses[0].partitionResponses[0];
          if (r.errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER) throw new Error(`isolated broker answered error ${r.errorCode}`);
        }, 30_000);
      } finally {
        conn.close();
      }
    } finally {
      cut.heal();
    }

    // Healed: the old leader truncates what was never committed and rejoins as a follower.
    await fullIsr();
    await ackedAtLeast(producer.acked().length + 30);
    expect(await producer.stop()).not.toMatch(/delivery failed|not delivered/);
    const acked = producer.acked().map((a) => a.n);

    const all = await readNumbers(kafka, admin, 'seq', 'partition-check');
    await admin.disconnect();
    expect(all).toEqual(acked);

    await fullIsr();
    await identicalReplicas(brokers.map((b) => b.dataDir), 'seq', 0);
  }, 240_000);
});
