import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker} from '../../src/services/broker-service.js';
import {ZkClient} from '../../src/zk/client.js';
import {startZookeeper, zookeeperInstalled, type ZookeeperHandle} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {freezableProxy} from '../helpers/freezable-proxy.js';
import {requireTool} from '../helpers/system-deps.js';
import {eventually, pickZkPort} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());
const STATE = '/brokers/topics/joining/partitions/0/state';

/**
 * KIP-841: once ZooKeeper names a rejoining follower in the ISR, the controller may elect it. So
 * from the moment the leader asks for that change, acks=all counts the follower too, even before
 * ZooKeeper's answer reaches the leader: otherwise a record could be acknowledged that the next
 * leader does not have. The test holds back everything ZooKeeper sends the leader once it asks
 * (ZooKeeper applies the write; its answer and the watch event wait) and the follower's fetching,
 * and checks what the follower held at the acknowledgement.
 */
describe.runIf(haveZk)('an ISR expansion under way', () => {
  let server: ZookeeperHandle;
  let zk: ZkClient;
  const brokers = new Map<number, Broker>();
  const toZk = new Map<number, Awaited<ReturnType<typeof freezableProxy>>>();

  beforeAll(async () => {
    server = await startZookeeper({port: await pickZkPort(1), dataDir: tempDir('isr-expansion-zk')});
    zk = await ZkClient.connect(`${server.connectString}/kafka`, {createChroot: true});
    for (const id of [1, 2]) {
      const proxy = await freezableProxy({host: '127.0.0.1', port: Number(server.connectString.split(':').pop())});
      toZk.set(id, proxy);
      const options = {port: 0, nodeId: id, dataDir: tempDir(`isr-expansion-b${id}`), groupInitialRebalanceDelayMs: 0, replicaLagTimeMaxMs: 1000, zookeeperSessionTimeoutMs: 30_000, log: () => {}};
      brokers.set(id, await startBroker(options, `127.0.0.1:${proxy.port}/kafka`));
    }
  }, 60_000);
  afterAll(async () => {
    for (const proxy of toZk.values()) proxy.releaseReplies();
    for (const b of brokers.values()) await b.close();
    for (const proxy of toZk.values()) proxy.close();
    await zk?.close();
    await server?.stop();
  });

  it('acks=all waits for the follower being added, while the leader has not heard back from ZooKeeper', async () => {
    const kafka = new Kafka({clientId: 'isr-expansion', brokers: [...brokers.values()].map((b) => `${b.advertised.host}:${b.advertised.port}`), logLevel: logLevel.NOTHING});
    // Two replicas need both brokers in the controller's view (either may be the controller):
    // a broker's registration reaches the others through a ZooKeeper watch, after it started.
    await eventually(async () => {
      if ([...brokers.values()].some((b) => b.cluster!.liveBrokers().length < 2)) throw new Error('not every broker registered yet');
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'joining', numPartitions: 1, replicationFactor: 2}], waitForLeaders: true});
    await admin.disconnect();
    const isr = async () => (JSON.parse((await zk.get(STATE)).data.toString()) as {isr: number[]}).isr.sort();
    const leaderId = (JSON.parse((await zk.get(STATE)).data.toString()) as {leader: number}).leader;
    const leader = brokers.get(leaderId)!;
    const follower = [...brokers.values()].find((b) => b !== leader)!;
    const followerLog = () => follower.logs.partition('joining', 0)!;

    // The follower's fetching can be held: no new fetch, and an answer already on its way is dropped.
    const fetching = (follower.cluster as any).replicas;
    const {targets, fetched} = fetching;
    let held = false;
    fetching.targets = (id: number) => (held ? [] : targets.call(fetching, id));
    fetching.fetched = (...args: unknown[]) => (held ? undefined : fetched.apply(fetching, args));

    const leaderZk = (leader.cluster as any).zk as ZkClient;
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({topic: 'joining', acks: -1, messages: [{value: 'both have it'}]});
      // The follower falls behind and leaves the ISR.
      held = true;
      await producer.send({topic: 'joining', acks: -1, messages: [{value: 'leader alone'}]});
      await eventually(async () => expect(await isr()).toEqual([leaderId]), 20_000);

      // The leader's next write of this partition's state goes out, and from then on nothing
      // ZooKeeper sends it arrives. The follower catches up, the leader asks to add it, and
      // ZooKeeper names it in the ISR.
      const set = leaderZk.set.bind(leaderZk);
      leaderZk.set = async (path, data, options) => {
        if (path.endsWith(STATE)) toZk.get(leaderId)!.holdReplies();
        return set(path, data, options);
      };
      held = false;
      await eventually(async () => expect(await isr()).toEqual([1, 2]), 20_000);

      // The follower stops fetching; a record sent now may only be acknowledged once it has it.
      held = true;
      const sending = producer.send({topic: 'joining', acks: -1, messages: [{value: 'needs the new member'}]}).then((meta) => ({offset: Number(meta[0].baseOffset), followerEnd: followerLog().logEndOffset}));
      // Long enough for an acknowledgement that did not wait for the follower to arrive first.
      await Promise.race([sending, new Promise((r) => setTimeout(r, 1500))]);
      held = false;
      const {offset, followerEnd} = await sending;
      expect(followerEnd).toBeGreaterThan(offset);
    } finally {
      toZk.get(leaderId)!.releaseReplies();
      held = false;
      await producer.disconnect();
    }
  }, 90_000);
});

