import fs from 'node:fs';
import path from 'node:path';
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
 * The multi-node topology (brokers on 127.0.0.2-4, ZooKeeper on 127.0.0.1) with the controller's
 * node cut off while it also leads the partition an idempotent acks=all producer writes to: the
 * other two elect one controller among them, it moves the leadership, the isolated broker stops
 * acting as controller, and healed, all three name the same single controller.
 */
describe.runIf(haveZk && haveConfluent && canCut)('network partition: the controller\'s node cut off', () => {
  const cwd = tempDir('controller-cut');
  const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
  const cliJson = (args: string[]) => runCliJson(args, {cwd, timeoutMs: 120_000});
  afterAll(async () => {
    LoopbackCut.healAll();
    await cli(['cluster', 'down', '--purge']);
  });

  it('one new controller among the others moves the leadership; the isolated one stops acting; healed, one controller for all', async () => {
    const up = await cliJson(['cluster', 'up', await writeTopology(cwd, 'multi-broker-multi-node', {standaloneZk: true}), '--detach']);
    const brokers = up.nodes.filter((n: {kind: string}) => n.kind === 'broker') as Array<{id: number; address: string; dataDir: string}>;
    const kafka = new Kafka({clientId: 'controller-cut', brokers: up.brokers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 30, initialRetryTime: 100, maxRetryTime: 1000}});
    const admin = kafka.admin();
    await admin.connect();
    const {controller} = await cliJson(['cluster', 'status']);
    const isolated = brokers.find((b) => b.id === controller)!;
    const others = brokers.filter((b) => b !== isolated);
    // The controller leads the partition too: its leadership has to move, and only a new controller can move it.
    await admin.createTopics({
      topics: [{topic: 'seq', replicaAssignment: [{partition: 0, replicas: [isolated.id, ...others.map((b) => b.id)]}], configEntries: [{name: 'min.insync.replicas', value: '2'}]}],
      waitForLeaders: true,
    });
    expect((await metadataFrom(isolated.address, 'seq')).leader).toBe(isolated.id);

    const producer = startPythonProducer(up.brokers, 'seq', `${cwd}/producer`);
    const ackedAtLeast = (n: number, timeoutMs = 60_000) =>
      eventually(async () => {
        if (producer.acked().length < n) throw new Error(`${producer.acked().length} acknowledged`);
      }, timeoutMs);
    await ackedAtLeast(50);

    const cut = LoopbackCut.cut(isolated.address.split(':')[0]);
    try {
      await eventually(async () => {
        const seen = await Promise.all(others.map((b) => metadataFrom(b.address, 'seq')));
        const controllers = new Set(seen.map((m) => m.controller));
        if (controllers.size !== 1 || controllers.has(isolated.id)) throw new Error(`controllers named: ${[...controllers]}`);
        if (seen.some((m) => m.leader === isolated.id || m.leader < 0)) throw new Error(`leader still ${seen.map((m) => m.leader)}`);
      }, 30_000);
      await ackedAtLeast(producer.acked().length + 30);
      // The isolated broker said so in its log when it gave up the controller role, and the
      // leadership of seq-0 (its followers stopped fetching from it).
      await eventually(async () => {
        const log = fs.readFileSync(path.join(isolated.dataDir, 'broker.log'), 'utf8');
        if (!/stepping down as controller/.test(log)) throw new Error('the isolated controller did not step down');
        if (!/seq-0: no longer leader/.test(log)) throw new Error('the isolated leader of seq-0 did not step down');
      }, 30_000);
    } finally {
      cut.heal();
    }

    await eventually(async () => {
      const seen = await Promise.all(brokers.map((b) => metadataFrom(b.address, 'seq')));
      const controllers = new Set(seen.map((m) => m.controller));
      if (controllers.size !== 1 || controllers.has(isolated.id)) throw new Error(`controllers named: ${seen.map((m) => m.controller)}`);
      if (seen.some((m) => m.isr.length !== 3)) throw new Error(`ISR ${seen.map((m) => m.isr)}`);
    }, 60_000);
    await ackedAtLeast(producer.acked().length + 30);
    expect(await producer.stop()).not.toMatch(/delivery failed|not delivered/);
    const acked = producer.acked().map((a) => a.n);

    const all = await readNumbers(kafka, admin, 'seq', 'controller-cut-check');
    await admin.disconnect();
    expect(all).toEqual(acked);
    await identicalReplicas(brokers.map((b) => b.dataDir), 'seq', 0);
  }, 180_000);
});
