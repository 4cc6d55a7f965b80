import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {startBroker} from '../../src/services/broker-service.js';
import {ZkClient} from '../../src/zk/client.js';
import {startZookeeper, zookeeperInstalled, type ZookeeperHandle} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {requireTool} from '../helpers/system-deps.js';
import {eventually, pickZkPort} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());

/**
 * A broker stopping gracefully moves its leaderships away (controlled shutdown), then leaves the
 * cluster. Once it has left, it must answer no client: it used to go on serving the connections
 * still open as a single broker of its own, so a produce that reached it then (the client's
 * metadata still naming it the leader) was appended there alone and acknowledged under acks=all;
 * the new leader never had that record (fast-failover: OUT_OF_ORDER_SEQUENCE on the next send).
 */
describe.runIf(haveZk)('a broker leaving the cluster on shutdown', () => {
  let server: ZookeeperHandle;
  let zk: ZkClient;
  const brokers = new Map<number, Broker>();

  beforeAll(async () => {
    server = await startZookeeper({port: await pickZkPort(1), dataDir: tempDir('shutdown-acks-zk')});
    const connect = `${server.connectString}/kafka`;
    zk = await ZkClient.connect(connect, {createChroot: true});
    for (const id of [1, 2]) brokers.set(id, await startBroker({port: 0, nodeId: id, dataDir: tempDir(`shutdown-acks-b${id}`), groupInitialRebalanceDelayMs: 0, log: () => {}}, connect));
  }, 60_000);
  afterAll(async () => {
    for (const b of brokers.values()) await b.close();
    await zk?.close();
    await server?.stop();
  });

  it('acknowledges no acks=all produce on a connection still open after it left', async () => {
    const admin = new Kafka({clientId: 'shutdown-acks', brokers: [...brokers.values()].map((b) => `${b.advertised.host}:${b.advertised.port}`), logLevel: logLevel.NOTHING}).admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'kept', numPartitions: 1, replicationFactor: 2, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
    await admin.disconnect();
    const state = async () => JSON.parse((await zk.get('/brokers/topics/kept/partitions/0/state')).data.toString()) as {leader: number; isr: number[]};
    await eventually(async () => {
      const s = await state();
      if (s.isr.length !== 2) throw new Error(`isr ${s.isr}`);
    });
    const leaderId = (await state()).leader;
    const leader = brokers.get(leaderId)!;
    const follower = [...brokers.values()].find((b) => b !== leader)!;
    const conn = await WireConnection.connect(leader.advertised.host, leader.advertised.port);
    const produce = async (value: string) =>
      (await conn.request(Produce, 7, {transactionalId: null, acks: -1, timeoutMs: 2000, topicData: [{name: 'kept', partitionData: [{index: 0, records: await encodeBatch([{value}])}]}]})).responses[0].partitionResponses[0];
    expect((await produce('before')).errorCode).toBe(ErrorCode.NONE);

    // Right after it has left the cluster (the step of its close that ends its cluster membership),
    // the client that still holds a connection asks again.
    const cluster = leader.cluster!;
    const leave = cluster.close.bind(cluster);
    const answers: Array<{produceError?: number; failed?: string}> = [];
    cluster.close = async () => {
      await leave();
      answers.push(await produce('after').then(
        (r) => ({produceError: r.errorCode}),
        (err: Error) => ({failed: err.message}),
      ));
    };
    await leader.close();
    brokers.delete(leaderId);
    conn.close();

    expect(answers).toHaveLength(1);
    const [answer] = answers;
    // Either the connection is gone or the produce is refused: never acknowledged.
    if (answer.failed === undefined) expect(answer.produceError).not.toBe(ErrorCode.NONE);
    // The new leader holds 'before', all that was acknowledged.
    expect(follower.logs.partition('kept', 0)!.logEndOffset).toBe(1);
  }, 60_000);
});
