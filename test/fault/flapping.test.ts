import {setTimeout as sleep} from 'node:timers/promises';
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {runCli, runCliJson} from '../helpers/cli.js';
import {LoopbackCut} from '../helpers/loopback-cut.js';
import {type BrokerNode, partitionScenario} from '../helpers/partition-scenario.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';
import {metadataFrom, writeTopology} from '../helpers/topology.js';
import {eventually} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));
const cutUnavailable = LoopbackCut.unavailable();
const canCut = requireTool('iptables (as root)', cutUnavailable === undefined, `run as root with iptables installed (${cutUnavailable})`);

/**
 * A flapping link and a partition combined with SIGKILLs on the multi-node topology (brokers on
 * 127.0.0.2-4 with 3 s ZooKeeper sessions, ZooKeeper on 127.0.0.1). The link flaps with iptables
 * rules put in place and removed (tc netem on lo would slow every test on the machine, not one
 * node). Every scenario ends with partitionScenario's checks: no acknowledged record lost or
 * doubled, the reading group's committed offsets at the log end, replica logs identical.
 */
describe.runIf(haveZk && haveConfluent && canCut)('a flapping link, and a cut combined with SIGKILLs', () => {
  const cwd = tempDir('flapping');
  const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
  const cliJson = (args: string[]) => runCliJson(args, {cwd, timeoutMs: 120_000});
  let brokers: BrokerNode[];
  let bootstrap: string;
  let kafka: InstanceType<typeof Kafka>;

  beforeAll(async () => {
    const up = await cliJson(['cluster', 'up', await writeTopology(cwd, 'multi-broker-multi-node', {standaloneZk: true}), '--detach']);
    brokers = up.nodes.filter((n: {kind: string}) => n.kind === 'broker');
    bootstrap = up.brokers;
    // requestTimeout: the reading group leaves a silent (cut off) broker after 3 s, not 30.
    kafka = new Kafka({clientId: 'flapping', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, requestTimeout: 3000, retry: {retries: 30, initialRetryTime: 100, maxRetryTime: 1000}});
  }, 120_000);
  const scenario = (topic: string, leader: number, disturb: Parameters<typeof partitionScenario>[3]) => partitionScenario({kafka, bootstrap, brokers, dir: cwd}, topic, leader, disturb);
  afterAll(async () => {
    LoopbackCut.healAll();
    await cli(['cluster', 'down', '--purge']);
  });

  /** The partition's leader as a broker other than `not` sees it, once there is one. */
  const leaderSeenBy = async (topic: string, not: number): Promise<number> => {
    let leader = -1;
    await eventually(async () => {
      leader = (await metadataFrom(brokers.find((b) => b.id !== not)!.address, topic)).leader;
      if (leader < 0 || leader === not) throw new Error(`leader ${leader}`);
    }, 30_000);
    return leader;
  };

  it('the leader\'s link flaps: short drops and drops longer than the session, each on whoever leads then', async () => {
    const {controller} = await cliJson(['cluster', 'status']);
    const first = brokers.find((b) => b.id !== controller)!;
    await scenario('flap', first.id, async (ackedMore) => {
      let leader = first.id;
      for (const downMs of [1000, 4500, 1500]) {
        const cut = LoopbackCut.cut(brokers.find((b) => b.id === leader)!.address.split(':')[0]);
        try {
          await sleep(downMs);
        } finally {
          cut.heal();
        }
        await sleep(2500);
        leader = await leaderSeenBy('flap', -1);
      }
      await ackedMore(30);
    });
  }, 150_000);

  it('the leader cut off, the new leader SIGKILLed, then healed and restarted', async () => {
    const {controller} = await cliJson(['cluster', 'status']);
    const first = brokers.find((b) => b.id !== controller)!;
    await scenario('combined', first.id, async (ackedMore) => {
      const cut = LoopbackCut.cut(first.address.split(':')[0]);
      let second = -1;
      try {
        second = await leaderSeenBy('combined', first.id);
        await ackedMore(20);
        expect((await cli(['cluster', 'kill', String(second)])).code).toBe(0);
        await sleep(2000);
      } finally {
        cut.heal();
      }
      // Healed, the first broker catches up, and with it the ISR holds min.insync.replicas again.
      await ackedMore(30);
      expect((await cli(['cluster', 'restart', String(second)])).code).toBe(0);
    });
  }, 150_000);
});
