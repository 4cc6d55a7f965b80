import path from 'node:path';
import {diskWrite, loopbackTcp} from './limits.js';
import {generateFile, kcatDrain, kcatGroupDrain, kcatProduce, loadSpec, watermark, type LoadSpec} from './load.js';
import {measureStartup} from './peers.js';
import {acksAllRf3, failover} from './replication.js';
import {startTlsBroker} from './tls.js';
import {median} from './proc.js';
import {alternate, type BenchContext, type FactRow, type Measure, type ProducedTopic, type Row, type Scenario} from './scenario.js';

const MB = 1e6;
const fmtMiB = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;

function fact(scenario: string, key: string, name: string, value: string, num?: number, note?: string): FactRow {
  return {kind: 'fact', scenario, key, name, value, num, note};
}

function peakRss(m: Measure): number {
  return Math.max(0, ...m.samples.map((s) => s.peakRssKb));
}

/** Produces `load` once (not timed, but verified) into both peers, for scenarios that need data. */
async function ensureProduced(ctx: BenchContext, load: LoadSpec): Promise<ProducedTopic> {
  const have = ctx.produced.get(load.id);
  if (have) return have;
  generateFile(load);
  const topics: Record<string, string> = {};
  for (const peer of [ctx.kcollect, ctx.mock]) {
    topics[peer.name] = `seed-${load.id}`;
    await kcatProduce(peer, topics[peer.name], load);
  }
  const p = {load, topics};
  ctx.produced.set(load.id, p);
  return p;
}

// ---- 0. kcat's fixed cost ----------------------------------------------------------------------

const fixedCost: Scenario = {
  name: 'fixed-cost',
  title: "kcat's fixed cost: one message produced, one drained",
  async run(ctx) {
    const load = loadSpec(ctx.tmp, 1, 200);
    generateFile(load);
    const topicOf = (rep: number) => `fixed-${rep + 1}`;
    const p = await alternate(ctx, 'fixed produce', [
      {key: 'kcollect', peer: ctx.kcollect, run: (rep) => kcatProduce(ctx.kcollect, topicOf(rep), load)},
      {key: 'mock', peer: ctx.mock, run: (rep) => kcatProduce(ctx.mock, topicOf(rep), load)},
    ]);
    const d = await alternate(ctx, 'fixed drain', [
      {key: 'kcollect', peer: ctx.kcollect, run: (rep) => kcatDrain(ctx.kcollect, topicOf(rep), load.size, 'beginning', 1)},
      {key: 'mock', peer: ctx.mock, run: (rep) => kcatDrain(ctx.mock, topicOf(rep), load.size, 'beginning', 1)},
    ]);
    const ms = (m: Measure) => (m.error ? NaN : median(m.samples.map((x) => x.seconds)) * 1000);
    const cell = (m: Measure) => (m.error ? `FAILED` : `${ms(m).toFixed(0)} ms`);
    return [
      fact('fixed-cost', 'kcollect.fixed.produce', 'kcat -P of 1 message into a new topic: kcollect', cell(p.kcollect), ms(p.kcollect), 'process start, metadata, topic auto-create, one produce, exit'),
      fact('fixed-cost', 'mock.fixed.produce', 'kcat -P of 1 message into a new topic: mock', cell(p.mock), ms(p.mock)),
      fact('fixed-cost', 'kcollect.fixed.drain', 'kcat -C -e of a 1-message partition: kcollect', cell(d.kcollect), ms(d.kcollect), "includes librdkafka's last fetch at the end of the log, a long poll of fetch.wait.max.ms = 500 ms, before it reports EOF"),
      fact('fixed-cost', 'mock.fixed.drain', 'kcat -C -e of a 1-message partition: mock', cell(d.mock), ms(d.mock)),
    ];
  },
};

// ---- 1. produce -------------------------------------------------------------------------------

const produce: Scenario = {
  name: 'produce',
  title: 'Produce: `kcat -P -t T -p 0 -X acks=1 < FILE`',
  async run(ctx) {
    const rows: Row[] = [];
    let kPeak = 0;
    let mPeak = 0;
    for (const load of ctx.loads) {
      ctx.log(`produce ${load.name}`);
      const topicOf = (rep: number) => `produce-${load.id}-${rep + 1}`;
      const res = await alternate(ctx, 'produce', [
        {key: 'kcollect', peer: ctx.kcollect, run: (rep) => kcatProduce(ctx.kcollect, topicOf(rep), load)},
        {key: 'mock', peer: ctx.mock, run: (rep) => kcatProduce(ctx.mock, topicOf(rep), load)},
      ]);
      rows.push({kind: 'compare', scenario: 'produce', load: load.name, ours: res.kcollect, peer: res.mock, peerName: 'mock'});
      kPeak = Math.max(kPeak, peakRss(res.kcollect));
      mPeak = Math.max(mPeak, peakRss(res.mock));
      // Leave the last complete topic of each peer for the drain scenarios.
      if (!res.kcollect.error && !res.mock.error) {
        const last = ctx.options.reps - 1;
        ctx.produced.set(load.id, {load, topics: {kcollect: topicOf(last), mock: topicOf(last)}});
      }
    }
    rows.push(fact('produce', 'kcollect.rss.peak.produce', 'kcollect broker peak RSS under produce', fmtMiB(kPeak), kPeak / 1024, 'VmRSS sampled every 100 ms'));
    rows.push(fact('produce', 'mock.rss.peak.produce', 'mock cluster (kcat process) peak RSS under produce', fmtMiB(mPeak), mPeak / 1024, 'keeps only a few MB per partition'));
    return rows;
  },
};

// ---- 1b. transactional produce ---------------------------------------------------------------

const transactions: Scenario = {
  name: 'transactions',
  title: 'Transactional produce on kcollect: `kcat -P -X transactional.id=T` (the input in one transaction) vs `-X enable.idempotence=true`',
  async run(ctx) {
    const rows: Row[] = [];
    for (const load of ctx.loads) {
      ctx.log(`transactions ${load.name}`);
      const res = await alternate(ctx, 'transactions', [
        {key: 'transactional', peer: ctx.kcollect, run: (rep) => kcatProduce(ctx.kcollect, `txn-${load.id}-${rep + 1}`, load, ['-X', `transactional.id=bench-${load.id}`], 1)},
        {key: 'idempotent', peer: ctx.kcollect, run: (rep) => kcatProduce(ctx.kcollect, `idem-${load.id}-${rep + 1}`, load, ['-X', 'enable.idempotence=true'])},
      ]);
      rows.push({kind: 'compare', scenario: 'transactions', load: load.name, ours: res.transactional, peer: res.idempotent, peerName: 'idempotent'});
    }
    return rows;
  },
};

// ---- 1c. TLS ---------------------------------------------------------------------------------

const tlsCost: Scenario = {
  name: 'tls',
  title: 'TLS vs plaintext: the same kcat produce and drain through an SSL and a PLAINTEXT listener of one kcollect broker',
  async run(ctx) {
    const {broker, plaintext, tls} = await startTlsBroker(path.join(ctx.tmp, 'tls'));
    const rows: Row[] = [];
    try {
      for (const load of ctx.loads) {
        ctx.log(`tls ${load.name}`);
        const topicOf = (via: string, rep: number) => `tls-${via}-${load.id}-${rep + 1}`;
        const p = await alternate(ctx, 'tls produce', [
          {key: 'tls', peer: tls, run: (rep) => kcatProduce(tls, topicOf('tls', rep), load)},
          {key: 'plaintext', peer: plaintext, run: (rep) => kcatProduce(plaintext, topicOf('plain', rep), load)},
        ]);
        rows.push({kind: 'compare', scenario: 'tls produce', load: load.name, ours: p.tls, peer: p.plaintext, peerName: 'plaintext'});
        const d = await alternate(ctx, 'tls drain', [
          {key: 'tls', peer: tls, run: () => kcatDrain(tls, topicOf('tls', 0), load.size, 'beginning', load.count)},
          {key: 'plaintext', peer: plaintext, run: () => kcatDrain(plaintext, topicOf('plain', 0), load.size, 'beginning', load.count)},
        ]);
        rows.push({kind: 'compare', scenario: 'tls drain', load: load.name, ours: d.tls, peer: d.plaintext, peerName: 'plaintext'});
      }
    } finally {
      await broker.stop();
    }
    return rows;
  },
};

// ---- 2. drain ---------------------------------------------------------------------------------

const drain: Scenario = {
  name: 'drain',
  title: 'Drain: `kcat -C -t T -p 0 -o beginning -e -q`',
  async run(ctx) {
    const rows: Row[] = [];
    let kPeak = 0;
    for (const load of ctx.loads) {
      const {topics} = await ensureProduced(ctx, load);
      const kTopic = topics.kcollect;
      const mTopic = topics.mock;
      const kHigh = await watermark(ctx.kcollect.bootstrap, kTopic, 0, 'high');
      const kLow = await watermark(ctx.kcollect.bootstrap, kTopic, 0, 'low');
      const mHigh = await watermark(ctx.mock.bootstrap, mTopic, 0, 'high');
      const mLow = await watermark(ctx.mock.bootstrap, mTopic, 0, 'low');
      const kAll = kHigh - kLow;
      const mAll = mHigh - mLow;
      ctx.log(`drain ${load.name}: kcollect holds ${kAll}, mock holds ${mAll} of ${mHigh}`);
      const res = await alternate(ctx, 'drain', [
        {key: 'kcollect', peer: ctx.kcollect, run: () => kcatDrain(ctx.kcollect, kTopic, load.size, 'beginning', kAll)},
        {key: 'mock', peer: ctx.mock, run: () => kcatDrain(ctx.mock, mTopic, load.size, 'beginning', mAll)},
        // The same number of messages as the mock still holds: the last mAll of kcollect's log.
        {key: 'kcollectSame', peer: ctx.kcollect, run: () => kcatDrain(ctx.kcollect, kTopic, load.size, kHigh - mAll, mAll)},
      ]);
      const mb = (n: number) => `${((n * load.size) / MB).toFixed(1)} MB`;
      rows.push({
        kind: 'compare',
        scenario: 'drain',
        load: `${load.name}: all each holds`,
        ours: res.kcollect,
        peer: res.mock,
        peerName: 'mock',
        noRatio: true,
        note: `kcollect reads ${kAll.toLocaleString('en-US')} (${mb(kAll)}), the mock only the ${mAll.toLocaleString('en-US')} (${mb(mAll)}) it kept: unequal work, ratio not meaningful`,
      });
      rows.push({
        kind: 'compare',
        scenario: 'drain',
        load: `${load.name}: last ${mAll.toLocaleString('en-US')}`,
        ours: res.kcollectSame,
        peer: res.mock,
        peerName: 'mock',
        note: `both read ${mAll.toLocaleString('en-US')} messages (${mb(mAll)}); the time is mostly kcat's fixed cost (see the fixed-cost rows below)`,
      });
      kPeak = Math.max(kPeak, peakRss(res.kcollect), peakRss(res.kcollectSame));
    }
    rows.push(fact('drain', 'kcollect.rss.peak.drain', 'kcollect broker peak RSS under drain', fmtMiB(kPeak), kPeak / 1024));
    ctx.notes.push(
      "Drain: the librdkafka mock truncates each partition's log to about 5 MB (older message sets are dropped on append), so it can only be drained of what it kept; " +
        'message counts are checked by counting the bytes kcat writes to stdout (each message is its payload plus "\\n"). ' +
        'The "last N" row makes kcollect read the same N messages from the end of its log, so that ratio compares equal work.',
    );
    return rows;
  },
};

// ---- 3. consumer-group drain -------------------------------------------------------------------

const groupDrain: Scenario = {
  name: 'group-drain',
  title: 'Consumer-group drain: `kcat -G GROUP -X auto.offset.reset=earliest -e -q T`',
  async run(ctx) {
    // Small enough (3 MB) that the mock keeps all of it, so both sides do the same work.
    const load = loadSpec(ctx.tmp, ctx.options.quick ? 3000 : 15_000, 200);
    generateFile(load);
    const topic = `group-${load.id}`;
    for (const peer of [ctx.kcollect, ctx.mock]) await kcatProduce(peer, topic, load);
    const mLow = await watermark(ctx.mock.bootstrap, topic, 0, 'low');
    if (mLow !== 0) throw new Error(`the mock dropped ${mLow} messages of the group-drain topic; make the load smaller`);
    ctx.log(`group drain ${load.name}`);
    const res = await alternate(ctx, 'group', [
      {key: 'kcollect', peer: ctx.kcollect, run: (rep) => kcatGroupDrain(ctx.kcollect, `bench-kcollect-${rep}`, topic, load.size, load.count)},
      {key: 'mock', peer: ctx.mock, run: (rep) => kcatGroupDrain(ctx.mock, `bench-mock-${rep}`, topic, load.size, load.count)},
    ]);
    return [
      {
        kind: 'compare',
        scenario: 'group-drain',
        load: load.name,
        ours: res.kcollect,
        peer: res.mock,
        peerName: 'mock',
        note: 'a fresh group each run, so the time is mostly the join: kcollect holds the first assignment for group.initial.rebalance.delay.ms = 3 s, as Kafka does, and the mock takes about as long',
      },
    ];
  },
};

// ---- 4. broker facts --------------------------------------------------------------------------

const brokerFacts: Scenario = {
  name: 'broker',
  title: 'Broker facts',
  async run(ctx) {
    const runs: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await measureStartup(path.join(ctx.tmp, `startup-${i}`));
      runs.push(r.ms);
      rss.push(r.readyRssKb);
      ctx.log(`  start-up #${i + 1}: ${r.ms.toFixed(0)} ms`);
    }
    const ms = median(runs);
    return [
      fact('broker', 'kcollect.startup', 'kcollect start-up, spawn to first answered ApiVersions', `${ms.toFixed(0)} ms`, ms, `median of 5 (${runs.map((x) => x.toFixed(0)).join(', ')} ms); fresh data dir; includes node's own start`),
      fact('broker', 'kcollect.rss.idle', 'kcollect broker RSS idle, after start', fmtMiB(ctx.idle.kcollectRssKb), ctx.idle.kcollectRssKb / 1024),
      fact('broker', 'mock.rss.idle', 'mock cluster (kcat process) RSS idle', fmtMiB(ctx.idle.mockRssKb), ctx.idle.mockRssKb / 1024),
    ];
  },
};

// ---- 5. physical limits -----------------------------------------------------------------------

const limits: Scenario = {
  name: 'limits',
  title: 'Physical limits',
  async run(ctx) {
    const diskMiB = ctx.options.quick ? 100 : 500;
    const tcpMiB = ctx.options.quick ? 256 : 1024;
    const write: number[] = [];
    const synced: number[] = [];
    const rewrite: number[] = [];
    const tcp: number[] = [];
    for (let i = 0; i < ctx.options.reps; i++) {
      const d = diskWrite(ctx.tmp, diskMiB);
      write.push(d.bytes / d.writeSeconds / MB);
      synced.push(d.bytes / d.syncSeconds / MB);
      rewrite.push(d.bytes / d.rewriteSeconds / MB);
      const t = await loopbackTcp(tcpMiB);
      tcp.push(t.bytes / t.seconds / MB);
      ctx.log(`  limits #${i + 1}: disk ${write.at(-1)!.toFixed(0)} MB/s (${synced.at(-1)!.toFixed(0)} with fdatasync, ${rewrite.at(-1)!.toFixed(0)} into just-freed pages), tcp ${tcp.at(-1)!.toFixed(0)} MB/s`);
    }
    const w = median(write);
    const s = median(synced);
    const r = median(rewrite);
    const t = median(tcp);
    return [
      fact('limits', 'disk.write', `disk: sequential write, ${diskMiB} MiB fresh file, 1 MiB writeSync`, `${w.toFixed(0)} MB/s`, w, `median of ${ctx.options.reps}; page cache, no sync`),
      fact('limits', 'disk.write.sync', 'disk: the same, including one fdatasync at the end', `${s.toFixed(0)} MB/s`, s),
      fact(
        'limits',
        'disk.write.reused',
        'disk: the same again at once, into the page-cache pages the first file freed',
        `${r.toFixed(0)} MB/s`,
        r,
        'a fresh page costs a host page fault on a VM that backs memory on first touch (what a broker appending its log pays, the in-memory mock never)',
      ),
      fact('limits', 'tcp.loopback', `loopback TCP, node client and server in one process, ${tcpMiB} MiB in 1 MiB writes`, `${t.toFixed(0)} MB/s`, t, `median of ${ctx.options.reps}`),
    ];
  },
};

// ---- the list ---------------------------------------------------------------------------------

/** Every benchmark, in run order. Scenarios with `todo` only appear as a line in the report. */
export const scenarios: Scenario[] = [
  // First, while the disk has no writeback of the broker's logs pending.
  limits,
  brokerFacts,
  fixedCost,
  produce,
  transactions,
  tlsCost,
  drain,
  groupDrain,
  acksAllRf3,
  failover,
];

