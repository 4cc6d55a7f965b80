import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {runCli, runCliJson} from '../helpers/cli.js';
import {LoopbackCut} from '../helpers/loopback-cut.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';
import {type BrokerNode, partitionScenario} from '../helpers/partition-scenario.js';
import {metadataFrom, writeTopology} from '../helpers/topology.js';
import {eventually} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));
const cutUnavailable = LoopbackCut.unavailable();
const canCut = requireTool('iptables (as root)', cutUnavailable === undefined, `run as root with iptables installed (${cutUnavailable})`);

/**
 * KIP-101's divergence scenarios on the multi-node topology (brokers on 127.0.0.2-4, ZooKeeper on
 * 127.0.0.1): whatever the leader changes leave behind, every replica ends with the same log and
 * every acknowledged record is read exactly once (see partitionScenario).
 */
describe.runIf(haveZk && haveConfluent && canCut)('diverging replica logs (KIP-101)', () => {
  const cwd = tempDir('divergence');
  const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
  const cliJson = (args: string[]) => runCliJson(args, {cwd, timeoutMs: 120_000});
  let brokers: BrokerNode[];
  let bootstrap: string;
  let kafka: InstanceType<typeof Kafka>;

  beforeAll(async () => {
    const up = await cliJson(['cluster', 'up', await writeTopology(cwd, 'multi-broker-multi-node', {standaloneZk: true}), '--detach']);
    brokers = up.nodes.filter((n: {kind: string}) => n.kind === 'broker');
    bootstrap = up.brokers;
    kafka = new Kafka({clientId: 'divergence', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, requestTimeout: 3000, retry: {retries: 30, initialRetryTime: 100, maxRetryTime: 1000}});
  }, 120_000);
  const scenario = (topic: string, leader: number, disturb: Parameters<typeof partitionScenario>[3]) => partitionScenario({kafka, bootstrap, brokers, dir: cwd}, topic, leader, disturb);
  afterAll(async () => {
    LoopbackCut.healAll();
    await cli(['cluster', 'down', '--purge']);
  });

  it('a cut-off leader that appended records nobody else has (a longer, divergent log) truncates them when it rejoins', async () => {
    const {controller} = await cliJson(['cluster', 'status']);
    const old = brokers.find((b) => b.id !== controller)!;
    await scenario('longer', old.id, async (ackedMore) => {
      const [host, port] = old.address.split(':');
      const conn = await WireConnection.connect(host, Number(port), {localAddress: host});
      const cut = LoopbackCut.cut(host);
      try {
        // acks=1 before it notices it is cut off: appended to its log only, never replicated.
        const r = (await conn.request(Produce, 7, {transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{name: 'longer', partitionData: [{index: 0, records: await encodeBatch([{value: 'diverged-1'}, {value: 'diverged-2'}, {value: 'diverged-3'}])}]}]})).responses[0].partitionResponses[0];
        expect(r.errorCode).toBe(ErrorCode.NONE);
        const other = brokers.find((b) => b !== old)!;
        await eventually(async () => {
          const leader = (await metadataFrom(other.address, 'longer')).leader;
          if (leader === old.id || leader < 0) throw new Error(`leader ${leader}`);
        }, 30_000);
        await ackedMore(30);
      } finally {
        conn.close();
        cut.heal();
      }
    });
  }, 120_000);

  it('two quick leader changes (SIGKILL of the leader, then of its successor while the first restarts) leave identical logs', async () => {
    const {controller} = await cliJson(['cluster', 'status']);
    const first = brokers.find((b) => b.id !== controller)!;
    await scenario('quick', first.id, async (ackedMore) => {
      const other = brokers.find((b) => b !== first)!;
      const leaderSeenBy = async (b: BrokerNode) => (await metadataFrom(b.address, 'quick')).leader;
      expect((await cli(['cluster', 'kill', String(first.id)])).code).toBe(0);
      let second = -1;
      await eventually(async () => {
        second = await leaderSeenBy(other);
        if (second === first.id || second < 0) throw new Error(`leader ${second}`);
      }, 30_000);
      expect((await cli(['cluster', 'restart', String(first.id)])).code).toBe(0);
      expect((await cli(['cluster', 'kill', String(second)])).code).toBe(0);
      const third = brokers.find((b) => b.id !== first.id && b.id !== second)!;
      await eventually(async () => {
        const leader = await leaderSeenBy(third);
        if (leader === second || leader < 0) throw new Error(`leader ${leader}`);
      }, 30_000);
      await ackedMore(30);
      expect((await cli(['cluster', 'restart', String(second)])).code).toBe(0);
    });
  }, 120_000);
});
