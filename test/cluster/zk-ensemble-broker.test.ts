import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ZkClient} from '../../src/zk/client.js';
import {startZookeeper, zookeeperInstalled, zookeeperStatus, type ZookeeperHandle} from '../../src/zk/server/index.js';
import {type BrokerProcess, spawnBroker, tempDir} from '../helpers/broker.js';
import {requireTool} from '../helpers/system-deps.js';
import {eventually, pickZkPort} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());

describe.runIf(haveZk)('a broker on a 3-node ZooKeeper ensemble', () => {
  let server: ZookeeperHandle;
  let broker: BrokerProcess;

  beforeAll(async () => {
    server = await startZookeeper({ensemble: 3, port: await pickZkPort(3), dataDir: tempDir('zk-ens-broker')});
    broker = await spawnBroker(tempDir('zk-ens-b0'), {extraArgs: ['--zookeeper', server.connectString]});
  }, 90_000);
  afterAll(async () => {
    broker?.proc.kill('SIGKILL');
    await server?.stop();
  });

  it('keeps working after the ensemble leader is killed', async () => {
    const {leaderId} = await zookeeperStatus(server.dataDir);
    expect(leaderId).toBeGreaterThan(0);
    server.kill(leaderId!, 'SIGKILL');

    // Through a surviving node: still registered (the session moved), and topic creation works.
    const survivor = server.nodes.find((n) => n.id !== leaderId)!;
    const zk = await ZkClient.connect(`${survivor.host}:${survivor.clientPort}`);
    const admin = new Kafka({clientId: 'ens', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 10}}).admin();
    try {
      await eventually(async () => {
        if (!(await zk.exists('/brokers/ids/0'))) throw new Error('registration lost');
      });
      await admin.connect();
      await eventually(async () => {
        await admin.createTopics({topics: [{topic: 'after-failover', numPartitions: 2}]});
        if (!(await zk.exists('/brokers/topics/after-failover/partitions/1/state'))) throw new Error('not in ZooKeeper yet');
      }, 30_000);
      expect(await admin.listTopics()).toContain('after-failover');
    } finally {
      await admin.disconnect();
      await zk.close();
    }
  }, 90_000);
});
