import fs from 'node:fs';
import path from 'node:path';
import {readProfile} from '../cli/flags.js';
import {connectGroupAdmin, type GroupAdmin, type TopicOffsets} from '../client/groups.js';
import {probeBrokers} from '../client/kafka.js';
import {WireConnection} from '../client/wire-connection.js';
import {parseHostPort} from '../lib/address.js';
import {errorMessage} from '../lib/errors.js';
import {ApiVersions} from '../protocol/messages/18-api-versions.js';
import {Metadata} from '../protocol/messages/03-metadata.js';
import {DescribeLogDirs} from '../protocol/messages/35-describe-log-dirs.js';
import type {
  BrokersPanel,
  ClusterSnapshot,
  GroupInfo,
  GroupPartitionInfo,
  Panel,
  PipelineInfo,
  SnapshotFeed,
  TopicInfo,
  ZnodeListing,
  ZookeeperPanel,
} from '../telemetry/cluster-snapshot.js';
import {pipelineOf} from '../telemetry/pipeline-info.js';
import {RateTracker} from '../telemetry/rates.js';
import {readStatuses, STATUS_DIR} from '../telemetry/status-file.js';
import {ZkClient} from '../zk/client.js';
import {parseConnectString} from '../zk/paths.js';
import {probeZookeeper} from '../zk/server/index.js';
import {readClusterState} from './cluster-service.js';

/**
 * `kcollect dashboard` and `kcollect status`: one typed snapshot of brokers, topics, groups,
 * pipelines (the status files of running agents and drains) and ZooKeeper, gathered with the
 * toolkit's own clients. Every panel fails on its own: a broker that is down shows as an error in
 * the Kafka panels, never as an exception.
 */

export interface SnapshotOptions {
  brokers: string[];
  /** null: no ZooKeeper panel. */
  zookeeper: string | null;
  statusDir?: string;
  /** Data dir of a single local broker (`broker start --data-dir`), for partition sizes. */
  dataDir?: string;
  /** How long the Kafka part may take before the panels say so. Default 10 s. */
  timeoutMs?: number;
}

/** ZooKeeper from the flag, else the profile's; null when neither names one. */
export function zookeeperFor(flag: string | undefined): string | null {
  return flag ?? readProfile().zookeeper ?? null;
}

/** Connections reused between snapshots; a failed one is dropped and made again next time. */
class KafkaSession {
  private admin?: Promise<GroupAdmin>;

  constructor(private readonly brokers: string[]) {}

  async get(): Promise<GroupAdmin> {
    this.admin ??= connectGroupAdmin(this.brokers);
    return this.admin;
  }

  async reset(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.close()).catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]);
}

async function metadata(brokers: string[]): Promise<any> {
  let last: unknown;
  for (const b of brokers) {
    const {host, port} = parseHostPort(b, '127.0.0.1', '--brokers');
    try {
      const conn = await WireConnection.connect(host, port, {timeoutMs: 2000});
      try {
        await conn.negotiate(ApiVersions);
        return await withTimeout(conn.request(Metadata, conn.pick(Metadata, [1, 6]), {topics: null, allowAutoTopicCreation: false}), 3000, 'metadata');
      } finally {
        conn.close();
      }
    } catch (err) {
      last = err;
    }
  }
  // The connection's own error already names the address and the cause: do not wrap it again.
  if (brokers.length === 1 && last instanceof Error) throw last;
  throw new Error(`no Kafka broker answers at any of ${brokers.join(',')}`, {cause: last});
}

/**
 * Partition sizes as each broker reports them (DescribeLogDirs), keyed "topic:partition:broker";
 * a broker that does not answer or lacks the API is left out.
 */
async function logDirSizes(brokers: Array<{nodeId: number; host: string; port: number}>): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  await Promise.all(
    brokers.map(async (b) => {
      try {
        const conn = await WireConnection.connect(b.host, b.port, {timeoutMs: 2000});
        try {
          await conn.negotiate(ApiVersions);
          const res = await withTimeout(conn.request(DescribeLogDirs, conn.pick(DescribeLogDirs, [0, 4]), {topics: null}), 3000, 'log dirs');
          for (const dir of res.results) for (const t of dir.topics) for (const p of t.partitions) sizes.set(`${t.name}:${p.partitionIndex}:${b.nodeId}`, Number(p.partitionSize));
        } finally {
          conn.close();
        }
      } catch {
        // No sizes from this broker: the local data dir may still tell.
      }
    }),
  );
  return sizes;
}

/** Bytes of a partition's segment files in a local data dir; null when the dir is not here. */
function partitionSize(dataDir: string | undefined, topic: string, partition: number): number | null {
  if (!dataDir) return null;
  try {
    const dir = path.join(dataDir, `${topic}-${partition}`);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  } catch {
    return null;
  }
}

interface KafkaPanels {
  brokers: BrokersPanel;
  topics: Panel<TopicInfo>;
  groups: Panel<GroupInfo>;
}

async function kafkaPanels(options: SnapshotOptions, session: KafkaSession): Promise<KafkaPanels> {
  let md: any;
  try {
    md = await metadata(options.brokers);
  } catch (err) {
    const error = errorMessage(err);
    return {brokers: {items: [], controller: null, error}, topics: {items: [], error}, groups: {items: [], error}};
  }
  const controller: number | null = md.controllerId >= 0 ? md.controllerId : null;
  const listed: Array<{nodeId: number; host: string; port: number}> = md.brokers;
  // Brokers `cluster up` started that are no longer registered are down too.
  const cluster = readClusterState(readProfile().cluster);
  const missing = (cluster?.brokers ?? []).filter((b) => !listed.some((l) => l.nodeId === b.id)).map((b) => ({nodeId: b.id, host: b.host, port: b.port}));
  const brokers = await Promise.all(
    [...listed, ...missing].map(async (b) => {
      const address = `${b.host}:${b.port}`;
      const up = await probeBrokers([address], 1000).then(
        () => true,
        () => false,
      );
      return {id: b.nodeId, address, controller: b.nodeId === controller, up};
    }),
  );
  brokers.sort((a, b) => a.id - b.id);
  const dataDirs = new Map<number, string>((cluster?.brokers ?? []).map((b) => [b.id, b.dataDir]));
  const localDir = (leader: number) => dataDirs.get(leader) ?? (listed.length === 1 ? options.dataDir : undefined);
  const reported = await logDirSizes(listed);

  let admin: GroupAdmin;
  try {
    admin = await session.get();
  } catch (err) {
    await session.reset();
    const error = errorMessage(err);
    return {brokers: {items: brokers, controller}, topics: {items: [], error}, groups: {items: [], error}};
  }

  const offsets = new Map<string, Map<number, TopicOffsets>>();
  let topicsError: string | undefined;
  await Promise.all(
    md.topics
      .filter((t: any) => t.errorCode === 0)
      .map(async (t: any) => {
        try {
          offsets.set(t.name, new Map((await admin.topicOffsets(t.name)).map((o) => [o.partition, o])));
        } catch (err) {
          topicsError ??= errorMessage(err);
        }
      }),
  );
  const topics = md.topics
    .filter((t: any) => t.errorCode === 0)
    .map((t: any): TopicInfo => {
      const partitions = t.partitions
        .map((p: any) => {
          const o = offsets.get(t.name)?.get(p.partitionIndex);
          return {
            partition: p.partitionIndex,
            leader: p.leaderId,
            replicas: [...p.replicaNodes],
            isr: [...p.isrNodes],
            underReplicated: p.leaderId < 0 || p.isrNodes.length < p.replicaNodes.length,
            logStart: o?.logStart ?? null,
            logEnd: o?.logEnd ?? null,
            sizeBytes: reported.get(`${t.name}:${p.partitionIndex}:${p.leaderId}`) ?? partitionSize(localDir(p.leaderId), t.name, p.partitionIndex),
            perSec: null,
          };
        })
        .sort((a: {partition: number}, b: {partition: number}) => a.partition - b.partition);
      const sizes = partitions.map((p: {sizeBytes: number | null}) => p.sizeBytes);
      return {
        name: t.name,
        internal: t.isInternal || t.name.startsWith('__'),
        partitions,
        endOffset: partitions.reduce((n: number, p: {logEnd: number | null}) => n + (p.logEnd ?? 0), 0),
        messages: partitions.reduce((n: number, p: {logStart: number | null; logEnd: number | null}) => n + Math.max(0, (p.logEnd ?? 0) - (p.logStart ?? 0)), 0),
        sizeBytes: sizes.some((s: number | null) => s === null) ? null : sizes.reduce((n: number, s: number) => n + s, 0),
        underReplicated: partitions.filter((p: {underReplicated: boolean}) => p.underReplicated).length,
        perSec: null,
        history: [],
      };
    })
    .sort((a: TopicInfo, b: TopicInfo) => a.name.localeCompare(b.name));

  let groups: Panel<GroupInfo>;
  try {
    groups = {items: await groupsOf(admin, offsets)};
  } catch (err) {
    await session.reset();
    groups = {items: [], error: errorMessage(err)};
  }
  return {brokers: {items: brokers, controller}, topics: {items: topics, error: topicsError}, groups};
}

/** Lag per partition against the end offsets read for the topics panel (one read for both). */
async function groupsOf(admin: GroupAdmin, offsets: Map<string, Map<number, TopicOffsets>>): Promise<GroupInfo[]> {
  const summaries = await admin.listGroups();
  const groups = await Promise.all(
    summaries.map(async (s): Promise<GroupInfo> => {
      const [info, committed] = await Promise.all([admin.describeGroup(s.group), admin.committedOffsets(s.group)]);
      const owner = new Map<string, GroupPartitionInfo['owner']>();
      for (const m of info.members) for (const a of m.assignment) for (const p of a.partitions) owner.set(`${a.topic}:${p}`, {memberId: m.memberId, clientId: m.clientId, host: m.host});
      const rows = new Map<string, {topic: string; partition: number; committed: number | null}>();
      for (const c of committed) if (c.offset >= 0) rows.set(`${c.topic}:${c.partition}`, {topic: c.topic, partition: c.partition, committed: c.offset});
      for (const key of owner.keys()) {
        if (rows.has(key)) continue;
        const i = key.lastIndexOf(':');
        rows.set(key, {topic: key.slice(0, i), partition: Number(key.slice(i + 1)), committed: null});
      }
      const partitions = [...rows.values()]
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
        .map((r) => {
          const o = offsets.get(r.topic)?.get(r.partition);
          const lag = !o ? null : r.committed === null ? o.logEnd - o.logStart : Math.max(0, o.logEnd - r.committed);
          return {...r, logEnd: o?.logEnd ?? null, lag, owner: owner.get(`${r.topic}:${r.partition}`) ?? null};
        });
      const totalLag = partitions.reduce((n, p) => n + (p.lag ?? 0), 0);
      return {
        group: s.group,
        state: info.state,
        protocolType: info.protocolType,
        members: info.members.length,
        partitions,
        totalLag,
        consumePerSec: null,
        arrivalPerSec: null,
        catchUp: totalLag === 0 ? 0 : null,
        history: [],
      };
    }),
  );
  return groups.sort((a, b) => a.group.localeCompare(b.group));
}

function pipelinesPanel(statusDir: string): Panel<PipelineInfo> {
  try {
    return {items: readStatuses(statusDir).map(pipelineOf)};
  } catch (err) {
    return {items: [], error: errorMessage(err)};
  }
}

async function zookeeperPanel(connectString: string | null): Promise<ZookeeperPanel> {
  if (!connectString) return {connectString: null, items: [], quorum: null};
  try {
    const status = await probeZookeeper(parseConnectString(connectString).servers);
    return {
      connectString,
      quorum: status.quorum,
      items: status.nodes.map((n) => ({id: n.id, address: n.address, mode: n.mode, znodeCount: n.znodeCount, error: n.error})),
    };
  } catch (err) {
    return {connectString, items: [], quorum: null, error: errorMessage(err)};
  }
}

async function snapshotWith(options: SnapshotOptions, session: KafkaSession): Promise<ClusterSnapshot> {
  const takenAt = Date.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const [kafka, zookeeper] = await Promise.all([
    withTimeout(kafkaPanels(options, session), timeoutMs, 'Kafka').catch(async (err) => {
      await session.reset();
      const error = errorMessage(err);
      return {brokers: {items: [], controller: null, error}, topics: {items: [], error}, groups: {items: [], error}} satisfies KafkaPanels;
    }),
    zookeeperPanel(options.zookeeper),
  ]);
  return {takenAt, bootstrap: options.brokers, ...kafka, pipelines: pipelinesPanel(options.statusDir ?? STATUS_DIR), zookeeper};
}

/** One snapshot, its connections closed after (`kcollect status`). Rates are null. */
export async function takeSnapshot(options: SnapshotOptions): Promise<ClusterSnapshot> {
  const session = new KafkaSession(options.brokers);
  try {
    return await snapshotWith(options, session);
  } finally {
    await session.reset();
  }
}

/** Without takenAt: what tells whether anything changed. */
function fingerprint(s: ClusterSnapshot): string {
  return JSON.stringify({...s, takenAt: 0});
}

export interface DashboardFeed extends SnapshotFeed {
  stop(): Promise<void>;
}

/**
 * Takes a snapshot every `refreshMs` (the next starts when the last is done, so a slow cluster
 * never piles requests up), adds the rates, and tells listeners when something changed.
 */
export function startDashboardFeed(options: SnapshotOptions & {refreshMs: number}): DashboardFeed {
  const session = new KafkaSession(options.brokers);
  const rates = new RateTracker();
  const listeners = new Set<(s: ClusterSnapshot) => void>();
  let latest: ClusterSnapshot | undefined;
  let last = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    const s = rates.apply(await snapshotWith(options, session));
    if (stopped) return;
    const print = fingerprint(s);
    latest = s;
    if (print !== last) {
      last = print;
      for (const l of listeners) l(s);
    }
    timer = setTimeout(() => (running = tick()), options.refreshMs);
  };
  running = tick();

  return {
    current: () => latest,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
      await session.reset();
    },
  };
}

const DATA_PREVIEW = 2000;

/** A znode browser on one ZooKeeper session, connected on first use. */
export function znodeBrowser(connectString: string): {browse: (path: string) => Promise<ZnodeListing>; close: () => Promise<void>} {
  let client: Promise<ZkClient> | undefined;
  return {
    async browse(znode) {
      try {
        client ??= ZkClient.connect(connectString, {connectTimeoutMs: 3000, operationTimeoutMs: 3000});
        const zk = await client;
        const [{children}, {data}] = await Promise.all([zk.getChildren(znode), zk.get(znode)]);
        const text = data.length ? data.toString('utf8', 0, DATA_PREVIEW).replace(/[^\P{C}\n]/gu, '.') : null;
        return {path: znode, children: children.sort(), data: text};
      } catch (err) {
        const dead = client;
        if (dead && (await dead.then((z) => z.state === 'expired' || z.state === 'closed', () => true))) client = undefined;
        return {path: znode, children: [], data: null, error: errorMessage(err)};
      }
    },
    async close() {
      await client?.then((z) => z.close()).catch(() => undefined);
    },
  };
}
