import fs from 'node:fs';
import path from 'node:path';
import {withAdmin} from '../client/admin.js';
import {defaultClientConfig, setDefaultClientConfig} from '../client/client-config.js';
import {startHBaseEmulator} from '../hbase/emulator/index.js';
import type {HttpClientSecurity, HttpServerSecurity} from '../lib/http-security.js';
import {issueCertificate} from '../security/dev-certs.js';
import {RECORD_LINE, today} from '../simulate/common.js';
import {DRIVING_STEP_SECONDS, REALTIME_TICK_MS, runDrivingSimulator} from '../simulate/driving.js';
import {writeStatusFile} from '../simulate/status.js';
import {deadLetterTopicFor} from '../sinks/dead-letter.js';
import {BOOK_COLUMNS, BOOK_ROW_KEY} from '../sinks/hbase-rows.js';
import {loadAgentConfig, type AgentConfig} from '../topology/agent-config.js';
import {BUNDLED_DIR} from '../topology/bundled.js';
import {runAgent} from './agent-service.js';
import {startDemoCluster, type DemoTopology} from './demo-cluster.js';
import {runGroupDrain} from './drain-service.js';
import {fileSinkLines, hbaseLines, readLogLines, reconcilePipeline, topicValues, type PipelineReconciliation} from './reconcile.js';

export const DRIVING_TOPIC = 'SmartCar-Topic';
export const STATUS_TOPIC = 'SmartCar-Status-Topic';
export const HBASE_TABLE = 'DriverCarInfo';

export interface DemoOptions {
  topology: DemoTopology;
  cars: number;
  durationMs: number;
  /** Working directory: broker data, logs, spool, HBase, files. Wiped at the start. */
  dir: string;
  progress: (line: string) => void;
  /** Ctrl-C: the drivers stop, the pipeline gets a few seconds to catch up, and what was written so far is reconciled. */
  signal?: AbortSignal;
  /** TLS + SCRAM on the brokers, TLS + basic auth on the HBase REST emulator; every client uses them. */
  secure?: boolean;
}

export interface DemoReport {
  topology: DemoTopology;
  brokers: string;
  hbase: string;
  secure: boolean;
  cars: number;
  pipelines: PipelineReconciliation[];
  reconciled: boolean;
  /** Stopped by the signal before the drivers' full duration. */
  interrupted: boolean;
  elapsedMs: number;
}

/**
 * The smart-car pilot end to end: a broker, the HBase REST emulator, both simulators, the book's
 * two agents (driving log via tail and regex filter; daily status file via spooldir), a drain of
 * the driving topic into HBase and one of the status topic into files by day; then every line
 * written is looked for in Kafka and in the sink, and the counts are reconciled.
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const started = Date.now();
  const {dir, progress} = options;
  fs.rmSync(dir, {recursive: true, force: true});
  fs.mkdirSync(dir, {recursive: true});
  const logFile = fs.createWriteStream(path.join(dir, 'demo.log'));
  const log = (line: string) => logFile.write(`${new Date().toISOString()} ${line}\n`);
  progress(`starting ${options.topology} in ${dir}`);
  const cluster = await startDemoCluster(options.topology, dir, log, options.secure);
  const {brokers} = cluster;
  // The demo is one client of one cluster, as a command is: its admin, agents and drains all connect this way.
  const previousClient = defaultClientConfig();
  if (cluster.secured) setDefaultClientConfig(cluster.secured.client);
  const hbaseSecurity = cluster.secured && (await secureHBase(cluster.secured));
  const hbase = await startHBaseEmulator({dataDir: path.join(dir, 'hbase'), security: hbaseSecurity?.server});
  progress(`${cluster.describe}; HBase REST emulator on ${hbase.url}${hbaseSecurity ? ` (basic auth as ${cluster.secured!.user})` : ''}`);
  const stop = new AbortController();
  const running: Array<Promise<unknown>> = [];
  try {
    await withAdmin(brokers, async (admin) => {
      // With replicas, acks=all waits for two of them: one broker may fail without losing a record.
      const configs: Record<string, string> = cluster.replicationFactor > 1 ? {'min.insync.replicas': '2'} : {};
      for (const name of [DRIVING_TOPIC, STATUS_TOPIC]) await admin.createTopic({name, partitions: 3, replicationFactor: cluster.replicationFactor, configs});
    });
    const paths = {
      drivingLog: path.join(dir, 'driver-realtime-log', 'SmartCarDriverInfo.log'),
      spool: path.join(dir, 'car-batch-log'),
      statusOut: path.join(dir, 'SmartCar'),
      files: path.join(dir, 'collect'),
      state: path.join(dir, 'state'),
    };
    fs.mkdirSync(paths.spool, {recursive: true});

    // Drains first, so the pipeline is complete before the first line is written.
    const drainStop = new AbortController();
    const backlog = new Map<string, number | null>();
    const drain = (groupId: string, topic: string, sink: Parameters<typeof runGroupDrain>[0]['sink']) =>
      runGroupDrain({brokers, topic, groupId, sink, startAtBeginning: true, exitAtEnd: false, signal: drainStop.signal, onStatus: (s) => backlog.set(groupId, s.backlog)});
    const drains = [
      drain('smartcar-hbase', DRIVING_TOPIC, {kind: 'hbase', url: hbase.url, table: HBASE_TABLE, family: 'cf1', columns: BOOK_COLUMNS, rowKey: BOOK_ROW_KEY, createTable: true, security: hbaseSecurity?.client}),
      drain('smartcar-files', STATUS_TOPIC, {kind: 'file', dir: path.join(paths.files, '%{logType}', 'wrk_date=%Y%m%d'), filePrefix: 'car-batch-log-', rollCount: 10_000, idleTimeoutMs: 1000}),
    ];
    running.push(...drains);

    const agents = [
      runAgent(bookAgent('smartcar-driving.yaml', (c) => {
        const source = c.sources.DriverCarInfo_TailSource;
        if (source.type === 'tail') Object.assign(source, {paths: [paths.drivingLog], positionFile: path.join(paths.state, 'driving-positions.json')});
      }), {brokers, signal: stop.signal, log, stateDir: paths.state}),
      runAgent(bookAgent('smartcar-status.yaml', (c) => {
        const source = c.sources.SmartCarInfo_SpoolSource;
        if (source.type === 'spooldir') Object.assign(source, {spoolDir: paths.spool, stableFor: 500});
      }), {brokers, signal: stop.signal, log, stateDir: paths.state}),
    ];
    running.push(...agents);
    progress(`agents running: driving log -> ${DRIVING_TOPIC} -> HBase ${HBASE_TABLE}; status files -> ${STATUS_TOPIC} -> ${paths.files}`);

    // The simulated span of the drivers' run; the status file covers the same span.
    const ticks = Math.ceil(options.durationMs / REALTIME_TICK_MS);
    const simulatedSeconds = Math.min(86_400, (ticks - 1) * DRIVING_STEP_SECONDS);
    const date = today();
    const status = await writeStatusFile({cars: options.cars, date, outDir: paths.statusOut, toSecond: simulatedSeconds});
    const statusLines = readLogLines([status.file], RECORD_LINE); // the spool source deletes the file it ingested
    fs.renameSync(status.file, path.join(paths.spool, path.basename(status.file)));
    progress(`status file of ${status.lines} records dropped into ${paths.spool}; ${options.cars} drivers writing ${paths.drivingLog} for ${Math.round(options.durationMs / 1000)} s`);
    let lastReport = Date.now();
    const driving = await runDrivingSimulator({
      cars: options.cars,
      outFile: paths.drivingLog,
      speed: 'realtime',
      durationMs: options.durationMs,
      date,
      truncate: true,
      signal: options.signal,
      onBatch: (b) => {
        if (Date.now() - lastReport < 5000) return;
        lastReport = Date.now();
        progress(`drivers wrote ${b.total.lines} records`);
      },
    });
    const interrupted = options.signal?.aborted ?? false;
    progress(`drivers ${interrupted ? 'interrupted' : 'done'}: ${driving.lines} records; letting the agents and drains catch up`);
    const catchUpMs = interrupted ? 5000 : 60_000;

    await waitFor(async () => (await topicValues(brokers, DRIVING_TOPIC)).length >= driving.lines && !fs.existsSync(path.join(paths.spool, path.basename(status.file))), catchUpMs);
    stop.abort();
    await Promise.all(agents);
    await waitFor(() => [...backlog.values()].every((b) => b === 0) && backlog.size === 2, catchUpMs);
    drainStop.abort();
    await Promise.all(drains);

    progress('reconciling every line written against Kafka, HBase and the files');
    const pipelines = [
      reconcilePipeline('driving log -> HBase', readLogLines([paths.drivingLog], RECORD_LINE), {
        kafka: await topicValues(brokers, DRIVING_TOPIC),
        sinkStage: 'HBase rows',
        sink: await hbaseLines(hbase.url, HBASE_TABLE, 'cf1', BOOK_COLUMNS, ',', hbaseSecurity?.client),
        deadLettered: (await topicValues(brokers, deadLetterTopicFor(DRIVING_TOPIC))).length,
      }),
      reconcilePipeline('status file -> files', statusLines, {
        kafka: await topicValues(brokers, STATUS_TOPIC),
        sinkStage: 'lines in files',
        sink: fileSinkLines(paths.files),
        deadLettered: (await topicValues(brokers, deadLetterTopicFor(STATUS_TOPIC))).length,
      }),
    ];
    const reconciled = pipelines.every((p) => p.lost === 0 && p.notYet === 0 && p.duplicated === 0);
    return {topology: options.topology, brokers: brokers.join(','), hbase: hbase.url, secure: cluster.secured !== undefined, cars: options.cars, pipelines, reconciled, interrupted, elapsedMs: Date.now() - started};
  } finally {
    stop.abort();
    await Promise.allSettled(running);
    await hbase.stop();
    await cluster.stop();
    setDefaultClientConfig(previousClient);
    logFile.end();
  }
}

/** The emulator's certificate from the demo's CA, and one basic-auth user (the demo's Kafka user). */
async function secureHBase(s: {certsDir: string; user: string; password: string}): Promise<{server: HttpServerSecurity; client: HttpClientSecurity}> {
  await issueCertificate(s.certsDir, 'hbase-rest', '/CN=hbase-rest', 'ca', 1, 'IP:127.0.0.1,DNS:localhost');
  const read = (name: string) => fs.readFileSync(path.join(s.certsDir, name), 'utf8');
  return {
    server: {tls: {cert: read('hbase-rest.pem'), key: read('hbase-rest.key')}, basicAuth: {username: s.user, password: s.password}},
    client: {ca: read('ca.pem'), username: s.user, password: s.password},
  };
}

/** One of the shipped agent files, with its paths pointed into the demo's directory. */
function bookAgent(file: string, adjust: (config: AgentConfig) => void): AgentConfig {
  const config = loadAgentConfig(path.join(BUNDLED_DIR, 'agents', file));
  adjust(config);
  return config;
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // A failed look (a topic not there yet) is just a "not yet".
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}
