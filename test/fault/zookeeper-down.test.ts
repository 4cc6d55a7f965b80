import fs from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import {afterAll, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {CreateTopics} from '../../src/protocol/messages/19-create-topics.js';
import {readServerState, startZookeeper, zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {runCli, runCliJson} from '../helpers/cli.js';
import {startPythonProducer} from '../helpers/python-producer.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';
import {identicalReplicas, readNumbers, writeTopology} from '../helpers/topology.js';
import {eventually} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));

const SESSION_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Three brokers on one standalone ZooKeeper (3 s sessions) that is SIGKILLed for several session
 * timeouts while an idempotent acks=all producer (confluent-kafka) writes to an RF=3,
 * min.insync.replicas=2 topic and a consumer group reads it. As with Apache Kafka, the brokers go
 * on serving with the leadership they had: writes are acknowledged and read throughout. Started
 * again on its data dir, ZooKeeper finds the cluster as it was: a new topic can be created, writes
 * go on, every acknowledged record is read once and the replicas hold the same bytes.
 */
describe.runIf(haveZk && haveConfluent)('the whole ZooKeeper down for longer than the session timeout', () => {
  const cwd = tempDir('zookeeper-down');
  const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
  const cliJson = (args: string[]) => runCliJson(args, {cwd, timeoutMs: 120_000});
  let zkDataDir: string | undefined;
  afterAll(async () => {
    // Down with the cluster if it is running; else (killed and not restarted) nothing is left of it.
    await cli(['cluster', 'down', '--purge']);
    const left = zkDataDir ? readServerState(zkDataDir) : undefined;
    for (const n of left?.nodes ?? []) {
      try {
        process.kill(n.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });

  it('produce (acks=all) and consume go on while it is down; started again, the cluster goes on', async () => {
    const up = await cliJson(['cluster', 'up', await writeTopology(cwd, 'multi-broker-single-node', {sessionTimeout: `${SESSION_MS / 1000}s`}), '--detach']);
    const brokers = up.nodes.filter((n: {kind: string}) => n.kind === 'broker') as Array<{id: number; address: string; dataDir: string}>;
    zkDataDir = (JSON.parse(fs.readFileSync(path.join(cwd, '.kcollect', 'cluster', 'state.json'), 'utf8')) as {zookeeper: {dataDir: string}}).zookeeper.dataDir;
    const zk = readServerState(zkDataDir)!.nodes[0];
    const brokerLog = (b: {dataDir: string}) => fs.readFileSync(path.join(b.dataDir, 'broker.log'), 'utf8');

    const kafka = new Kafka({clientId: 'zookeeper-down', brokers: up.brokers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 30, initialRetryTime: 100, maxRetryTime: 1000}});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'seq', numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});

    // A group reading throughout (joined while ZooKeeper is up: its coordinator and offsets topic exist).
    const consumed = new Set<number>();
    const reader = kafka.consumer({groupId: 'seq-readers'});
    await reader.connect();
    await reader.subscribe({topic: 'seq', fromBeginning: true});
    await reader.run({eachMessage: async ({message}) => void consumed.add(Number(message.value!.toString()))});

    const producer = startPythonProducer(up.brokers, 'seq', `${cwd}/producer`);
    const ackedAtLeast = (n: number, timeoutMs = 60_000) =>
      eventually(async () => {
        if (producer.acked().length < n) throw new Error(`${producer.acked().length} acknowledged`);
      }, timeoutMs);
    const allAckedRead = (timeoutMs: number) =>
      eventually(async () => {
        const missing = producer.acked().filter((a) => !consumed.has(a.n));
        if (missing.length > 0) throw new Error(`${missing.length} acknowledged record(s) not read, the first ${missing[0].n}`);
      }, timeoutMs);

    let stopped: string | undefined;
    try {
      await ackedAtLeast(50);
      await allAckedRead(30_000);

      process.kill(zk.pid, 'SIGKILL');
      const downAt = Date.now();
      let restarted = false;
      try {
        // Every broker has seen ZooKeeper gone for its session timeout.
        await eventually(async () => {
          const waiting = brokers.filter((b) => !/ZooKeeper out of reach for the session timeout/.test(brokerLog(b)));
          if (waiting.length > 0) throw new Error(`brokers ${waiting.map((b) => b.id)} have not given up on ZooKeeper yet`);
        }, 30_000);
        // Writes are still acknowledged, and read, well past the session timeout.
        const failing = (what: string) => (err: Error) => {
          const logs = brokers.map((b) => `broker ${b.id}:\n${brokerLog(b).trimEnd().split('\n').slice(-8).join('\n')}`).join('\n');
          throw new Error(`${what} with ZooKeeper down for ${Date.now() - downAt} ms: ${err.message}\n${logs}`);
        };
        await ackedAtLeast(producer.acked().length + 100, 20_000).catch(failing('no writes acknowledged'));
        await sleep(Math.max(0, downAt + 4 * SESSION_MS - Date.now()));
        await ackedAtLeast(producer.acked().length + 50, 20_000).catch(failing('no writes acknowledged'));
        await allAckedRead(20_000).catch(failing('acknowledged writes not read'));
        // A topic cannot be created meanwhile: the broker says so at once, with a retriable error.
        const [host, port] = brokers[0].address.split(':');
        const conn = await WireConnection.connect(host, Number(port));
        try {
          const asked = Date.now();
          const r = (await conn.request(CreateTopics, 4, {topics: [{name: 'during', numPartitions: 1, replicationFactor: 3, assignments: [], configs: []}], timeoutMs: 30_000, validateOnly: false})).topics[0];
          expect({code: r.errorCode, message: r.errorMessage}).toMatchObject({code: ErrorCode.REQUEST_TIMED_OUT, message: expect.stringMatching(/ZooKeeper .* is out of reach/)});
          expect(Date.now() - asked).toBeLessThan(SESSION_MS);
        } finally {
          conn.close();
        }

        await startZookeeper({port: zk.clientPort, dataDir: zkDataDir});
        restarted = true;
      } finally {
        if (!restarted) await startZookeeper({port: zk.clientPort, dataDir: zkDataDir}).catch(() => {});
      }

      // ZooKeeper back: a topic can be created and written, the writes go on, the ISR is whole.
      await eventually(async () => {
        await admin.createTopics({topics: [{topic: 'after', numPartitions: 1, replicationFactor: 3}], waitForLeaders: true});
        if (!(await admin.listTopics()).includes('after')) throw new Error('topic "after" not created');
      }, 60_000);
      const later = kafka.producer({idempotent: true});
      await later.connect();
      await later.send({topic: 'after', acks: -1, messages: [{value: 'after ZooKeeper came back'}]});
      await later.disconnect();
      expect(Number((await admin.fetchTopicOffsets('after'))[0].high)).toBe(1);
      await ackedAtLeast(producer.acked().length + 30);
      await eventually(async () => {
        const s = await cliJson(['cluster', 'status']);
        if (s.underReplicated.length > 0 || s.offline.length > 0) throw new Error(JSON.stringify({underReplicated: s.underReplicated, offline: s.offline}));
      }, 60_000);
    } finally {
      stopped = await producer.stop();
    }
    expect(stopped).not.toMatch(/delivery failed|not delivered/);
    const acked = producer.acked().map((a) => a.n);
    await allAckedRead(60_000);
    await reader.disconnect();

    expect(await readNumbers(kafka, admin, 'seq', 'seq-check')).toEqual(acked);
    await admin.disconnect();
    await identicalReplicas(brokers.map((b) => b.dataDir), 'seq', 0);
  }, 240_000);
});
