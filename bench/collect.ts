/**
 * `npm run bench:collect`: collection and drain throughput, each side by side with a peer in the
 * same run, on the same file and the same kcollect broker (child process, data in os.tmpdir()):
 *   - tail-produce catching up on a driving log, to its exit (`--exit`), vs `kcat -P -l FILE`
 *     (`tail -F | kcat -P` never hands kcat its last lines without an end of input, so it cannot
 *     be timed to completion) and vs rsyslog (imfile -> omkafka) and syslog-ng (file() ->
 *     kafka-c()) following the same file, until the topic holds every line (they never exit);
 *   - spool-produce of the 100-car daily status file (~104 MB) vs `kcat -P -l FILE`;
 *   - a group drain to files (`consume -g --to file --exit`) vs `kcat -C -e > file` and vs
 *     `kcat -G -e > file`;
 *   - a drain into the HBase REST emulator (records/s; no peer here), and the time from the
 *     emulator's return after an outage to the drain's backlog cleared.
 * `--only tail,spool,drain,hbase,outage` runs some. Prints a markdown table; never run by `npm test`.
 */
import fs from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {createKafka} from '../src/client/kafka.js';
import {runDrivingSimulator} from '../src/simulate/driving.js';
import {writeStatusFile} from '../src/simulate/status.js';
import {KcollectPeer, repoRoot} from './peers.js';
import {RSYSLOG_INSTALL, rsyslogVersion, startRsyslog} from './rsyslog.js';
import {SYSLOG_NG_INSTALL, startSyslogNg, syslogNgVersion} from './syslog-ng.js';
import {cleanupNow, installCleanupHandlers, makeTempDir, median, runTimed, sleep, spawnTracked, stopChild} from './proc.js';

const RUN = path.join(repoRoot, 'bin', 'run.js');
const kc = (args: string[], cwd: string) => spawnTracked(process.execPath, [RUN, ...args], {cwd, stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, NODE_ENV: 'production'}});

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;
const highWatermarkSum = async (admin: Admin, topic: string) => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);

/** Records the group has committed on the topic (all partitions). */
async function committedIn(brokers: string, groupId: string, topic: string): Promise<number> {
  const admin = createKafka([brokers], 'bench').admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({groupId, topics: [topic]});
    return t.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

async function createTopic(brokers: string, topic: string): Promise<void> {
  const admin = createKafka([brokers], 'bench').admin();
  await admin.connect();
  await admin.createTopics({topics: [{topic, numPartitions: 3}]});
  await admin.disconnect();
}

/**
 * Seconds from now until the topic holds `count` records. One connection asks every 10 ms, so the
 * figure is within ~10 ms of the last acknowledgement (a new connection per look, every 100 ms,
 * added up to ~150 ms to a run timed against kcat's exit).
 */
async function recordsIn(brokers: string, topic: string): Promise<number> {
  const admin = createKafka([brokers], 'bench').admin();
  await admin.connect();
  try {
    return await highWatermarkSum(admin, topic);
  } finally {
    await admin.disconnect();
  }
}

async function timeUntil(brokers: string, topic: string, count: number, start: () => void): Promise<number> {
  const admin = createKafka([brokers], 'bench').admin();
  await admin.connect();
  try {
    const t0 = performance.now();
    start();
    while ((await highWatermarkSum(admin, topic)) < count) await sleep(10);
    return (performance.now() - t0) / 1000;
  } finally {
    await admin.disconnect();
  }
}

/**
 * performance.now() when the first bytes appear in `target` (a file, or any file in a directory
 * tree), looking every 5 ms until stop(): the start of a drain's steady state, after its client
 * start-up, metadata and group join.
 */
function firstBytesAt(target: string): {at: Promise<number>; stop: () => void} {
  let stopped = false;
  const hasBytes = (p: string): boolean => {
    const st = fs.statSync(p, {throwIfNoEntry: false});
    if (!st) return false;
    if (!st.isDirectory()) return st.size > 0;
    return fs.readdirSync(p).some((name) => hasBytes(path.join(p, name)));
  };
  const at = (async () => {
    while (!stopped) {
      if (hasBytes(target)) return performance.now();
      await sleep(5);
    }
    return NaN;
  })();
  return {at, stop: () => (stopped = true)};
}

/** Runs a drain to `output`; its whole time, and its time from the first bytes out to its exit. */
async function timeDrain(output: string, cmd: string, args: string[]): Promise<{seconds: number; steadySeconds: number}> {
  const first = firstBytesAt(output);
  const t0 = performance.now();
  const run = await runTimed(cmd, args, {stdout: 'ignore'});
  const end = performance.now();
  first.stop();
  if (run.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${run.code}: ${run.stderr}`);
  return {seconds: (end - t0) / 1000, steadySeconds: (end - (await first.at)) / 1000};
}

const rate = (n: number, s: number) => `${Math.round(n / s / 1000)} k/s`;

/** Alternating tail-produce / kcat pairs the tail row takes the median of. */
const TAIL_REPS = 5;

/** `--only tail,spool,drain,hbase,outage` runs those sections (each makes what it reads). */
const SECTIONS = ['tail', 'spool', 'drain', 'hbase', 'outage'] as const;
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1].split(',') : [...SECTIONS];
for (const s of only) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only ${s}: expected some of ${SECTIONS.join(',')}`);
const runs = (s: (typeof SECTIONS)[number]) => only.includes(s);

async function main(): Promise<void> {
  installCleanupHandlers();
  const tmp = makeTempDir('kcollect-bench-collect-');
  const broker = await KcollectPeer.start({dataDir: path.join(tmp, 'broker'), numPartitions: 3});
  const b = broker.bootstrap;
  const rows: string[][] = [];
  try {
    const log = path.join(tmp, 'driving.log');
    const driving = await runDrivingSimulator({cars: 100, outFile: log, speed: 'max', date: '20160101', toSecond: 5998, seed: 1});
    const lines = driving.lines + driving.headers;
    const status = runs('spool') || runs('drain') ? await writeStatusFile({cars: 100, date: '20160101', outDir: path.join(tmp, 'status'), seed: 1}) : undefined;
    const statusLines = status ? status.lines + status.headers : 0;

    // 1. Tail: catch up on 300,000 driving lines already in the file.
    if (runs('tail')) {
      // Timed like kcat, from spawn to exit: it exits once every line is read and acknowledged.
      // Each side runs once untimed first (the broker compiles the produce path of each client,
      // idempotent for tail-produce, while serving its first requests), then TAIL_REPS pairs in
      // alternating order, each into a new topic: one run is too noisy on this machine.
      const tailOnce = async (topic: string, extra: string[] = []): Promise<number> => {
        await createTopic(b, topic);
        const run = await runTimed(process.execPath, [RUN, 'tail-produce', log, '-t', topic, '-b', b, '--position-file', path.join(tmp, `${topic}.pos.json`), '--exit', ...extra], {cwd: tmp, stdout: 'ignore'});
        if (run.code !== 0) throw new Error(`tail-produce --exit exited with ${run.code}: ${run.stderr}`);
        const inTopic = await recordsIn(b, topic);
        if (inTopic !== lines) throw new Error(`tail-produce --exit left ${inTopic} records in ${topic}, expected ${lines}`);
        return run.seconds;
      };
      const kcatOnce = async (topic: string): Promise<number> => {
        await createTopic(b, topic);
        return (await runTimed('kcat', ['-P', '-b', b, '-t', topic, '-l', log])).seconds;
      };
      await tailOnce('tail-warmup-kcollect');
      await kcatOnce('tail-warmup-kcat');
      const ours: number[] = [];
      const kcats: number[] = [];
      for (let rep = 1; rep <= TAIL_REPS; rep++) {
        const kcollectFirst = rep % 2 === 1;
        if (kcollectFirst) ours.push(await tailOnce(`tail-kcollect-${rep}`));
        kcats.push(await kcatOnce(`tail-kcat-${rep}`));
        if (!kcollectFirst) ours.push(await tailOnce(`tail-kcollect-${rep}`));
      }
      const tailK = median(ours);
      const tailP = median(kcats);
      const pairRatios = ours.map((t, i) => kcats[i] / t).sort((x, y) => x - y);
      const spread = `${pairRatios[0].toFixed(2)}-${pairRatios[pairRatios.length - 1].toFixed(2)}`;
      rows.push(['tail-produce, catching up', `${lines.toLocaleString('en')} driving lines (${(driving.bytes / 1e6).toFixed(1)} MB), median of ${TAIL_REPS} alternating runs`, `${tailK.toFixed(2)} s (${rate(lines, tailK)})`, `kcat -P -l: ${tailP.toFixed(2)} s (${rate(lines, tailP)})`, `${(tailP / tailK).toFixed(2)} (pairs ${spread})`]);
      // The durable file channel (a write-ahead log fdatasync'ed before a line counts as read), against the same kcat runs.
      const fileChannel: number[] = [];
      for (let rep = 1; rep <= 3; rep++) fileChannel.push(await tailOnce(`tail-file-channel-${rep}`, ['--channel', 'file', '--channel-dir', path.join(tmp, `channel-${rep}`)]));
      const tailF = median(fileChannel);
      rows.push(['tail-produce --channel file, catching up', `the same file, median of 3 runs (${fileChannel.map((t) => t.toFixed(2)).join(', ')} s)`, `${tailF.toFixed(2)} s (${rate(lines, tailF)})`, `kcat -P -l: ${tailP.toFixed(2)} s`, (tailP / tailF).toFixed(2)]);
      const tailPeers = [
        {name: 'rsyslog', version: rsyslogVersion(), what: 'imfile -> omkafka', install: RSYSLOG_INSTALL, start: startRsyslog},
        {name: 'syslog-ng', version: syslogNgVersion(), what: 'file() -> kafka-c()', install: SYSLOG_NG_INSTALL, start: startSyslogNg},
      ];
      for (const peer of tailPeers) {
        if (!peer.version) {
          rows.push(['tail-produce, catching up', 'the same file', `${tailK.toFixed(2)} s`, `${peer.name}: not installed (${peer.install})`, '']);
          continue;
        }
        const topic = `tail-${peer.name}`;
        await createTopic(b, topic);
        const dir = path.join(tmp, peer.name);
        fs.mkdirSync(dir);
        let child: ReturnType<typeof peer.start> | undefined;
        const seconds = await timeUntil(b, topic, lines, () => (child = peer.start(dir, log, b, topic)));
        await stopChild(child!);
        rows.push(['tail-produce, catching up', 'the same file', `${tailK.toFixed(2)} s`, `${peer.name} ${peer.version} ${peer.what}: ${seconds.toFixed(2)} s (${rate(lines, seconds)})`, (seconds / tailK).toFixed(2)]);
      }
    }

    // 2. Spool: the 100-car daily status file.
    await createTopic(b, 'spool-kcollect');
    if (runs('spool')) {
      const spool = path.join(tmp, 'spool');
      fs.mkdirSync(spool);
      await createTopic(b, 'spool-kcat');
      const child = kc(['spool-produce', spool, '-t', 'spool-kcollect', '-b', b, '--stable-for', '200ms', '--poll-interval', '100ms'], tmp);
      // A finished file is moved into a spool directory (Flume's rule too); a copy would time the copy.
      const ready = path.join(tmp, 'status-ready.txt');
      fs.copyFileSync(status!.file, ready);
      await sleep(1500);
      const spoolK = await timeUntil(b, 'spool-kcollect', statusLines, () => fs.renameSync(ready, path.join(spool, 'status.txt')));
      await stopChild(child);
      const kcatSpool = await runTimed('kcat', ['-P', '-b', b, '-t', 'spool-kcat', '-l', status!.file]);
      rows.push(['spool-produce', `100-car status file, ${statusLines.toLocaleString('en')} lines (${(status!.bytes / 1e6).toFixed(0)} MB)`, `${spoolK.toFixed(1)} s`, `kcat -P -l: ${kcatSpool.seconds.toFixed(1)} s`, (kcatSpool.seconds / spoolK).toFixed(2)]);
    } else if (runs('drain')) {
      await runTimed('kcat', ['-P', '-b', b, '-t', 'spool-kcollect', '-l', status!.file]);
    }

    // 3. Drain the status topic to files vs kcat -C -e > file.
    if (runs('drain')) {
      const files = path.join(tmp, 'files');
      const drainK = await timeDrain(files, process.execPath, [RUN, 'consume', 'spool-kcollect', '-b', b, '-g', 'bench-files', '--to', 'file', '--out-dir', files, '--exit', '--batch-size', '5000']);
      const kcatOut = path.join(tmp, 'kcat.out');
      const drainP = await timeDrain(kcatOut, 'sh', ['-c', `kcat -C -b ${b} -t spool-kcollect -o beginning -e > ${kcatOut}`]);
      rows.push(['drain to files (group)', `${statusLines.toLocaleString('en')} records`, `${drainK.seconds.toFixed(1)} s (${rate(statusLines, drainK.seconds)})`, `kcat -C -e > file: ${drainP.seconds.toFixed(1)} s (${rate(statusLines, drainP.seconds)})`, (drainP.seconds / drainK.seconds).toFixed(2)]);
      // Steady state: from the first bytes out to exit, without start-up and the group join (the
      // coordinator's initial rebalance delay, 3 s by Kafka's default, is most of the gap above).
      rows.push(['drain to files, steady state', 'the same, from first bytes out', `${drainK.steadySeconds.toFixed(2)} s (${rate(statusLines, drainK.steadySeconds)})`, `kcat -C -e > file: ${drainP.steadySeconds.toFixed(2)} s (${rate(statusLines, drainP.steadySeconds)})`, (drainP.steadySeconds / drainK.steadySeconds).toFixed(2)]);
      // The same drain against a peer that, like it, joins a group first (the coordinator's initial rebalance delay included).
      const kcatGroupOut = path.join(tmp, 'kcat-group.out');
      const drainG = await timeDrain(kcatGroupOut, 'sh', ['-c', `kcat -G bench-kcat -b ${b} -X auto.offset.reset=earliest -e spool-kcollect > ${kcatGroupOut}`]);
      rows.push(['drain to files (group)', 'the same topic', `${drainK.seconds.toFixed(1)} s`, `kcat -G -e > file: ${drainG.seconds.toFixed(1)} s (${rate(statusLines, drainG.seconds)})`, (drainG.seconds / drainK.seconds).toFixed(2)]);
    }

    if (!runs('hbase') && !runs('outage')) return;
    const hbase = spawnTracked(process.execPath, [RUN, 'hbase', 'serve', '--port', '0', '--data-dir', path.join(tmp, 'hbase')], {stdio: ['ignore', 'pipe', 'ignore'], env: {...process.env, NODE_ENV: 'production'}});
    const url = await new Promise<string>((resolve) => {
      let out = '';
      hbase.stdout!.on('data', (d) => {
        out += d;
        const m = /ready on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
    });

    // 4. Drain the driving topic into the HBase REST emulator.
    if (runs('hbase')) {
      await createTopic(b, 'driving');
      await runTimed('sh', ['-c', `grep -E '^[0-9]{14}' ${log} | kcat -P -b ${b} -t driving`]);
      const toHBase = await runTimed(process.execPath, [RUN, 'consume', 'driving', '-b', b, '-g', 'bench-hbase', '--to', 'hbase', '--hbase-url', url, '--table', 'DriverCarInfo', '--column-family', 'cf1', '--create-table', '--exit', '--batch-size', '2000'], {stdout: 'ignore'});
      rows.push(['drain into HBase (REST emulator)', `${driving.lines.toLocaleString('en')} driving records, 8 cells each`, `${toHBase.seconds.toFixed(1)} s (${rate(driving.lines, toHBase.seconds)})`, 'no peer', '']);
    }

    // 5. HBase goes down under a running drain while the driving records arrive, so they wait in
    // Kafka; measured: from its return to the backlog cleared (every offset committed).
    if (runs('outage')) {
      await createTopic(b, 'outage');
      const drain = spawnTracked(process.execPath, [RUN, 'consume', 'outage', '-b', b, '-g', 'bench-outage', '--to', 'hbase', '--hbase-url', url, '--table', 'Outage', '--column-family', 'cf1', '--create-table', '--batch-size', '2000'], {stdio: ['ignore', 'ignore', 'ignore']});
      await sleep(3000);
      await fetch(`${url}/_emulator/down`, {method: 'POST'});
      await runTimed('sh', ['-c', `grep -E '^[0-9]{14}' ${log} | kcat -P -b ${b} -t outage`]);
      await sleep(5000);
      await fetch(`${url}/_emulator/up`, {method: 'POST'});
      const back = performance.now();
      while ((await committedIn(b, 'bench-outage', 'outage')) < driving.lines) await sleep(100);
      const cleared = (performance.now() - back) / 1000;
      await stopChild(drain);
      rows.push(['HBase back after an outage: its return to the backlog cleared', `${driving.lines.toLocaleString('en')} driving records held in Kafka while the emulator was down (\`POST /_emulator/down\`, then \`/up\`)`, `${cleared.toFixed(1)} s`, 'no peer', '']);
    }
    await stopChild(hbase);
  } finally {
    await broker.stop();
    cleanupNow();
    console.log('| Scenario | Load | kcollect | Peer, same run | peer time / kcollect time |');
    console.log('|---|---|--:|--:|--:|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
