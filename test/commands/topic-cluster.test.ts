import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker} from '../../src/services/broker-service.js';
import {startZookeeper, zookeeperInstalled, type ZookeeperHandle} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {expectUserError, kcollect, kcollectJson} from '../helpers/cli.js';
import {requireTool} from '../helpers/system-deps.js';
import {metadataFrom} from '../helpers/topology.js';
import {eventually, pickZkPort} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());

/** The topic and group commands on three brokers (ids 1, 2, 3), as an operator of a Kafka cluster uses them. */
describe.runIf(haveZk)('kcollect topic and group on a three-broker cluster', () => {
  let server: ZookeeperHandle;
  const brokers = new Map<number, Broker>();
  // Broker 1, which stays up.
  let bootstrap: string;
  const cli = (...args: string[]) => kcollect(bootstrap, args);
  const json = <T = any>(...args: string[]) => kcollectJson<T>(bootstrap, args);

  beforeAll(async () => {
    server = await startZookeeper({port: await pickZkPort(1), dataDir: tempDir('topic-cluster-zk')});
    for (const id of [1, 2, 3]) {
      const b = await startBroker({port: 0, nodeId: id, dataDir: tempDir(`topic-cluster-b${id}`), groupInitialRebalanceDelayMs: 0, log: () => {}}, `${server.connectString}/kafka`);
      brokers.set(id, b);
    }
    bootstrap = `${brokers.get(1)!.advertised.host}:${brokers.get(1)!.advertised.port}`;
  }, 60_000);
  afterAll(async () => {
    for (const b of brokers.values()) await b.close();
    await server?.stop();
  });

  it('creates a topic with --replica-assignment as kafka-topics.sh: each partition on the brokers given, the first its leader', async () => {
    const created = await json('topic', 'create', 'placed', '--replica-assignment', '1:2:3,2:3:1');
    expect(created).toMatchObject({topic: 'placed', partitions: 2, replicationFactor: 3});
    const d = await json('topic', 'describe', 'placed');
    expect(d.partitions.map((p: {partition: number; leader: number; replicas: number[]}) => [p.partition, p.leader, p.replicas])).toEqual([
      [0, 1, [1, 2, 3]],
      [1, 2, [2, 3, 1]],
    ]);

    // Kafka's rules, said before anything is sent.
    const both = await cli('topic', 'create', 'x', '--replica-assignment', '1:2', '--partitions', '2');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--partitions=2 cannot also be provided when using --replica-assignment/);
    expectUserError(await cli('topic', 'create', 'x', '--replica-assignment', '1:2,3'), '--replica-assignment "1:2,3": partition 1 has 1 replicas, partition 0 has 2');
    expectUserError(await cli('topic', 'create', 'x', '--replica-assignment', '1:1'), 'partition 0 lists a broker twice');
    expectUserError(await cli('topic', 'create', 'x', '--replica-assignment', '1,b'), 'partition 1 "b" is not broker ids');
    // The broker's: no broker 9.
    expectUserError(await cli('topic', 'create', 'x', '--replica-assignment', '1:9'), 'create topic x: INVALID_REPLICA_ASSIGNMENT (39)', 'live broker');
    // Another client's uneven assignment: the broker refuses it as Kafka does (one replication factor per topic).
    const admin = new Kafka({clientId: 'uneven', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 0}}).admin();
    await admin.connect();
    try {
      await expect(admin.createTopics({topics: [{topic: 'x', replicaAssignment: [{partition: 0, replicas: [1, 2]}, {partition: 1, replicas: [3]}]}]})).rejects.toMatchObject({
        errors: [expect.objectContaining({type: 'INVALID_REPLICA_ASSIGNMENT'})],
      });
    } finally {
      await admin.disconnect();
    }
    expect((await json('topic', 'list')).topics.map((t: {name: string}) => t.name)).not.toContain('x');
  }, 60_000);

  it('lists and describes topics and groups while a partition has no leader (its one broker stopped), showing it as kafka-topics.sh does', async () => {
    await json('topic', 'create', 'on-3', '--replica-assignment', '3');
    await json('topic', 'create', 'kept', '--replica-assignment', '1:2');
    await json('topic', 'create', 'spread', '--replica-assignment', '1:3,2:1');
    expect((await kcollect(bootstrap, ['produce', 'kept'], {input: 'a\nb\nc\n'})).code).toBe(0);
    expect((await cli('consume', 'kept', '--group', 'readers', '-e')).code).toBe(0);

    await brokers.get(3)!.close();
    brokers.delete(3);
    await eventually(async () => {
      if ((await metadataFrom(bootstrap, 'on-3')).leader !== -1) throw new Error('on-3 still has a leader');
    });

    expect((await json('topic', 'list')).topics).toContainEqual({name: 'on-3', partitions: 1, replicationFactor: 1, internal: false});
    const offline = await json('topic', 'describe', 'on-3');
    expect(offline.partitions).toEqual([{partition: 0, leader: -1, replicas: [3], isr: [3], logStartOffset: -1, highWatermark: -1}]);
    expect((await cli('topic', 'describe', 'on-3')).stdout).toMatch(/^0\s+none\s+\[3\]\s+\[3\]\s+-\s+-$/m);
    expect((await json('topic', 'describe', 'kept')).partitions[0]).toMatchObject({leader: 1, highWatermark: 3});

    expect((await json('group', 'list')).groups.map((g: {group: string}) => g.group)).toContain('readers');
    expect((await json('group', 'describe', 'readers')).offsets).toMatchObject([{topic: 'kept', partition: 0, committed: 3, lag: 0}]);
    expect(await json('topic', 'create', 'while-down', '--partitions', '2', '--replication-factor', '2')).toMatchObject({partitions: 2, replicationFactor: 2});

    // kafka-topics.sh --describe's filters, over every topic: only the partitions they match.
    await eventually(async () => {
      if ((await json('topic', 'describe', 'spread')).partitions[0].isr.length !== 1) throw new Error('spread/0 still has broker 3 in its ISR');
    });
    const unavailable = await cli('topic', 'describe', '--unavailable-partitions');
    expect(unavailable.stdout).toMatch(/^TOPIC\s+PARTITION\s+LEADER\s+REPLICAS\s+ISR\s+LOG-START\s+HIGH-WATERMARK\non-3\s+0\s+none\s+\[3\]\s+\[3\]\s+-\s+-\n$/);
    const names = (r: {topics: Array<{name: string}>}) => r.topics.map((t) => t.name);
    const under = await json('topic', 'describe', '--under-replicated-partitions');
    // Every topic with a replica on broker 3 (__consumer_offsets too), and only its partitions there.
    expect(names(under)).toEqual(['__consumer_offsets', 'placed', 'spread']);
    expect(under.topics[2].partitions.map((p: {partition: number; replicas: number[]; isr: number[]}) => [p.partition, p.replicas, p.isr])).toEqual([[0, [1, 3], [1]]]);
    expect(names(await json('topic', 'describe', '--under-replicated-partitions', '--exclude-internal'))).toEqual(['placed', 'spread']);
    expect((await cli('topic', 'describe', 'kept', '--under-replicated-partitions')).stdout).toBe('');
    expect((await json('topic', 'describe', 'on-3', '--unavailable-partitions')).partitions).toHaveLength(1);
    expect((await json('topic', 'alter-config', 'kept', '--set', 'retention.ms=3600000')).changes).toEqual([{key: 'retention.ms', from: null, to: '3600000'}]);
  }, 60_000);
});
