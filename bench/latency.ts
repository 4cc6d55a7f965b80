/**
 * `npm run bench:latency`: how long a line written to a followed file takes to reach Kafka, an
 * HBase row and a file, in one run on one kcollect broker. Lines are written one write() each at
 * a steady rate and carry their sequence number and write time.
 * - line -> Kafka: the topic uses LogAppendTime, so latency = the broker's append time - the write
 *   time; for `kcollect tail-produce` and for rsyslog imfile (inotify) -> omkafka, each alone.
 * - line -> HBase row: tail-produce, then a drain (`consume --to hbase`) into the HBase REST
 *   emulator through a pass-through proxy here that notes when the emulator confirmed each row.
 * - line -> file: tail-produce, then a drain (`consume --to file`); this process watches the
 *   output directory (inotify) and notes when each line appears in a file.
 * Prints a markdown table; never run by `npm test`.
 */
import type {ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {createKafka} from '../src/client/kafka.js';
import {fetchRecords} from '../src/client/fetcher.js';
import {KcollectPeer, repoRoot} from './peers.js';
import {cleanupNow, installCleanupHandlers, makeTempDir, sleep, spawnTracked, stopChild} from './proc.js';
import {RSYSLOG_INSTALL, rsyslogVersion, startRsyslog} from './rsyslog.js';

const RUN = path.join(repoRoot, 'bin', 'run.js');
const LINES = Number(process.env.LATENCY_LINES ?? 10_000);
const RATES = (process.env.LATENCY_RATES ?? '1000,20000').split(',').map(Number);
/** Lines written at the rate before the measured ones: a collector that runs for days is warm (JIT, caches, connections). */
const WARM_UP_SECONDS = Number(process.env.LATENCY_WARM_UP_SECONDS ?? 2);
/** Warm-up lines are numbered from here, so they never count. */
const WARM_UP_SEQ = 1_000_000;
/** Makes a line as long as a driving-log line of the seeds (~90 bytes). */
const PAD = ' '.repeat(60);

/** When each line (by sequence number) was written, and when it arrived where the path ends. */
type Times = Map<number, number>;

interface Run {
  children: ChildProcess[];
  /** Resolves once every written line has arrived; gives the arrival time of each. */
  arrivals(written: Times): Promise<Times>;
  close?(): Promise<void>;
}

interface Path {
  name: string;
  start(dir: string, file: string, brokers: string, topic: string): Promise<Run>;
}

const tailProduce = (dir: string, file: string, brokers: string, topic: string) =>
  spawnTracked(process.execPath, [RUN, 'tail-produce', file, '--topic', topic, '-b', brokers, '--name', 'latency'], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});

const kafkaArrivals = (brokers: string, topic: string) => async (written: Times) => {
  const arrived: Times = new Map();
  await waitFor(async () => {
    for (const r of await records(brokers, topic)) if (r.value.startsWith('L')) arrived.set(sequenceOf(r.value), r.timestamp);
    return [...written.keys()].every((seq) => arrived.has(seq));
  }, `${written.size} lines in ${topic}`);
  return arrived;
};

const paths: Path[] = [
  {
    name: 'kcollect tail-produce (defaults): line -> Kafka',
    start: async (dir, file, brokers, topic) => ({children: [tailProduce(dir, file, brokers, topic)], arrivals: kafkaArrivals(brokers, topic)}),
  },
];
const rsyslog = rsyslogVersion();
if (rsyslog) {
  paths.push({
    name: `rsyslog ${rsyslog} imfile (inotify) -> omkafka, acks=all, idempotent, linger.ms=5: line -> Kafka`,
    start: async (dir, file, brokers, topic) => ({children: [startRsyslog(dir, file, brokers, topic)], arrivals: kafkaArrivals(brokers, topic)}),
  });
} else process.stderr.write(`bench: rsyslog with omkafka not installed (${RSYSLOG_INSTALL}); measuring kcollect alone\n`);
paths.push(
  {
    name: 'kcollect tail-produce, then a drain `consume --to hbase` into the HBase REST emulator: line -> row confirmed',
    start: async (dir, file, brokers, topic) => {
      const hbase = spawnTracked(process.execPath, [RUN, 'hbase', 'serve', '--port', '0', '--data-dir', path.join(dir, 'hbase')], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']});
      const proxy = await RowProxy.start(await readyUrl(hbase));
      const drain = spawnTracked(process.execPath, [RUN, 'consume', topic, '--group', 'latency', '-b', brokers, '--to', 'hbase', '--hbase-url', proxy.url, '--table', 'Latency', '--create-table', '--columns', 'seq,written,pad', '--row-key', '{seq}'], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
      return {children: [tailProduce(dir, file, brokers, topic), drain, hbase], arrivals: (written) => proxy.arrivals(written), close: () => proxy.close()};
    },
  },
  {
    name: 'kcollect tail-produce, then a drain `consume --to file`: line -> in the file',
    start: async (dir, file, brokers, topic) => {
      const out = path.join(dir, 'out');
      fs.mkdirSync(out);
      const watcher = new FileArrivals(out);
      const drain = spawnTracked(process.execPath, [RUN, 'consume', topic, '--group', 'latency', '-b', brokers, '--to', 'file', '--out-dir', out], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
      return {children: [tailProduce(dir, file, brokers, topic), drain], arrivals: (written) => watcher.arrivals(written), close: async () => watcher.close()};
    },
  },
);

function sequenceOf(line: string): number {
  return Number(line.slice(1, line.indexOf(',')));
}

async function waitFor(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`no ${what} after 120 s`);
    await sleep(100);
  }
}

/** Arrival times noted as they happen, read once every written line is there. */
class Arrivals {
  readonly times: Times = new Map();

  note(line: string, at: number): void {
    if (line.startsWith('L') && !this.times.has(sequenceOf(line))) this.times.set(sequenceOf(line), at);
  }

  async arrivals(written: Times): Promise<Times> {
    await waitFor(() => [...written.keys()].every((seq) => this.times.has(seq)), `${written.size} lines arrived`);
    return this.times;
  }
}

/** Passes HBase REST requests on; notes when the gateway confirmed a put of each row. */
class RowProxy extends Arrivals {
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {
    super();
  }

  static async start(target: string): Promise<RowProxy> {
    const agent = new http.Agent({keepAlive: true});
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new RowProxy(server, `http://127.0.0.1:${(server.address() as {port: number}).port}`);
    server.on('request', (req, res) => {
      const body: Buffer[] = [];
      req.on('data', (c: Buffer) => body.push(c));
      req.on('end', () => {
        const forward = http.request(`${target}${req.url}`, {method: req.method, headers: req.headers, agent}, (answer) => {
          const reply: Buffer[] = [];
          answer.on('data', (c: Buffer) => reply.push(c));
          answer.on('end', () => {
            const at = Date.now();
            if ((req.method === 'PUT' || req.method === 'POST') && answer.statusCode! < 300) proxy.noteRows(Buffer.concat(body), at);
            res.writeHead(answer.statusCode!, answer.headers).end(Buffer.concat(reply));
          });
        });
        forward.on('error', () => res.writeHead(502).end());
        forward.end(Buffer.concat(body));
      });
    });
    return proxy;
  }

  private noteRows(body: Buffer, at: number): void {
    try {
      for (const row of (JSON.parse(body.toString()) as {Row?: Array<{key: string}>}).Row ?? []) this.note(`${Buffer.from(row.key, 'base64').toString()},`, at);
    } catch {
      // not a CellSet (a schema request)
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Watches a directory (inotify) and notes when each line appears in one of its files. */
class FileArrivals extends Arrivals {
  private readonly read = new Map<string, {offset: number; partial: string}>();
  private readonly watcher: fs.FSWatcher;

  constructor(private readonly dir: string) {
    super();
    this.watcher = fs.watch(dir, () => this.scan());
  }

  private scan(): void {
    const at = Date.now();
    for (const name of fs.readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      let ino: string;
      let size: number;
      try {
        const st = fs.statSync(file);
        [ino, size] = [String(st.ino), st.size];
      } catch {
        continue; // renamed meanwhile: seen under its new name
      }
      // By inode: a file renamed when it rolls is not read twice.
      const seen = this.read.get(ino) ?? {offset: 0, partial: ''};
      if (size <= seen.offset) continue;
      const buf = Buffer.alloc(size - seen.offset);
      const fd = fs.openSync(file, 'r');
      fs.readSync(fd, buf, 0, buf.length, seen.offset);
      fs.closeSync(fd);
      const lines = (seen.partial + buf.toString()).split('\n');
      this.read.set(ino, {offset: size, partial: lines.pop()!});
      for (const line of lines) this.note(line, at);
    }
  }

  close(): void {
    this.watcher.close();
  }
}

async function readyUrl(hbase: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    hbase.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /ready on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    hbase.once('exit', () => reject(new Error(`hbase serve exited: ${out}`)));
  });
}

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

/** Writes `count` lines at `rate` per second, one write() each; returns when each was written. */
async function writeLines(file: string, count: number, rate: number, firstSeq = 0): Promise<Times> {
  const written: Times = new Map();
  const fd = fs.openSync(file, 'a');
  const start = performance.now();
  for (let i = 0; i < count; ) {
    const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; i < due; i++) {
      const now = Date.now();
      fs.writeSync(fd, `L${firstSeq + i},${now},${PAD}\n`);
      written.set(firstSeq + i, now);
    }
    await new Promise((r) => setImmediate(r));
  }
  fs.closeSync(fd);
  return written;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(p: Path, n: number, rate: number, tmp: string, brokers: string): Promise<string> {
  const dir = path.join(tmp, `${rate}-${n}`);
  fs.mkdirSync(dir, {recursive: true});
  const file = path.join(dir, 'driving.log');
  const topic = `latency-${rate}-${n}`;
  await createTopic(brokers, topic);
  const run = await p.start(dir, file, brokers, topic);
  try {
    // Warm-up lines through the whole path first: every process is connected, live and warm.
    await run.arrivals(await writeLines(file, Math.max(1, WARM_UP_SECONDS * rate), rate, WARM_UP_SEQ));
    const written = await writeLines(file, LINES, rate);
    const arrived = await run.arrivals(written);
    const latencies = [...written].map(([seq, at]) => arrived.get(seq)! - at).sort((a, b) => a - b);
    const row = `| ${p.name} | ${rate.toLocaleString('en-US')} | ${percentile(latencies, 50)} ms | ${percentile(latencies, 99)} ms | ${latencies[latencies.length - 1]} ms |`;
    process.stderr.write(`bench: ${row}\n`);
    return row;
  } finally {
    for (const c of run.children) await stopChild(c);
    await run.close?.();
  }
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const tmp = makeTempDir('kcollect-bench-latency-');
  const broker = await KcollectPeer.start({dataDir: path.join(tmp, 'broker')});
  const rows: string[] = [];
  try {
    for (const rate of RATES) for (const [n, p] of paths.entries()) rows.push(await measure(p, n, rate, tmp, broker.bootstrap));
  } finally {
    await stopChild(broker.child);
    cleanupNow();
  }
  console.log(`${LINES.toLocaleString('en-US')} lines per run written one write() each at a steady rate after ${WARM_UP_SECONDS} s of warm-up lines at that rate, one kcollect broker\n`);
  console.log('| path | lines/s | p50 | p99 | max |\n|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
