import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {Fetch} from '../../src/protocol/messages/01-fetch.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {startBroker} from '../../src/services/broker-service.js';
import {ZkClient} from '../../src/zk/client.js';
import {startZookeeper, zookeeperInstalled, type ZookeeperHandle} from '../../src/zk/server/index.js';
import {spawnBroker, tempDir, type BrokerProcess} from '../helpers/broker.js';
import {requireTool} from '../helpers/system-deps.js';
import {eventually, pickZkPort} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());

/**
 * The high watermark (what acks=all confirms) counts a follower's fetch offset as its log end. A
 * fetch that names an older leader epoch, or an offset past the leader's log end, comes from a log
 * that may hold another leader's records there: it must count for nothing, as in Kafka, or the
 * leader confirms records that replica does not have.
 */
describe.runIf(haveZk)('a follower fetch the leader does not serve', () => {
  let server: ZookeeperHandle;
  let zk: ZkClient;
  let leader: Broker;
  let follower: BrokerProcess;

  beforeAll(async () => {
    server = await startZookeeper({port: await pickZkPort(1), dataDir: tempDir('fenced-fetch-zk')});
    const connect = `${server.connectString}/kafka`;
    zk = await ZkClient.connect(connect, {createChroot: true});
    // The ISR keeps a silent follower for a minute: long enough for the forged fetches below.
    leader = await startBroker({port: 0, nodeId: 1, dataDir: tempDir('fenced-fetch-b1'), replicaLagTimeMaxMs: 60_000, log: () => {}}, connect);
    follower = await spawnBroker(tempDir('fenced-fetch-b2'), {extraArgs: ['--id', '2', '--zookeeper', connect, '--replica-lag-time-max', '60s']});
  }, 60_000);
  afterAll(async () => {
    follower?.proc.kill('SIGKILL');
    await leader?.close();
    await zk?.close();
    await server?.stop();
  });

  it('neither another leader epoch nor an offset past the log end moves the high watermark', async () => {
    const admin = new Kafka({clientId: 'fenced-fetch', brokers: [`${leader.advertised.host}:${leader.advertised.port}`], logLevel: logLevel.NOTHING}).admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'guarded', replicaAssignment: [{partition: 0, replicas: [1, 2]}]}], waitForLeaders: true});
    await admin.disconnect();
    const state = async () => JSON.parse((await zk.get('/brokers/topics/guarded/partitions/0/state')).data.toString()) as {leader: number; leader_epoch: number; isr: number[]};
    await eventually(async () => {
      const s = await state();
      if (s.leader !== 1 || s.isr.length !== 2) throw new Error(`state ${JSON.stringify(s)}`);
    });
    const conn = await WireConnection.connect(leader.advertised.host, leader.advertised.port);
    try {
      const produce = async (value: string) =>
        (await conn.request(Produce, 7, {transactionalId: null, acks: 1, timeoutMs: 2000, topicData: [{name: 'guarded', partitionData: [{index: 0, records: await encodeBatch([{value}])}]}]})).responses[0].partitionResponses[0].errorCode;
      expect(await produce('replicated')).toBe(ErrorCode.NONE);
      const log = leader.logs.partition('guarded', 0)!;
      await eventually(async () => {
        if (log.highWatermark !== 1) throw new Error(`high watermark ${log.highWatermark}`);
      });

      // The follower stops answering (still in the ISR); a record only the leader has.
      follower.proc.kill('SIGSTOP');
      expect(await produce('leader only')).toBe(ErrorCode.NONE);
      expect(log.logEndOffset).toBe(2);
      const {leader_epoch: epoch} = await state();
      const fetchAs2 = async (fetchOffset: number, currentLeaderEpoch: number) =>
        (
          await conn.request(Fetch, 11, {
            replicaId: 2,
            maxWaitMs: 0,
            minBytes: 0,
            maxBytes: 1 << 20,
            isolationLevel: 0,
            sessionId: 0,
            sessionEpoch: -1,
            topics: [{topic: 'guarded', partitions: [{partition: 0, currentLeaderEpoch, fetchOffset, logStartOffset: 0, partitionMaxBytes: 1 << 20}]}],
            forgottenTopicsData: [],
            rackId: '',
          })
        ).responses[0].partitions[0].errorCode;

      // A replica that names another leader epoch than this leader's: refused, not counted.
      expect(await fetchAs2(2, epoch + 1)).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
      // A replica whose log runs past the leader's: out of range, not counted.
      expect(await fetchAs2(5, epoch)).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
      expect(log.highWatermark).toBe(1);

      // The same replica fetching from within the leader's log, at its epoch, counts.
      expect(await fetchAs2(2, epoch)).toBe(ErrorCode.NONE);
      expect(log.highWatermark).toBe(2);
    } finally {
      conn.close();
      follower.proc.kill('SIGCONT');
    }
  }, 60_000);
});
