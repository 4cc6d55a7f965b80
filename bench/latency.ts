/**
 * `npm run bench:latency`: how long a line written to a followed file takes to be in Kafka, for
 * `kcollect tail-produce` and rsyslog imfile (inotify) -> omkafka on the same kcollect broker, in
 * one run. Each line carries its write time; the topic uses LogAppendTime, so latency = the
 * broker's append time - the write time (ms). Lines are written one write() each at a steady
 * rate. Prints a markdown table; never run by `npm test`.
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
}

const collectors: Collector[] = [
  {
    name: 'kcollect tail-produce (defaults)',
    start: (dir, file, brokers, topic) => spawnTracked(process.execPath, [RUN, 'tail-produce', file, '--topic', topic, '-b', brokers, '--name', 'latency'], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']}),
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
    for (; i < due; i++) fs.writeSync(fd, `L${i} ${Date.now()}${PAD}\n`);
    await new Promise((r) => setImmediate(r));
  }
  fs.closeSync(fd);
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
        try {
          await waitFor(broker.bootstrap, topic, 1, `${collector.name} warm-up`);
          await writeLines(file, LINES, rate);
          await waitFor(broker.bootstrap, topic, LINES + 1, collector.name);
        } finally {
          await stopChild(child);
        }
        const latencies = (await records(broker.bootstrap, topic))
          .filter((r) => r.value.startsWith('L'))
          .map((r) => r.timestamp - Number(r.value.split(' ')[1]))
          .sort((a, b) => a - b);
        const row = `| ${collector.name} | ${rate.toLocaleString('en-US')} | ${percentile(latencies, 50)} ms | ${percentile(latencies, 99)} ms | ${latencies[latencies.length - 1]} ms |`;
        process.stderr.write(`bench: ${row}\n`);
        rows.push(row);
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
