import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import kafkajs from 'kafkajs';
import {WireConnection} from '../src/client/wire-connection.js';
import {ApiVersions} from '../src/protocol/messages/18-api-versions.js';
import {Metadata} from '../src/protocol/messages/03-metadata.js';
import {startZookeeper} from '../src/zk/server/index.js';
import {kcatProduce} from './load.js';
import {KcollectPeer, MockPeer, repoRoot, type Peer} from './peers.js';
import {exitedChildrenCpuSeconds, freePort, median, readProcStat, sleep} from './proc.js';
import {summarizeProfile} from './profile.js';
import {alternate, type BenchContext, type FactRow, type Measure, type Row, type Scenario} from './scenario.js';
import {LoopbackCut} from '../test/helpers/loopback-cut.js';
import {startPythonProducer} from '../test/helpers/python-producer.js';

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

/** With `profDir`, each broker runs under `node --cpu-prof` and writes its profile to profDir/broker-ID on exit. */
async function startCluster(dir: string, profDir?: string): Promise<{cluster: ClusterPeer; stopZk: () => Promise<unknown>}> {
  const zk = await startZookeeper({port: await freePort(), dataDir: path.join(dir, 'zk')});
  const brokers: KcollectPeer[] = [];
  for (const id of [1, 2, 3]) {
    const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profDir, `broker-${id}`)}`] : [];
    brokers.push(await KcollectPeer.start({nodeArgs, dataDir: path.join(dir, `broker-${id}`), brokerArgs: ['--id', String(id), '--zookeeper', `${zk.connectString}/bench`, '--default-replication-factor', '3']}));
  }
  while ((await registeredBrokers(brokers[0].bootstrap)) < 3) await sleep(100);
  return {cluster: new ClusterPeer(brokers), stopZk: () => zk.stop()};
}

export const acksAllRf3: Scenario = {
  name: 'acks-all-rf3',
  title: 'Produce with acks=all: RF=3 on 3 kcollect brokers vs the mock cluster with 3 brokers, and RF=1 on 1 broker',
  async run(ctx) {
    const load = ctx.loads[0];
    const profDir = ctx.options.cpuProf ? path.join(ctx.tmp, 'prof-rf3') : undefined;
    const {cluster, stopZk} = await startCluster(path.join(ctx.tmp, 'rf3'), profDir);
    const mock3 = await MockPeer.start(3);
    const rows: Row[] = [];
    try {
      ctx.log(`acks-all-rf3 ${load.name}: kcollect cluster ${cluster.bootstrap}, mock ${mock3.bootstrap}`);
      const allAcks = ['-X', 'acks=all'];
      const topicOf = (rep: number) => `acks-all-${load.id}-${rep + 1}`;
      const cpu = {rf3: [] as number[], rf1: [] as number[]};
      const res = await alternate(ctx, 'acks=all', [
        {
          key: 'rf3',
          peer: cluster,
          run: async (rep) => {
            await createLedByBroker1(cluster, topicOf(rep));
            return withCpu(ctx, 'per broker', cluster.brokers.map((b) => b.pid), cpu.rf3, () => kcatProduce(cluster, topicOf(rep), load, allAcks));
          },
        },
        {key: 'mock3', peer: mock3, run: (rep) => kcatProduce(mock3, topicOf(rep), load, allAcks)},
        {key: 'rf1', peer: ctx.kcollect, run: (rep) => withCpu(ctx, 'RF=1 broker', [ctx.kcollect.pid], cpu.rf1, () => kcatProduce(ctx.kcollect, `rf1-${topicOf(rep)}`, load, allAcks))},
      ]);
      rows.push({kind: 'compare', scenario: 'acks-all-rf3', load: `${load.name}, acks=all, RF=3 on 3 brokers`, ours: res.rf3, peer: res.mock3, peerName: 'mock (3 brokers)'});
      rows.push({kind: 'compare', scenario: 'acks-all-rf3', load: `${load.name}, acks=all: RF=3 on 3 kcollect brokers vs RF=1 on 1`, ours: res.rf3, peer: res.rf1, peerName: 'kcollect RF=1', noRatio: false, note: cpuBound(cpu, res.rf1)});
    } finally {
      await mock3.stop();
      await cluster.stop();
      await stopZk();
    }
    if (profDir) logClusterProfiles(ctx, profDir);
    return rows;
  },
};

/**
 * Every run's topic is led by broker 1, as every RF=1 run goes to the same broker: a broker's first
 * run as a leader faults in fresh memory for the requests it holds (here 30-65 k minor faults,
 * most of a second of CPU, against 1-23 k in its later runs), which a leader picked anew per topic
 * would pay in most runs and the RF=1 broker in its first only. Broker 1 is also the one whose CPU
 * share the sample reports.
 */
async function createLedByBroker1(cluster: ClusterPeer, topic: string): Promise<void> {
  const kafka = new kafkajs.Kafka({clientId: 'bench-rf3', brokers: cluster.bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING});
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({topics: [{topic, replicaAssignment: [{partition: 0, replicas: [1, 2, 3]}]}], waitForLeaders: true});
  } finally {
    await admin.disconnect();
  }
}

/**
 * The sample's CPU share is broker 1's only; this logs what each process spent on the run (the
 * leader's and the followers', or the RF=1 broker's): CPU seconds, the kernel's part of them and
 * minor page faults, so a leader's cost beyond an RF=1 broker's shows where it lies. The run's
 * whole CPU (brokers and kcat) goes to `totals`.
 */
async function withCpu<T>(ctx: BenchContext, label: string, pids: number[], totals: number[], run: () => Promise<T>): Promise<T> {
  const before = pids.map(readProcStat);
  const kcatBefore = exitedChildrenCpuSeconds();
  const result = await run();
  const kcat = exitedChildrenCpuSeconds() - kcatBefore;
  let total = kcat;
  const spent = pids.map((pid, i) => {
    const a = readProcStat(pid);
    const b = before[i];
    if (!a || !b) return `${i + 1}: ?`;
    total += a.cpuSeconds - b.cpuSeconds;
    return `${i + 1}: ${(a.cpuSeconds - b.cpuSeconds).toFixed(2)} (sys ${(a.systemSeconds - b.systemSeconds).toFixed(2)}, ${a.minorFaults - b.minorFaults} faults)`;
  });
  totals.push(total);
  ctx.log(`    ${label} CPU seconds: ${spent.join(', ')}; kcat ${kcat.toFixed(2)}; all ${total.toFixed(2)}`);
  return result;
}

/**
 * What the machine allows: an RF=3 run cannot take less wall time than its CPU seconds (three
 * brokers and kcat) spread over every core, so against RF=1 as measured the ratio cannot exceed
 * RF=1's time over that floor. A ratio near the bound is set by the cores, not by waiting.
 */
function cpuBound(cpu: {rf3: number[]; rf1: number[]}, rf1: Measure): string | undefined {
  if (cpu.rf3.length === 0 || cpu.rf1.length === 0 || rf1.samples.length === 0) return undefined;
  const cores = os.availableParallelism();
  const floor = median(cpu.rf3) / cores;
  const rf1Seconds = median(rf1.samples.map((s) => s.seconds));
  return `CPU seconds per run, brokers and kcat (median): RF=3 ${median(cpu.rf3).toFixed(2)}, RF=1 ${median(cpu.rf1).toFixed(2)}; on ${cores} cores an RF=3 run takes at least ${floor.toFixed(2)} s, so against RF=1's ${rf1Seconds.toFixed(2)} s the ratio cannot exceed ${(rf1Seconds / floor).toFixed(2)} here`;
}

function logClusterProfiles(ctx: BenchContext, profDir: string): void {
  for (const id of [1, 2, 3]) {
    const dir = path.join(profDir, `broker-${id}`);
    const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((n) => n.endsWith('.cpuprofile')) : undefined;
    if (!file) {
      ctx.log(`acks-all-rf3: broker ${id} wrote no CPU profile`);
      continue;
    }
    // Kept beside the single broker's profile: the temp dir goes when the bench ends.
    const dest = path.join(repoRoot, 'bench', 'results', `rf3-broker-${id}.cpuprofile`);
    fs.mkdirSync(path.dirname(dest), {recursive: true});
    fs.copyFileSync(path.join(dir, file), dest);
    const summary = summarizeProfile(dest);
    const top = summary.topFunctions.map((e) => `${e.name} ${(e.share * 100).toFixed(1)}%`).join('; ');
    ctx.log(`acks-all-rf3: broker ${id} profile in ${path.relative(repoRoot, dest)}: busy ${summary.busySeconds.toFixed(1)} s; ${top}`);
  }
}

/** The failover cluster: ZooKeeper on 127.0.0.1, brokers 1-3 on their own "nodes" 127.0.0.2-4, 3 s sessions. */
class NodeCluster {
  private constructor(
    private readonly dir: string,
    private readonly zkConnect: string,
    readonly brokers: Map<number, KcollectPeer>,
  ) {}

  static async start(dir: string, zkConnect: string): Promise<NodeCluster> {
    const cluster = new NodeCluster(dir, zkConnect, new Map());
    for (const id of [1, 2, 3]) await cluster.startBroker(id);
    while ((await registeredBrokers(cluster.bootstrap.split(',')[0])) < 3) await sleep(100);
    return cluster;
  }

  host(id: number): string {
    return `127.0.0.${id + 1}`;
  }

  get bootstrap(): string {
    return [...this.brokers.values()].map((b) => b.bootstrap).join(',');
  }

  async startBroker(id: number): Promise<void> {
    const brokerArgs = ['--id', String(id), '--zookeeper', this.zkConnect, '--zookeeper-session-timeout', '3s', '--default-replication-factor', '3'];
    this.brokers.set(id, await KcollectPeer.start({host: this.host(id), dataDir: path.join(this.dir, `broker-${id}`), brokerArgs}));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.brokers.values()].map((b) => b.stop()));
  }
}

type Client = InstanceType<typeof kafkajs.Kafka>;

function client(cluster: NodeCluster): Client {
  // requestTimeout bounds how long a request to a leader that went silent (cut off) hangs.
  return new kafkajs.Kafka({clientId: 'bench-failover', brokers: cluster.bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING, requestTimeout: 3000, retry: {retries: 100, initialRetryTime: 50, maxRetryTime: 500}});
}

async function leaderOf(kafka: Client, topic: string, wantIsr = 0): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (;;) {
      const p = (await admin.fetchTopicMetadata({topics: [topic]})).topics[0].partitions[0];
      if (p.leader >= 0 && p.isr.length >= wantIsr) return p.leader;
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * An acks=all idempotent producer (kafkajs, one message at a time, min.insync.replicas=2, RF=3)
 * timing every acknowledgement; after 200 of them `disrupt` hits the partition leader. The gap is
 * from the last acknowledgement before the disruption to the first after it; sends that failed
 * after the client's retries are counted.
 */
async function ackGap(kafka: Client, topic: string, disrupt: (leader: number) => void): Promise<{gapMs: number; failed: number; leader: number}> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({topics: [{topic, numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
  await admin.disconnect();
  const leader = await leaderOf(kafka, topic, 3);
  const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1});
  await producer.connect();
  const acks: number[] = [];
  let failed = 0;
  let at = Infinity;
  for (let n = 0; acks.filter((t) => t > at).length < 20; n++) {
    if (n === 200) {
      at = performance.now();
      disrupt(leader);
    }
    try {
      await producer.send({topic, acks: -1, timeout: 2000, messages: [{value: String(n)}]});
      acks.push(performance.now());
    } catch {
      failed++;
    }
  }
  await producer.disconnect();
  const before = Math.max(...acks.filter((t) => t < at));
  const after = Math.min(...acks.filter((t) => t > at));
  return {gapMs: after - before, failed, leader};
}

/**
 * Time to resume writes when the leader's node is cut off (iptables DROP on its address): from
 * the cut to the first acknowledgement after it, with an idempotent acks=all librdkafka producer.
 * Healed after 20 s at the latest, so a cluster that never elects still finishes.
 */
async function cutGap(kafka: Client, cluster: NodeCluster, topic: string, dir: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({topics: [{topic, numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
  await admin.disconnect();
  const leader = await leaderOf(kafka, topic, 3);
  const producer = startPythonProducer(cluster.bootstrap, topic, dir);
  let cut: LoopbackCut | undefined;
  let healing: NodeJS.Timeout | undefined;
  try {
    while (producer.acked().length < 200) await sleep(50);
    cut = LoopbackCut.cut(cluster.host(leader));
    const at = Date.now();
    healing = setTimeout(() => cut?.heal(), 20_000);
    for (;;) {
      const after = producer.acked().find((a) => a.at > at);
      if (after) return after.at - at;
      await sleep(50);
    }
  } finally {
    clearTimeout(healing);
    cut?.heal();
    await producer.stop();
    await leaderOf(kafka, topic, 3);
  }
}

// Three decimals below 0.1 s: a planned restart pauses for a few milliseconds, not "0.00 s".
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 100 ? 3 : ms < 1000 ? 2 : 1)} s`;

export const failover: Scenario = {
  name: 'failover',
  title: 'Failover of a partition leader under an acks=all producer: SIGKILL, planned restart, node cut off',
  async run(ctx) {
    const dir = path.join(ctx.tmp, 'failover');
    const zk = await startZookeeper({port: await freePort(), dataDir: path.join(dir, 'zk')});
    const cluster = await NodeCluster.start(dir, `${zk.connectString}/bench-failover`);
    const rows: Row[] = [];
    const reps = Math.max(3, ctx.options.reps);
    try {
      const kafka = () => client(cluster);
      const rejoin = async (topic: string, id: number) => {
        const child = cluster.brokers.get(id)!.child;
        if (child.exitCode === null && child.signalCode === null) return;
        await cluster.startBroker(id);
        await leaderOf(kafka(), topic, 3);
      };
      const kills: number[] = [];
      for (let rep = 0; rep < reps; rep++) {
        const topic = `failover-kill-${rep}`;
        const r = await ackGap(kafka(), topic, (leader) => cluster.brokers.get(leader)!.child.kill('SIGKILL'));
        ctx.log(`  failover SIGKILL #${rep + 1}: gap ${r.gapMs.toFixed(0)} ms, ${r.failed} failed sends`);
        kills.push(r.gapMs);
        await sleep(500);
        await rejoin(topic, r.leader);
      }
      const planned: number[] = [];
      let plannedFailed = 0;
      for (let rep = 0; rep < reps; rep++) {
        const topic = `failover-restart-${rep}`;
        let stopping: Promise<void> | undefined;
        const r = await ackGap(kafka(), topic, (leader) => {
          const child = cluster.brokers.get(leader)!.child;
          stopping = new Promise((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
        });
        ctx.log(`  failover planned restart #${rep + 1}: gap ${r.gapMs.toFixed(0)} ms, ${r.failed} failed sends`);
        planned.push(r.gapMs);
        plannedFailed += r.failed;
        await stopping;
        await rejoin(topic, r.leader);
      }
      const cutReason = LoopbackCut.unavailable();
      const cuts: number[] = [];
      if (!cutReason) {
        for (let rep = 0; rep < reps; rep++) {
          const r = await cutGap(kafka(), cluster, `failover-cut-${rep}`, path.join(dir, `cut-${rep}`));
          ctx.log(`  failover leader cut off #${rep + 1}: writes resumed after ${r.toFixed(0)} ms`);
          cuts.push(r);
        }
      }
      const list = (xs: number[]) => xs.map((x) => `${Math.round(x)}`).join(', ');
      rows.push({kind: 'fact', scenario: 'failover', key: 'kcollect.failover.ms', name: 'failover: last acks=all acknowledgement before SIGKILL of the leader to the first after', value: seconds(median(kills)), num: median(kills), note: `median of ${reps} (${list(kills)} ms); the dead broker's closed connections are noticed and confirmed (port refused, same registration in ZooKeeper) without waiting for its session`} satisfies FactRow);
      rows.push({kind: 'fact', scenario: 'failover', key: 'kcollect.restart.ms', name: 'planned restart of the leader (SIGTERM, controlled shutdown): longest pause in acknowledgements', value: seconds(median(planned)), num: median(planned), note: `median of ${reps} (${list(planned)} ms); ${plannedFailed} failed sends`} satisfies FactRow);
      if (cuts.length > 0) {
        rows.push({kind: 'fact', scenario: 'failover', key: 'kcollect.cut.ms', name: "leader's node cut off (iptables DROP): writes resume after", value: seconds(median(cuts)), num: median(cuts), note: `median of ${reps} (${list(cuts)} ms); cut to the first acknowledgement from the new leader; ZooKeeper session 3 s; confluent-kafka producer, socket.timeout.ms 3 s (kafkajs never leaves the silent connection)`} satisfies FactRow);
      } else {
        ctx.notes.push(`failover: the node cut-off was not measured: ${cutReason}`);
      }
    } finally {
      LoopbackCut.healAll();
      await cluster.stop();
      await zk.stop();
    }
    return rows;
  },
};
