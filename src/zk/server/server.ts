import {spawn} from 'node:child_process';
import fs from 'node:fs';
import {pidAlive} from '../../lib/process.js';
import net from 'node:net';
import path from 'node:path';
import {UserError} from '../../lib/errors.js';
import {acquirePidLock} from '../../lib/pid-lock.js';
import {fourLetterWord, parseSrvr, type SrvrInfo, type ZkServerMode} from './four-letter.js';
import {connectStringOf, planLayout, renderZooCfg, LOOPBACK, type EnsembleSize} from './config.js';
import {requireZookeeper} from './package.js';

export const DEFAULT_ZK_PORT = 2181;
export const DEFAULT_ZK_DATA_DIR = path.join('.kcollect', 'zk');
/** Written into the data dir by start; stop and status read it. */
export const STATE_FILE = 'kcollect-zk.json';

export interface StartZookeeperOptions {
  /** 1 (standalone, the default) or 3 (an ensemble on loopback). */
  ensemble?: EnsembleSize;
  /** Client port of node 1 (others follow: port+1, port+2). Default 2181. */
  port?: number;
  /** Where the nodes keep config, data, logs and pids. Default .kcollect/zk. */
  dataDir?: string;
  /** How long to wait for the servers to serve. Default 30000. */
  timeoutMs?: number;
  /** JVM heap per node. Default 256. */
  heapMb?: number;
  /** Address of each node (default 127.0.0.1 for all). */
  hosts?: string[];
}

export interface ZkNodeInfo {
  id: number;
  pid: number;
  host: string;
  clientPort: number;
  peerPort?: number;
  electionPort?: number;
  dir: string;
  configPath: string;
  logPath: string;
}

/** What start records in <dataDir>/kcollect-zk.json. */
export interface ZkServerState {
  format: 1;
  ensemble: EnsembleSize;
  connectString: string;
  dataDir: string;
  startedAt: string;
  nodes: ZkNodeInfo[];
}

export interface ZookeeperHandle {
  connectString: string;
  dataDir: string;
  ensemble: EnsembleSize;
  nodes: ZkNodeInfo[];
  /** The leader's id once the ensemble has one (1 for standalone). */
  leaderId: number;
  /** Stops every node (SIGTERM, then SIGKILL after the timeout). */
  stop(options?: {timeoutMs?: number}): Promise<ZkStopResult>;
  /** Sends a signal to one node (SIGKILL by default): fault tests, `cluster kill`. */
  kill(id: number, signal?: NodeJS.Signals): void;
}

export type ZkNodeMode = ZkServerMode | 'not serving' | 'down';

export interface ZkNodeStatus {
  id?: number;
  address: string;
  pid?: number;
  /** Whether the recorded process is alive (undefined for servers kcollect did not start). */
  processAlive?: boolean;
  mode: ZkNodeMode;
  znodeCount?: number;
  zxid?: string;
  connections?: number;
  outstanding?: number;
  version?: string;
  /** Why the node gave no status, when it did not. */
  error?: string;
}

export interface ZkStatus {
  /** Where the status came from: the data dir of `zk server start`, or the connect string given. */
  source: 'data-dir' | 'connect-string';
  dataDir?: string;
  connectString: string;
  ensemble: number;
  startedAt?: string;
  nodes: ZkNodeStatus[];
  leaderId?: number;
  /** Serving nodes out of all: a majority serving means the ensemble takes writes. */
  serving: number;
  quorum: boolean;
}

export interface ZkStopResult {
  dataDir: string;
  /** False when nothing was running from this data dir. */
  wasRunning: boolean;
  nodes: Array<{id: number; pid: number; result: 'stopped' | 'killed' | 'not running'}>;
}

function statePath(dataDir: string): string {
  return path.join(dataDir, STATE_FILE);
}

export function readServerState(dataDir: string): ZkServerState | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(statePath(path.resolve(dataDir)), 'utf8')) as ZkServerState;
    return s && s.format === 1 && Array.isArray(s.nodes) ? s : undefined;
  } catch {
    return undefined;
  }
}


/** The pid is alive and is the ZooKeeper we started with that config (not a recycled pid). */
function isOurNode(node: ZkNodeInfo): boolean {
  if (!pidAlive(node.pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${node.pid}/cmdline`, 'utf8');
    return cmdline.includes('QuorumPeerMain') && cmdline.includes(node.configPath);
  } catch {
    return true; // no /proc: trust the pid
  }
}

function portFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({port, host, exclusive: true}, () => server.close(() => resolve(true)));
  });
}

const START_MARK = '--- kcollect: starting ZooKeeper node';

/** The last lines of a log file (of its latest start), without stack frames, indented, for error hints. */
export function logTail(file: string, lines = 12): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 16 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      // Stack frames say little to a user; the ERROR lines and exception messages say it all.
      const text = buf.toString('utf8');
      const mark = text.lastIndexOf(START_MARK);
      const tail = (mark >= 0 ? text.slice(mark) : text)
        .split('\n')
        .filter((l) => l.trim() !== '' && !/^\s+at /.test(l) && !/^\s+\.\.\. \d+ more/.test(l))
        .slice(-lines);
      return tail.length ? tail.map((l) => `    ${l}`).join('\n') : '    (the log is empty)';
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return `    (no log at ${file})`;
  }
}

async function srvr(host: string, port: number, timeoutMs = 1_000): Promise<SrvrInfo | undefined> {
  try {
    return parseSrvr(await fourLetterWord(host, port, 'srvr', timeoutMs));
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a standalone ZooKeeper or a 3-node ensemble on loopback from Debian's package, detached
 * (it outlives this process), and waits until it serves: standalone answers srvr, an ensemble has
 * a leader and every node serves. Fails with a UserError showing the log tail otherwise, after
 * stopping what it started.
 */
export async function startZookeeper(options: StartZookeeperOptions = {}): Promise<ZookeeperHandle> {
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_ZK_DATA_DIR);
  // Held while starting, so two starts on one dir cannot both find it free; once started, the
  // state file names the running nodes.
  fs.mkdirSync(dataDir, {recursive: true, mode: 0o700});
  const unlock = acquirePidLock(dataDir, {what: `the ZooKeeper data dir ${dataDir}`, use: 'being started', hint: 'wait for the other `kcollect zk server start` to finish, or give this one its own --data-dir'});
  try {
    return await startNodes(options);
  } finally {
    unlock();
  }
}

async function startNodes(options: StartZookeeperOptions): Promise<ZookeeperHandle> {
  const install = requireZookeeper();
  const ensemble = options.ensemble ?? 1;
  const port = options.port ?? DEFAULT_ZK_PORT;
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_ZK_DATA_DIR);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const layout = planLayout(ensemble, port, dataDir, options.hosts);

  const previous = readServerState(dataDir);
  if (previous) {
    const alive = previous.nodes.filter(isOurNode);
    if (alive.length > 0) {
      throw new UserError(
        `ZooKeeper is already running from ${dataDir} (${previous.connectString}, pid ${alive.map((n) => n.pid).join(', ')})`,
        `use it, or stop it first with \`kcollect zk server stop --data-dir ${options.dataDir ?? DEFAULT_ZK_DATA_DIR}\``,
      );
    }
  }

  for (const node of layout) {
    for (const [what, p] of [['client', node.clientPort], ['quorum', node.peerPort], ['election', node.electionPort]] as const) {
      if (p !== undefined && !(await portFree(p, node.host))) {
        throw new UserError(`port ${p} (${what} port of ZooKeeper node ${node.id}) is already in use on ${node.host}`, 'stop whatever listens there, or pass --port with another base port');
      }
    }
  }

  const nodes: ZkNodeInfo[] = [];
  const exits = new Map<number, string>();
  const startedAt = new Date().toISOString();
  try {
    for (const node of layout) {
      fs.mkdirSync(node.dataDir, {recursive: true, mode: 0o700});
      if (ensemble > 1) fs.writeFileSync(path.join(node.dataDir, 'myid'), `${node.id}\n`, {mode: 0o600});
      fs.writeFileSync(node.configPath, renderZooCfg(node, layout), {mode: 0o600});
      fs.appendFileSync(node.logPath, `${START_MARK} ${node.id} at ${startedAt} ---\n`, {mode: 0o600});
      const logFd = fs.openSync(node.logPath, 'a');
      const heap = options.heapMb ?? 256;
      const args = [
        `-Xmx${heap}m`,
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.net.preferIPv4Stack=true',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-Dorg.slf4j.simpleLogger.showDateTime=true',
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
        '-Dzookeeper.admin.enableServer=false',
        '-cp',
        install.classpath,
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        node.configPath,
      ];
      const child = spawn(install.java, args, {cwd: node.dir, detached: true, stdio: ['ignore', logFd, logFd]});
      fs.closeSync(logFd);
      const pid = await new Promise<number>((resolve, reject) => {
        child.once('spawn', () => resolve(child.pid!));
        child.once('error', reject);
      });
      child.on('exit', (code, signal) => exits.set(node.id, signal ? `killed by ${signal}` : `exit code ${code}`));
      child.unref();
      fs.writeFileSync(node.pidPath, `${pid}\n`, {mode: 0o600});
      nodes.push({id: node.id, pid, host: node.host, clientPort: node.clientPort, peerPort: node.peerPort, electionPort: node.electionPort, dir: node.dir, configPath: node.configPath, logPath: node.logPath});
    }
    const state: ZkServerState = {format: 1, ensemble, connectString: connectStringOf(layout), dataDir, startedAt, nodes};
    fs.writeFileSync(statePath(dataDir), `${JSON.stringify(state, null, 2)}\n`, {mode: 0o600});

    const leaderId = await waitUntilServing(nodes, ensemble, timeoutMs, exits);
    return makeHandle(state, leaderId);
  } catch (err) {
    await stopNodes(nodes, 3_000);
    fs.rmSync(statePath(dataDir), {force: true});
    if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT' && nodes.length === 0) {
      throw new UserError(`cannot run ${install.java}: ${err.message}`, 'check the Java installation');
    }
    throw err;
  }
}

async function waitUntilServing(nodes: ZkNodeInfo[], ensemble: number, timeoutMs: number, exits: Map<number, string>): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: Array<SrvrInfo | undefined> = [];
  for (;;) {
    for (const node of nodes) {
      const why = exits.get(node.id);
      if (why !== undefined) {
        throw new UserError(`ZooKeeper node ${node.id} (${node.host}:${node.clientPort}) exited during start-up (${why})`, `last lines of ${node.logPath}:\n${logTail(node.logPath)}`);
      }
    }
    last = await Promise.all(nodes.map((n) => srvr(n.host, n.clientPort)));
    if (ensemble === 1) {
      if (last[0]?.serving) return nodes[0]!.id;
    } else {
      const leaders = nodes.filter((_, i) => last[i]?.mode === 'leader');
      if (leaders.length === 1 && last.every((s) => s?.serving)) return leaders[0]!.id;
    }
    if (Date.now() >= deadline) break;
    await sleep(200);
  }
  const stuck = nodes.filter((_, i) => !last[i]?.serving);
  const culprit = stuck[0] ?? nodes[0]!;
  const what = ensemble === 1 ? 'did not answer' : stuck.length ? `${stuck.length === 1 ? 'node' : 'nodes'} ${stuck.map((n) => n.id).join(', ')} did not start serving (no leader elected)` : 'elected no single leader';
  throw new UserError(
    ensemble === 1 ? `ZooKeeper (${culprit.host}:${culprit.clientPort}) ${what} within ${Math.round(timeoutMs / 1000)} s` : `the ZooKeeper ensemble did not become ready within ${Math.round(timeoutMs / 1000)} s: ${what}`,
    `last lines of ${culprit.logPath}:\n${logTail(culprit.logPath)}`,
  );
}

function makeHandle(state: ZkServerState, leaderId: number): ZookeeperHandle {
  return {
    connectString: state.connectString,
    dataDir: state.dataDir,
    ensemble: state.ensemble,
    nodes: state.nodes,
    leaderId,
    stop: (options) => stopZookeeper(state.dataDir, options),
    kill: (id, signal = 'SIGKILL') => {
      const node = state.nodes.find((n) => n.id === id);
      if (!node) throw new UserError(`there is no ZooKeeper node ${id}`, `nodes are ${state.nodes.map((n) => n.id).join(', ')}`);
      if (isOurNode(node)) process.kill(node.pid, signal);
    },
  };
}

async function stopNodes(nodes: ZkNodeInfo[], timeoutMs: number): Promise<ZkStopResult['nodes']> {
  const results: ZkStopResult['nodes'] = [];
  const running = nodes.filter(isOurNode);
  for (const n of nodes) if (!running.includes(n)) results.push({id: n.id, pid: n.pid, result: 'not running'});
  for (const n of running) {
    try {
      process.kill(n.pid, 'SIGTERM');
    } catch {
      /* gone meanwhile */
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (running.some((n) => pidAlive(n.pid)) && Date.now() < deadline) await sleep(100);
  for (const n of running) {
    if (pidAlive(n.pid)) {
      try {
        process.kill(n.pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      results.push({id: n.id, pid: n.pid, result: 'killed'});
    } else {
      results.push({id: n.id, pid: n.pid, result: 'stopped'});
    }
  }
  const killDeadline = Date.now() + 5_000;
  while (running.some((n) => pidAlive(n.pid)) && Date.now() < killDeadline) await sleep(50);
  return results.sort((a, b) => a.id - b.id);
}

/** Stops the nodes started from dataDir (SIGTERM, SIGKILL after timeoutMs) and forgets them; the data stays. */
export async function stopZookeeper(dataDir: string = DEFAULT_ZK_DATA_DIR, options: {timeoutMs?: number} = {}): Promise<ZkStopResult> {
  const dir = path.resolve(dataDir);
  const state = readServerState(dir);
  if (!state) return {dataDir: dir, wasRunning: false, nodes: []};
  const nodes = await stopNodes(state.nodes, options.timeoutMs ?? 10_000);
  for (const n of state.nodes) fs.rmSync(path.join(n.dir, 'zookeeper.pid'), {force: true});
  fs.rmSync(statePath(dir), {force: true});
  return {dataDir: dir, wasRunning: nodes.some((n) => n.result !== 'not running'), nodes};
}

function summarize(nodes: ZkNodeStatus[]): Pick<ZkStatus, 'leaderId' | 'serving' | 'quorum'> {
  const serving = nodes.filter((n) => n.mode !== 'down' && n.mode !== 'not serving').length;
  const leader = nodes.find((n) => n.mode === 'leader' || n.mode === 'standalone');
  return {leaderId: leader?.id, serving, quorum: serving > nodes.length / 2};
}

async function nodeStatus(address: {host: string; port: number}): Promise<ZkNodeStatus> {
  const addr = `${address.host}:${address.port}`;
  try {
    const info = parseSrvr(await fourLetterWord(address.host, address.port, 'srvr', 1_500));
    if (!info.serving) return {address: addr, mode: 'not serving'};
    return {address: addr, mode: info.mode!, znodeCount: info.znodeCount, zxid: info.zxid, connections: info.connections, outstanding: info.outstanding, version: info.version};
  } catch (err) {
    return {address: addr, mode: 'down', error: (err as NodeJS.ErrnoException).code ?? (err as Error).message};
  }
}

/** Status of the nodes started from dataDir, from their pids and the `srvr` four-letter word. */
export async function zookeeperStatus(dataDir: string = DEFAULT_ZK_DATA_DIR): Promise<ZkStatus> {
  const dir = path.resolve(dataDir);
  const state = readServerState(dir);
  if (!state) {
    throw new UserError(`no ZooKeeper was started from ${dir}`, 'start one with `kcollect zk server start`, pass the --data-dir it was started with, or ask running servers with --zookeeper HOST:PORT');
  }
  const nodes = await Promise.all(
    state.nodes.map(async (n): Promise<ZkNodeStatus> => {
      const alive = isOurNode(n);
      const s = await nodeStatus({host: n.host, port: n.clientPort});
      return {...s, id: n.id, pid: n.pid, processAlive: alive, ...(alive || s.mode !== 'down' ? {} : {error: 'process not running'})};
    }),
  );
  return {source: 'data-dir', dataDir: dir, connectString: state.connectString, ensemble: state.ensemble, startedAt: state.startedAt, nodes, ...summarize(nodes)};
}

/** Status of any ZooKeeper servers (not necessarily started by kcollect), from `srvr`. */
export async function probeZookeeper(servers: Array<{host: string; port: number}>): Promise<ZkStatus> {
  const nodes = await Promise.all(servers.map(async (s, i) => ({...(await nodeStatus(s)), id: i + 1})));
  return {source: 'connect-string', connectString: servers.map((s) => `${s.host}:${s.port}`).join(','), ensemble: servers.length, nodes, ...summarize(nodes)};
}

export {pidAlive};
