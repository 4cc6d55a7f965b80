import fs from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import {afterAll, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {Fetch} from '../../src/protocol/messages/01-fetch.js';
import {ListOffsets} from '../../src/protocol/messages/02-list-offsets.js';
import {ZkClient} from '../../src/zk/client.js';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {runCli, runCliJson} from '../helpers/cli.js';
import {requireTool} from '../helpers/system-deps.js';
import {identicalReplicas, readNumbers, writeTopology} from '../helpers/topology.js';
import {eventually} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());

/**
 * The ZooKeeper session is made long (60 s) and the producer's retries short (about 10 s in all):
 * the producer only survives a SIGKILL of the leader if the crash is noticed through the dead
 * broker's closed connections, and a planned restart only if leadership moves first.
 */
describe.runIf(haveZk)('crash detection without waiting for the ZooKeeper session', () => {
  const cwd = tempDir('fast-failover');
  const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
  const cliJson = (args: string[]) => runCliJson(args, {cwd, timeoutMs: 120_000});
  afterAll(async () => {
    await cli(['cluster', 'down', '--purge']);
  });

  it('SIGKILL of the leader, its restart and a planned restart of the next leader: no send fails, every ack is read once, replica logs end identical', async () => {
    const up = await cliJson(['cluster', 'up', await writeTopology(cwd, 'multi-broker-single-node', {sessionTimeout: '60s'}), '--detach']);
    const dataDirs = new Map<number, string>(up.nodes.filter((n: {kind: string}) => n.kind === 'broker').map((n: {id: number; dataDir: string}) => [n.id, n.dataDir]));
    const kafka = new Kafka({clientId: 'fast-failover', brokers: up.brokers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 12, initialRetryTime: 100, maxRetryTime: 1000}});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'seq', numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
    const leaderOf = async () => (await admin.fetchTopicMetadata({topics: ['seq']})).topics[0].partitions[0].leader;

    const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1});
    await producer.connect();
    const acked: number[] = [];
    let stop = false;
    let failed: unknown;
    const sending = (async () => {
      for (let n = 0; !stop; n++) {
        await producer.send({topic: 'seq', acks: -1, messages: [{value: String(n)}]});
        acked.push(n);
      }
    })().catch((err) => (failed = err));
    const ackedAtLeast = (n: number) =>
      eventually(async () => {
        if (failed) return;
        if (acked.length < n) throw new Error(`${acked.length} acknowledged`);
      }, 45_000);
    // A failed send names its error with what the brokers logged and ZooKeeper's partition state,
    // so a failure in CI says what happened, not only that it did.
    const noSendFailed = async () => {
      if (failed === undefined) return;
      const zk = await ZkClient.connect(up.zookeeper);
      const state = await zk.get('/brokers/topics/seq/partitions/0/state').then((z) => z.data.toString(), (err: Error) => err.message);
      await zk.close();
      const tail = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '(no log)');
      const logs = [...dataDirs].map(([id, dir]) => `broker ${id}:\n${tail(path.join(dir, 'broker.log'))}`);
      throw new Error(`a send failed: ${(failed as Error)?.message ?? String(failed)} after ${acked.length} acknowledged; partition state ${state}\n${logs.join('\n')}`);
    };
    const fullIsr = () =>
      eventually(async () => {
        const s = await cliJson(['cluster', 'status']);
        if (s.underReplicated.length > 0 || s.offline.length > 0) throw new Error(JSON.stringify(s.underReplicated));
      }, 45_000);

    await ackedAtLeast(50);
    const killed = await leaderOf();
    expect((await cli(['cluster', 'kill', String(killed)])).code).toBe(0);
    await ackedAtLeast(acked.length + 50);
    await noSendFailed();
    const successor = await leaderOf();
    expect(successor).not.toBe(killed);

    // KIP-320: the new leader fences a fetch that carries the old leader epoch, and one from a future epoch.
    const zk = await ZkClient.connect(up.zookeeper);
    const leaderEpoch = (JSON.parse((await zk.get('/brokers/topics/seq/partitions/0/state')).data.toString()) as {leader_epoch: number}).leader_epoch;
    await zk.close();
    expect(leaderEpoch).toBeGreaterThan(0);
    const [host, port] = up.nodes.find((n: {kind: string; id: number}) => n.kind === 'broker' && n.id === successor).address.split(':');
    const conn = await WireConnection.connect(host, Number(port));
    try {
      const fetchWith = async (currentLeaderEpoch: number) =>
        (await conn.request(Fetch, 11, {replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{topic: 'seq', partitions: [{partition: 0, currentLeaderEpoch, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20}]}], forgottenTopicsData: [], rackId: ''})).responses[0].partitions[0].errorCode;
      expect(await fetchWith(leaderEpoch - 1)).toBe(ErrorCode.FENCED_LEADER_EPOCH);
      expect(await fetchWith(leaderEpoch + 1)).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
      expect(await fetchWith(leaderEpoch)).toBe(ErrorCode.NONE);
      // ListOffsets v4+ answers the epoch of the offset: the end's is the new leader's epoch.
      const latest = (await conn.request(ListOffsets, 4, {replicaId: -1, isolationLevel: 0, topics: [{name: 'seq', partitions: [{partitionIndex: 0, currentLeaderEpoch: leaderEpoch, timestamp: -1}]}]})).topics[0].partitions[0];
      expect(latest).toMatchObject({errorCode: ErrorCode.NONE, leaderEpoch});
    } finally {
      conn.close();
    }

    // Its registration is gone, so it registers again at once, catches up and rejoins the ISR.
    expect((await cli(['cluster', 'restart', String(killed)])).code).toBe(0);
    await fullIsr();

    // A planned restart (SIGTERM, controlled shutdown) of the current leader.
    const planned = await leaderOf();
    expect((await cli(['cluster', 'restart', String(planned)])).code).toBe(0);
    await ackedAtLeast(acked.length + 50);
    await noSendFailed();
    stop = true;
    await sending;
    await noSendFailed();
    await producer.disconnect();

    const all = await readNumbers(kafka, admin, 'seq', 'fast-failover-check');
    await admin.disconnect();
    expect(all).toEqual(acked);

    // Every replica holds the very same log.
    await fullIsr();
    await identicalReplicas([...dataDirs.values()], 'seq', 0);
  }, 240_000);
});
