import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ZkClient} from '../../src/zk/client.js';
import {startZookeeper, zookeeperInstalled, type ZookeeperHandle} from '../../src/zk/server/index.js';
import {type BrokerProcess, spawnBroker, tempDir} from '../helpers/broker.js';
import {kcollectJson, runCliJson} from '../helpers/cli.js';
import {requireTool} from '../helpers/system-deps.js';
import {eventually, pickZkPort} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());

const json = async (zk: ZkClient, path: string) => JSON.parse((await zk.get(path)).data.toString());

describe.runIf(haveZk)('a broker registered in ZooKeeper', () => {
  let server: ZookeeperHandle;
  let zk: ZkClient;
  const brokers: BrokerProcess[] = [];
  const chroot = '/kafka';

  beforeAll(async () => {
    server = await startZookeeper({port: await pickZkPort(1), dataDir: tempDir('zk-broker')});
    zk = await ZkClient.connect(`${server.connectString}${chroot}`, {createChroot: true});
  }, 60_000);
  afterAll(async () => {
    for (const b of brokers) b.proc.kill('SIGKILL');
    await zk?.close();
    await server?.stop();
  });

  const start = async (dataDir: string, port = 0) => {
    const b = await spawnBroker(dataDir, {port, extraArgs: ['--zookeeper', `${server.connectString}${chroot}`]});
    brokers.push(b);
    return b;
  };

  it('registers as Kafka 2.x does, mirrors topics, and comes back from ZooKeeper on an empty data dir', async () => {
    const first = await start(tempDir('zk-b0'));
    const [host, port] = first.bootstrap.split(':');
    expect(await json(zk, '/brokers/ids/0')).toMatchObject({version: 4, host, port: Number(port), endpoints: [`PLAINTEXT://${first.bootstrap}`]});
    expect(await json(zk, '/controller')).toMatchObject({version: 1, brokerid: 0});
    expect(Number((await zk.get('/controller_epoch')).data.toString())).toBeGreaterThanOrEqual(1);
    const clusterId = (await json(zk, '/cluster/id')).id;

    const kafka = new Kafka({clientId: 'zk-test', brokers: [first.bootstrap], logLevel: logLevel.NOTHING});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'cars', numPartitions: 3, configEntries: [{name: 'retention.ms', value: '86400000'}]}, {topic: 'gone', numPartitions: 1}]});
    await admin.deleteTopics({topics: ['gone']});
    // What `kcollect zk ls /brokers/topics` lists is what `kcollect topic list` lists.
    const inZk = await runCliJson(['zk', 'ls', '/brokers/topics', '--zookeeper', `${server.connectString}${chroot}`]);
    const listed = await kcollectJson(first.bootstrap, ['topic', 'list']);
    expect(inZk.children.sort()).toEqual(listed.topics.map((t: {name: string}) => t.name).sort());
    expect(inZk.children.sort()).toEqual(['cars']);
    expect(await json(zk, '/brokers/topics/cars')).toMatchObject({version: 3, partitions: {0: [0], 1: [0], 2: [0]}});
    expect(await json(zk, '/brokers/topics/cars/partitions/2/state')).toMatchObject({leader: 0, isr: [0], leader_epoch: 0});
    expect(await json(zk, '/config/topics/cars')).toEqual({version: 1, config: {'retention.ms': '86400000'}});
    await admin.createPartitions({topicPartitions: [{topic: 'cars', count: 4}]});
    expect(Object.keys((await json(zk, '/brokers/topics/cars')).partitions)).toHaveLength(4);
    await admin.disconnect();

    // SIGKILL: the ephemeral registration and the controller go with the session.
    first.proc.kill('SIGKILL');
    await eventually(async () => {
      if ((await zk.exists('/brokers/ids/0')) || (await zk.exists('/controller'))) throw new Error('still registered');
    }, 30_000);

    // A broker on an empty data dir gets the cluster id and the topics from ZooKeeper.
    const second = await start(tempDir('zk-b0-fresh'), Number(port));
    const again = new Kafka({clientId: 'zk-test', brokers: [second.bootstrap], logLevel: logLevel.NOTHING}).admin();
    await again.connect();
    const md = await again.fetchTopicMetadata({topics: ['cars']});
    expect(md.topics[0].partitions).toHaveLength(4);
    const configs = await again.describeConfigs({includeSynonyms: false, resources: [{type: kafkajs.ConfigResourceTypes.TOPIC, name: 'cars', configNames: ['retention.ms']}]});
    expect(configs.resources[0].configEntries[0].configValue).toBe('86400000');
    expect(await again.listTopics()).not.toContain('gone');
    await again.disconnect();
    expect((await json(zk, '/cluster/id')).id).toBe(clusterId);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // A graceful stop closes the session at once.
    expect(await zk.exists('/brokers/ids/0')).toBeNull();
  }, 90_000);

  it('registers again after its ZooKeeper session expired', async () => {
    const b = await start(tempDir('zk-b1'));
    // Registered and done starting (it elects itself last): a freeze mid-start-up would fail the start instead.
    await eventually(async () => {
      if (!(await zk.exists('/brokers/ids/0')) || !(await zk.exists('/controller'))) throw new Error('not registered');
    });
    const before = (await zk.exists('/brokers/ids/0'))!;
    // Frozen past its session timeout, the broker loses its session; thawed, it registers anew.
    b.proc.kill('SIGSTOP');
    await eventually(async () => {
      if (await zk.exists('/brokers/ids/0')) throw new Error('session not expired yet');
    }, 30_000);
    b.proc.kill('SIGCONT');
    const after = await eventually(async () => {
      const stat = await zk.exists('/brokers/ids/0');
      if (!stat) throw new Error('not registered again yet');
      return stat;
    }, 30_000);
    expect(after.ephemeralOwner).not.toEqual(before.ephemeralOwner);
    expect(await json(zk, '/controller')).toMatchObject({brokerid: 0});
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 90_000);
});
