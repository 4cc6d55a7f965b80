/**
 * `npm run bench:latency`: how long a line written to a followed file takes to be in Kafka, for
 * `kcollect tail-produce` and rsyslog imfile (inotify) -> omkafka on the same kcollect broker, in
 * one run. Each line carries its write time; the topic uses LogAppendTime, so latency = the
 * broker's append time - the write time (ms). Lines are written one write() each at a steady
 * rate. While kcollect's collector runs, a drain (`consume --to hbase`) writes the topic into the
 * HBase REST emulator; its own gauges give record appended -> HBase row confirmed.
 * Prints a markdown table; never run by `npm test`.
 */
import type {ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {createKafka} from '../src/client/kafka.js';
import {fetchRecords} from '../src/client/fetcher.js';
import {KcollectPeer, repoRoot} from './peers.js';
import {cleanupNow, installCleanupHandlers, makeTempDir, sleep, spawnTracked, stopChild} from './proc.js';
import {RSYSLOG_INSTALL, rsyslogVersion, startRsyslog} from './rsyslog.js';

const RUN = path.join(repoRoot, 'bin', 'run.js');
const LINES = Number(process.env.LATENCY_LINES ?? 10_000);
const RATES = (process.env.LATENCY_RATES ?? '1000,20000').split(',').map(Number);
/** Makes a line as long as a driving-log line of the seeds (~90 bytes). */
const PAD = ' '.repeat(60);

interface Collector {
  name: string;
  start(dir: string, file: string, brokers: string, topic: string): ChildProcess;
  /** Also drain the topic into HBase and report the drain's latency. */
  drainToHBase?: boolean;
}

const collectors: Collector[] = [
  {
    name: 'kcollect tail-produce (defaults)',
    start: (dir, file, brokers, topic) => spawnTracked(process.execPath, [RUN, 'tail-produce', file, '--topic', topic, '-b', brokers, '--name', 'latency'], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']}),
    drainToHBase: true,
  },
];
const rsyslog = rsyslogVersion();
if (rsyslog) collectors.push({name: `rsyslog ${rsyslog} imfile (inotify) -> omkafka, acks=all, idempotent, linger.ms=5`, start: startRsyslog});
else process.stderr.write(`bench: rsyslog with omkafka not installed (${RSYSLOG_INSTALL}); measuring kcollect alone\n`);

async function createTopic(brokers: string, topic: string): Promise<void> {
  const admin = createKafka([brokers], 'bench').admin();
  await admin.connect();
  try {
    await admin.createTopics({topics: [{topic, numPartitions: 1, configEntries: [{name: 'message.timestamp.type', value: 'LogAppendTime'}]}]});
  } finally {
    await admin.disconnect();
  }
}

async function records(brokers: string, topic: string): Promise<Array<{value: string; timestamp: number}>> {
  const out: Array<{value: string; timestamp: number}> = [];
  await fetchRecords({brokers: [brokers], topic, start: {kind: 'beginning'}, stopAtEnd: true, maxWaitMs: 100}, (batch) => {
    for (const r of batch) out.push({value: r.value?.toString() ?? '', timestamp: r.timestamp});
  });
  return out;
}

async function waitFor(brokers: string, topic: string, count: number, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await records(brokers, topic)).length < count) {
    if (Date.now() > deadline) throw new Error(`${what}: fewer than ${count} records in ${topic} after 120 s`);
    await sleep(200);
  }
}

/** Writes `count` lines at `rate` per second, one write() each, each stamped with its write time. */
async function writeLines(file: string, count: number, rate: number): Promise<void> {
  const fd = fs.openSync(file, 'a');
  const start = performance.now();
  for (let i = 0; i < count; ) {
    const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; i < due; i++) fs.writeSync(fd, `L${i},${Date.now()},${PAD}\n`);
    await new Promise((r) => setImmediate(r));
  }
  fs.closeSync(fd);
}

/** `hbase serve` and a drain of `topic` into it, started in `dir`; both are stopped by the caller. */
async function startDrain(dir: string, brokers: string, topic: string): Promise<ChildProcess[]> {
  const hbase = spawnTracked(process.execPath, [RUN, 'hbase', 'serve', '--port', '0', '--data-dir', path.join(dir, 'hbase')], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']});
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    hbase.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /ready on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    hbase.once('exit', () => reject(new Error(`hbase serve exited: ${out}`)));
  });
  const drain = spawnTracked(process.execPath, [RUN, 'consume', topic, '--group', 'latency', '-b', brokers, '--to', 'hbase', '--hbase-url', url, '--table', 'Latency', '--create-table', '--columns', 'seq,written,pad', '--row-key', '{seq}'], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
  return [drain, hbase];
}

/** Waits until the drain has handled `count` records, then its p50 / p99 cells from its status file. */
async function drainHandled(dir: string, count: number): Promise<string> {
  const file = path.join(dir, '.kcollect', 'status', 'drain-latency.json');
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
    const c = status?.components.find((x: {kind: string}) => x.kind === 'DRAIN')?.counters;
    if (c && (c.EventDrainSuccessCount ?? 0) + (c.DeadLetterCount ?? 0) >= count && c.LatencyP99Ms !== undefined) return `${c.LatencyP50Ms} ms | ${c.LatencyP99Ms} ms | - |`;
    if (Date.now() > deadline) throw new Error(`the drain did not handle ${count} records in 120 s`);
    await sleep(500);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const tmp = makeTempDir('kcollect-bench-latency-');
  const broker = await KcollectPeer.start({dataDir: path.join(tmp, 'broker')});
  const rows: string[] = [];
  try {
    for (const rate of RATES) {
      for (const [n, collector] of collectors.entries()) {
        const dir = path.join(tmp, `${rate}-${n}`);
        fs.mkdirSync(dir, {recursive: true});
        const file = path.join(dir, 'driving.log');
        const topic = `latency-${rate}-${n}`;
        await createTopic(broker.bootstrap, topic);
        fs.writeFileSync(file, `warm-up ${Date.now()}\n`);
        const child = collector.start(dir, file, broker.bootstrap, topic);
        const hbase = collector.drainToHBase ? await startDrain(dir, broker.bootstrap, topic) : undefined;
        let drained: string | undefined;
        try {
          await waitFor(broker.bootstrap, topic, 1, `${collector.name} warm-up`);
          // The drain has joined its group and written the warm-up line: it is live.
          if (hbase) await drainHandled(dir, 1);
          await writeLines(file, LINES, rate);
          await waitFor(broker.bootstrap, topic, LINES + 1, collector.name);
          if (hbase) drained = await drainHandled(dir, LINES + 1);
        } finally {
          await stopChild(child);
          for (const c of hbase ?? []) await stopChild(c);
        }
        const drainRow = drained && `| ${collector.name}, then a drain \`consume --to hbase\` into the HBase REST emulator: record appended -> row confirmed (the drain's gauges, last 2,048 records) | ${rate.toLocaleString('en-US')} | ${drained}`;
        const latencies = (await records(broker.bootstrap, topic))
          .filter((r) => r.value.startsWith('L'))
          .map((r) => r.timestamp - Number(r.value.split(',')[1]))
          .sort((a, b) => a - b);
        const row = `| ${collector.name} | ${rate.toLocaleString('en-US')} | ${percentile(latencies, 50)} ms | ${percentile(latencies, 99)} ms | ${latencies[latencies.length - 1]} ms |`;
        process.stderr.write(`bench: ${row}\n`);
        rows.push(row);
        if (drainRow) rows.push(drainRow);
      }
    }
  } finally {
    await stopChild(broker.child);
    cleanupNow();
  }
  console.log(`line written -> in Kafka (LogAppendTime), ${LINES.toLocaleString('en-US')} lines per run, one kcollect broker\n`);
  console.log('| collector | lines/s | p50 | p99 | max |\n|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
