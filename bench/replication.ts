import path from 'node:path';
import {performance} from 'node:perf_hooks';
import kafkajs from 'kafkajs';
import {WireConnection} from '../src/client/wire-connection.js';
import {ApiVersions} from '../src/protocol/messages/18-api-versions.js';
import {Metadata} from '../src/protocol/messages/03-metadata.js';
import {startZookeeper} from '../src/zk/server/index.js';
import {kcatProduce} from './load.js';
import {KcollectPeer, MockPeer, type Peer} from './peers.js';
import {freePort, median, sleep} from './proc.js';
import {alternate, type FactRow, type Row, type Scenario} from './scenario.js';

/** Three kcollect brokers on one ZooKeeper; CPU and RSS are sampled on broker 1 only. */
class ClusterPeer implements Peer {
  readonly name = 'kcollect-rf3';
  constructor(readonly brokers: KcollectPeer[]) {}
  get bootstrap(): string {
    return this.brokers.map((b) => b.bootstrap).join(',');
  }
  get pid(): number {
    return this.brokers[0].pid;
  }
  async stop(): Promise<void> {
    await Promise.all(this.brokers.map((b) => b.stop()));
  }
}

async function registeredBrokers(bootstrap: string): Promise<number> {
  const [host, port] = bootstrap.split(':');
  const conn = await WireConnection.connect(host, Number(port));
  try {
    await conn.negotiate(ApiVersions);
    const md = await conn.request(Metadata, 1, {topics: []});
    return md.brokers.length;
  } finally {
    conn.close();
  }
}

async function startCluster(dir: string): Promise<{cluster: ClusterPeer; stopZk: () => Promise<unknown>}> {
  const zk = await startZookeeper({port: await freePort(), dataDir: path.join(dir, 'zk')});
  const brokers: KcollectPeer[] = [];
  for (const id of [1, 2, 3]) {
    brokers.push(await KcollectPeer.start({dataDir: path.join(dir, `broker-${id}`), brokerArgs: ['--id', String(id), '--zookeeper', `${zk.connectString}/bench`, '--default-replication-factor', '3']}));
  }
  while ((await registeredBrokers(brokers[0].bootstrap)) < 3) await sleep(100);
  return {cluster: new ClusterPeer(brokers), stopZk: () => zk.stop()};
}

/**
 * Failover time: an acks=all producer (kafkajs, one message at a time) to an RF=3 topic with
 * min.insync.replicas=2; the partition leader is SIGKILLed; the gap between the last
 * acknowledgement before the kill and the first after it. Dominated by the ZooKeeper session
 * timeout (6 s) after which the controller sees the broker gone.
 */
async function failoverGap(cluster: ClusterPeer): Promise<number> {
  const {Kafka, logLevel} = kafkajs;
  const kafka = new Kafka({clientId: 'bench-failover', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: {retries: 50, initialRetryTime: 50, maxRetryTime: 500}});
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({topics: [{topic: 'bench-failover', numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
  const leader = (await admin.fetchTopicMetadata({topics: ['bench-failover']})).topics[0].partitions[0].leader;
  await admin.disconnect();
  const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1});
  await producer.connect();
  const acks: number[] = [];
  let killedAt = Infinity;
  for (let n = 0; acks.filter((t) => t > killedAt).length < 20; n++) {
    await producer.send({topic: 'bench-failover', acks: -1, messages: [{value: String(n)}]});
    acks.push(performance.now());
    if (n === 200) {
      cluster.brokers[leader - 1].child.kill('SIGKILL');
      killedAt = performance.now();
    }
  }
  await producer.disconnect();
  const before = Math.max(...acks.filter((t) => t < killedAt));
  const after = Math.min(...acks.filter((t) => t > killedAt));
  return after - before;
}

export const acksAllRf3: Scenario = {
  name: 'acks-all-rf3',
  title: 'Produce with acks=all: RF=3 on 3 kcollect brokers vs the mock cluster with 3 brokers, and RF=1 on 1 broker',
  async run(ctx) {
    const load = ctx.loads[0];
    const {cluster, stopZk} = await startCluster(path.join(ctx.tmp, 'rf3'));
    const mock3 = await MockPeer.start(3);
    const rows: Row[] = [];
    try {
      ctx.log(`acks-all-rf3 ${load.name}: kcollect cluster ${cluster.bootstrap}, mock ${mock3.bootstrap}`);
      const allAcks = ['-X', 'acks=all'];
      const topicOf = (rep: number) => `acks-all-${load.id}-${rep + 1}`;
      const res = await alternate(ctx, 'acks=all', [
        {key: 'rf3', peer: cluster, run: (rep) => kcatProduce(cluster, topicOf(rep), load, allAcks)},
        {key: 'mock3', peer: mock3, run: (rep) => kcatProduce(mock3, topicOf(rep), load, allAcks)},
        {key: 'rf1', peer: ctx.kcollect, run: (rep) => kcatProduce(ctx.kcollect, `rf1-${topicOf(rep)}`, load, allAcks)},
      ]);
      rows.push({kind: 'compare', scenario: 'acks-all-rf3', load: `${load.name}, acks=all, RF=3 on 3 brokers`, ours: res.rf3, peer: res.mock3, peerName: 'mock (3 brokers)'});
      rows.push({kind: 'compare', scenario: 'acks-all-rf3', load: `${load.name}, acks=all: RF=3 on 3 kcollect brokers vs RF=1 on 1`, ours: res.rf3, peer: res.rf1, peerName: 'kcollect RF=1', noRatio: false});
      const gaps: number[] = [];
      gaps.push(await failoverGap(cluster));
      const ms = median(gaps);
      const gapRow: FactRow = {kind: 'fact', scenario: 'acks-all-rf3', key: 'kcollect.failover.ms', name: 'failover: last acks=all acknowledgement before SIGKILL of the leader to the first after', value: `${(ms / 1000).toFixed(1)} s`, num: ms, note: 'ZooKeeper session timeout 6 s, then election and client metadata refresh'};
      rows.push(gapRow);
    } finally {
      await mock3.stop();
      await cluster.stop();
      await stopZk();
    }
    return rows;
  },
};
