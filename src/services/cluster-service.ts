import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {PROFILE_PATH, readProfile, writeProfile} from '../cli/flags.js';
import type {ClientConfig} from '../client/client-config.js';
import {WireConnection} from '../client/wire-connection.js';
import {errorMessage, UserError} from '../lib/errors.js';
import {writeFileAtomic} from '../lib/fs.js';
import {sleep} from '../lib/backoff.js';
import {portFree} from '../lib/ports.js';
import {ApiVersions} from '../protocol/messages/18-api-versions.js';
import {Metadata} from '../protocol/messages/03-metadata.js';
import {clusterClientConfig, createScramUsers, planSecuredCluster, type SecuredCluster} from './cluster-security.js';
import {brokerDataDir, replicaLagMs, type Topology, zookeeperSessionMs} from '../topology/cluster-topology.js';
import {logTail, pidAlive, startZookeeper, stopZookeeper, zookeeperStatus, type ZkStatus} from '../zk/server/index.js';

/**
 * `kcollect cluster up|down|status|kill|restart`: a topology's ZooKeeper and brokers as real
 * processes (each broker is `kcollect broker start`, detached, logging into its data dir), with
 * their pids and addresses in .kcollect/cluster/state.json, and the profile that later commands
 * read (.kcollect/profile.json).
 */

export const CLUSTER_STATE_PATH = path.join('.kcollect', 'cluster', 'state.json');
const CLI = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

export interface BrokerProcessInfo {
  id: number;
  host: string;
  port: number;
  dataDir: string;
  logPath: string;
  pid: number;
  args: string[];
}

export interface ClusterState {
  format: 1;
  name: string;
  type: Topology['type'];
  startedAt: string;
  zookeeper?: {dataDir: string; connectString: string};
  brokers: BrokerProcessInfo[];
  /** Client properties of a secured cluster (its password as a ${file:} reference). */
  client?: Record<string, string>;
}

export interface ClusterNode {
  kind: 'zookeeper' | 'broker';
  id: number;
  address: string;
  pid: number;
  dataDir: string;
}

export interface ClusterUpResult {
  name: string;
  type: Topology['type'];
  brokers: string;
  zookeeper: string | null;
  nodes: ClusterNode[];
  exportLine: string;
  profile: string;
  /** A secured cluster's client settings, as written to the profile (the password stays in its file). */
  client?: {properties: Record<string, string>; passwordFile?: string; createdPasswordFiles: string[]};
}


export function readClusterState(statePath = CLUSTER_STATE_PATH): ClusterState | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(statePath, 'utf8')) as ClusterState;
    return s.format === 1 && Array.isArray(s.brokers) ? s : undefined;
  } catch {
    return undefined;
  }
}

function saveState(state: ClusterState, statePath: string): void {
  fs.mkdirSync(path.dirname(statePath), {recursive: true, mode: 0o700});
  writeFileAtomic(statePath, `${JSON.stringify(state, null, 2)}\n`);
}

function requireState(statePath = CLUSTER_STATE_PATH): ClusterState {
  const state = readClusterState(statePath);
  if (!state) throw new UserError(`no cluster was started from ${process.cwd()} (no ${statePath})`, 'start one with `kcollect cluster up topology/multi-broker-single-node.yaml`');
  return state;
}

/** The pid is alive and is the broker we started on that data dir (not a recycled pid). */
export function brokerAlive(b: BrokerProcessInfo): boolean {
  if (!pidAlive(b.pid)) return false;
  try {
    return fs.readFileSync(`/proc/${b.pid}/cmdline`, 'utf8').includes(b.dataDir);
  } catch {
    return true;
  }
}

export interface ClusterUpOptions {
  /** Where the running cluster is recorded (the demo keeps its own, away from the user's). */
  statePath?: string;
  /** Write .kcollect/profile.json so later commands find the cluster (default true). */
  profile?: boolean;
}

export async function clusterUp(topology: Topology, {statePath = CLUSTER_STATE_PATH, profile = true}: ClusterUpOptions = {}): Promise<ClusterUpResult> {
  const previous = readClusterState(statePath);
  if (previous && (previous.brokers.some(brokerAlive) || (previous.zookeeper && fs.existsSync(path.join(previous.zookeeper.dataDir, 'kcollect-zk.json'))))) {
    throw new UserError(`a cluster (${previous.name}) is already running from ${process.cwd()}`, 'see it with `kcollect cluster status`, stop it with `kcollect cluster down`');
  }
  for (const b of topology.brokers) {
    for (const p of [b.port, ...(b.security?.internalPort ? [b.security.internalPort] : [])]) {
      if (!(await portFree(b.host, p))) {
        throw new UserError(`${b.host}:${p} (broker ${b.id}) is already in use or cannot be bound`, 'stop whatever listens there, or change that broker\'s port in the topology file');
      }
    }
  }
  fs.mkdirSync(path.dirname(statePath), {recursive: true, mode: 0o700});
  const secured: SecuredCluster | undefined = topology.security ? planSecuredCluster(topology, path.dirname(statePath)) : undefined;
  const state: ClusterState = {format: 1, name: topology.name ?? topology.type, type: topology.type, startedAt: new Date().toISOString(), brokers: [], client: secured?.client};
  const client = clusterClientConfig(state.client, statePath);
  try {
    if (topology.zookeeper) {
      const zk = topology.zookeeper;
      const handle = await startZookeeper({ensemble: zk.ensemble, port: zk.port, dataDir: zk.dataDir, hosts: zk.hosts});
      state.zookeeper = {dataDir: handle.dataDir, connectString: `${handle.connectString}${zk.chroot ?? ''}`};
      saveState(state, statePath);
    }
    if (secured) await createScramUsers(secured, topology, state.zookeeper?.connectString);
    for (const b of topology.brokers) {
      const dataDir = path.resolve(brokerDataDir(b));
      const args = [
        'broker', 'start',
        ...(secured ? ['--config', writeServerProperties(dataDir, secured.brokerProperties(b))] : ['--listen', `${b.host}:${b.port}`]),
        '--data-dir', dataDir,
        '--id', String(b.id),
        '--num-partitions', String(topology.defaults.numPartitions),
        '--default-replication-factor', String(topology.defaults.replicationFactor),
        '--replica-lag-time-max', `${replicaLagMs(topology)}ms`,
        ...(state.zookeeper ? ['--zookeeper', state.zookeeper.connectString, '--zookeeper-session-timeout', `${zookeeperSessionMs(topology)}ms`] : []),
      ];
      const proc = await spawnBroker(b.id, b.host, b.port, dataDir, args);
      state.brokers.push(proc);
      saveState(state, statePath);
    }
    if (state.zookeeper) await waitForMembers(state, client);
  } catch (err) {
    await stopAll(state).catch(() => {});
    fs.rmSync(statePath, {force: true});
    throw err;
  }
  const brokers = state.brokers.map((b) => `${b.host}:${b.port}`).join(',');
  // A plaintext cluster drops the client settings of a secured one started here before.
  if (profile) writeProfile({...readProfile(), brokers, zookeeper: state.zookeeper?.connectString, cluster: path.resolve(statePath), client: secured?.client});
  return {
    name: state.name,
    type: state.type,
    brokers,
    zookeeper: state.zookeeper?.connectString ?? null,
    nodes: nodesOf(state),
    exportLine: `export KCOLLECT_BROKERS=${brokers}${state.zookeeper ? ` KCOLLECT_ZOOKEEPER=${state.zookeeper.connectString}` : ''}`,
    profile: PROFILE_PATH,
    client: secured && {properties: secured.client, passwordFile: secured.passwordFile, createdPasswordFiles: secured.createdPasswordFiles},
  };
}

/** A secured broker's listeners and their security, in Kafka's keys, in its data dir (mode 0600: it holds passwords). */
function writeServerProperties(dataDir: string, lines: string[]): string {
  fs.mkdirSync(dataDir, {recursive: true, mode: 0o700});
  const file = path.join(dataDir, 'server.properties');
  writeFileAtomic(file, `# written by kcollect cluster up from the topology's security: section\n${lines.join('\n')}\n`, {fsync: false});
  return file;
}

function nodesOf(state: ClusterState): ClusterNode[] {
  const nodes: ClusterNode[] = [];
  if (state.zookeeper) {
    try {
      const zk = JSON.parse(fs.readFileSync(path.join(state.zookeeper.dataDir, 'kcollect-zk.json'), 'utf8')) as {nodes: Array<{id: number; host: string; clientPort: number; pid: number; dir: string}>};
      for (const n of zk.nodes) nodes.push({kind: 'zookeeper', id: n.id, address: `${n.host}:${n.clientPort}`, pid: n.pid, dataDir: n.dir});
    } catch {
      // Stopped meanwhile: the brokers are still worth listing.
    }
  }
  for (const b of state.brokers) nodes.push({kind: 'broker', id: b.id, address: `${b.host}:${b.port}`, pid: b.pid, dataDir: b.dataDir});
  return nodes;
}

async function spawnBroker(id: number, host: string, port: number, dataDir: string, args: string[]): Promise<BrokerProcessInfo> {
  fs.mkdirSync(dataDir, {recursive: true, mode: 0o700});
  const logPath = path.join(dataDir, 'broker.log');
  const mark = `--- kcollect: starting broker ${id} at ${new Date().toISOString()} ---\n`;
  fs.appendFileSync(logPath, mark, {mode: 0o600});
  const fd = fs.openSync(logPath, 'a');
  const child = spawn(process.execPath, [CLI, ...args], {detached: true, stdio: ['ignore', fd, fd], env: {...process.env, NODE_ENV: 'production'}});
  fs.closeSync(fd);
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = signal ? `killed by ${signal}` : `exit code ${code}`));
  child.unref();
  const info: BrokerProcessInfo = {id, host, port, dataDir, logPath, pid: child.pid!, args};
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const text = fs.readFileSync(logPath, 'utf8');
    if (text.slice(text.lastIndexOf(mark)).includes(' ready on ')) return info;
    if (exited !== undefined || Date.now() > deadline) {
      if (exited === undefined) process.kill(child.pid!, 'SIGKILL');
      throw new UserError(`broker ${id} (${host}:${port}) ${exited ? `exited during start-up (${exited})` : 'did not become ready in time'}`, `last lines of ${logPath}:\n${logTail(logPath)}`);
    }
    await sleep(100);
  }
}

/** Every broker of the topology is registered and a controller is elected. */
async function waitForMembers(state: ClusterState, client: ClientConfig): Promise<void> {
  const want = state.brokers.map((b) => b.id).sort().join(',');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const md = await metadataFrom(state.brokers[0], client);
      last = md.brokers.map((b: {nodeId: number}) => b.nodeId).sort().join(',');
      if (last === want && md.controllerId >= 0) return;
    } catch (err) {
      last = errorMessage(err);
    }
    await sleep(200);
  }
  throw new UserError(`the brokers did not all join the cluster (registered: ${last || 'none'}, expected ${want})`, 'check the broker logs named by `kcollect cluster status`');
}

async function metadataFrom(b: {host: string; port: number}, config: ClientConfig, timeoutMs = 2000): Promise<any> {
  const conn = await WireConnection.connect(b.host, b.port, {timeoutMs, config});
  try {
    await conn.negotiate(ApiVersions);
    const version = conn.pick(Metadata, [1, 6]);
    return await Promise.race([
      conn.request(Metadata, version, {topics: null, allowAutoTopicCreation: false}),
      sleep(timeoutMs).then(() => {
        throw new Error('metadata timed out');
      }),
    ]);
  } finally {
    conn.close();
  }
}

export interface BrokerStatus {
  id: number;
  address: string;
  pid: number;
  process: 'running' | 'stopped';
  answers: boolean;
  registered: boolean;
  log: string;
}

export interface PartitionProblem {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface ClusterStatusResult {
  name: string;
  type: Topology['type'];
  startedAt: string;
  controller: number | null;
  brokers: BrokerStatus[];
  zookeeper: ZkStatus | null;
  topics: number;
  partitions: number;
  underReplicated: PartitionProblem[];
  offline: PartitionProblem[];
}

export async function clusterStatus(): Promise<ClusterStatusResult> {
  const state = requireState();
  const client = clusterClientConfig(state.client, CLUSTER_STATE_PATH);
  const answers = await Promise.all(state.brokers.map((b) => metadataFrom(b, client).catch(() => undefined)));
  const md = answers.find((a) => a !== undefined);
  const registered = new Set<number>(md?.brokers.map((b: {nodeId: number}) => b.nodeId) ?? []);
  const underReplicated: PartitionProblem[] = [];
  const offline: PartitionProblem[] = [];
  let partitions = 0;
  for (const t of md?.topics ?? []) {
    for (const p of t.partitions) {
      partitions++;
      const problem = {topic: t.name, partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes};
      if (p.leaderId < 0) offline.push(problem);
      else if (p.isrNodes.length < p.replicaNodes.length) underReplicated.push(problem);
    }
  }
  const zookeeper = state.zookeeper ? await zookeeperStatus(state.zookeeper.dataDir).catch(() => null) : null;
  return {
    name: state.name,
    type: state.type,
    startedAt: state.startedAt,
    controller: md ? md.controllerId : null,
    brokers: state.brokers.map((b, i) => ({
      id: b.id,
      address: `${b.host}:${b.port}`,
      pid: b.pid,
      process: brokerAlive(b) ? 'running' : 'stopped',
      answers: answers[i] !== undefined,
      registered: state.zookeeper ? registered.has(b.id) : answers[i] !== undefined,
      log: b.logPath,
    })),
    zookeeper,
    topics: md?.topics.length ?? 0,
    partitions,
    underReplicated,
    offline,
  };
}

/** One line of what a user watches: brokers answering, controller, ZooKeeper, partitions in trouble. */
export function clusterSummary(s: ClusterStatusResult): string {
  const up = s.brokers.filter((b) => b.answers).length;
  const down = s.brokers.filter((b) => !b.answers).map((b) => `${b.id} (${b.process})`);
  const zk = s.zookeeper ? `, ZooKeeper ${s.zookeeper.serving}/${s.zookeeper.ensemble} serving` : '';
  return (
    `brokers answering ${up}/${s.brokers.length}${down.length > 0 ? ` (down: ${down.join(', ')})` : ''}` +
    `, controller ${s.controller ?? 'none'}${zk}, ${s.partitions} partition(s), ${s.underReplicated.length} under-replicated, ${s.offline.length} offline`
  );
}

/** Polls the cluster until `signal` aborts, reporting each change of its summary line (the foreground of `cluster up`). */
export async function watchCluster(signal: AbortSignal, report: (line: string) => void, everyMs = 2000): Promise<void> {
  let last = '';
  while (!signal.aborted) {
    const line = clusterSummary(await clusterStatus());
    if (line !== last) report(`${new Date().toISOString().slice(11, 19)} ${line}`);
    last = line;
    await sleep(everyMs, signal);
  }
}

async function stopBroker(b: BrokerProcessInfo, timeoutMs = 15_000): Promise<'stopped' | 'killed' | 'not running'> {
  if (!brokerAlive(b)) return 'not running';
  process.kill(b.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(b.pid) && Date.now() < deadline) await sleep(100);
  if (!pidAlive(b.pid)) return 'stopped';
  process.kill(b.pid, 'SIGKILL');
  while (pidAlive(b.pid)) await sleep(50);
  return 'killed';
}

async function stopAll(state: ClusterState): Promise<Array<{id: number; result: string}>> {
  const results = await Promise.all(state.brokers.map(async (b) => ({id: b.id, result: await stopBroker(b)})));
  if (state.zookeeper) await stopZookeeper(state.zookeeper.dataDir);
  return results;
}

export interface ClusterDownResult {
  name: string;
  brokers: Array<{id: number; result: string}>;
  zookeeperStopped: boolean;
  purged: string[];
}

export async function clusterDown(purge: boolean, statePath = CLUSTER_STATE_PATH): Promise<ClusterDownResult> {
  const state = requireState(statePath);
  const brokers = await stopAll(state);
  const purged: string[] = [];
  if (purge) {
    for (const dir of [...state.brokers.map((b) => b.dataDir), ...(state.zookeeper ? [state.zookeeper.dataDir] : [])]) {
      fs.rmSync(dir, {recursive: true, force: true});
      purged.push(dir);
    }
  }
  fs.rmSync(statePath, {force: true});
  const profile = readProfile();
  if (profile.cluster === path.resolve(statePath)) fs.rmSync(PROFILE_PATH, {force: true});
  return {name: state.name, brokers, zookeeperStopped: state.zookeeper !== undefined, purged};
}

function findBroker(state: ClusterState, id: number): BrokerProcessInfo {
  const b = state.brokers.find((x) => x.id === id);
  if (!b) throw new UserError(`the cluster has no broker ${id}`, `its brokers are ${state.brokers.map((x) => x.id).join(', ')}`);
  return b;
}

/** SIGKILL, for failover drills: no graceful shutdown, the ZooKeeper session times out. */
export async function clusterKill(id: number): Promise<{id: number; pid: number; killed: boolean}> {
  const b = findBroker(requireState(), id);
  if (!brokerAlive(b)) return {id, pid: b.pid, killed: false};
  process.kill(b.pid, 'SIGKILL');
  while (pidAlive(b.pid)) await sleep(50);
  return {id, pid: b.pid, killed: true};
}

export async function clusterRestart(id: number): Promise<{id: number; pid: number; address: string; previous: string}> {
  const state = requireState();
  const b = findBroker(state, id);
  const previous = await stopBroker(b);
  const next = await spawnBroker(b.id, b.host, b.port, b.dataDir, b.args);
  state.brokers = state.brokers.map((x) => (x.id === id ? next : x));
  saveState(state, CLUSTER_STATE_PATH);
  return {id, pid: next.pid, address: `${b.host}:${b.port}`, previous};
}
