import {ErrorCode} from '../protocol/errors.js';
import {ListOffsets} from '../protocol/messages/02-list-offsets.js';
import type {ClusterConnections, PartitionLeader} from './cluster-connections.js';
import {check} from './wire-connection.js';

/** Where a group-less read starts, per partition. */
export type StartPosition =
  | {kind: 'beginning'}
  | {kind: 'end'}
  /** An absolute offset, clamped to [log start, high watermark]. */
  | {kind: 'offset'; offset: number}
  /** `count` records before the high watermark (kcat's -o -N). */
  | {kind: 'fromEnd'; count: number}
  /** The first record with timestamp >= ms; the end when there is none. */
  | {kind: 'timestamp'; ms: number}
  /** Per partition, where a consumer group committed (clamped); `otherwise` where it has no commit (auto.offset.reset). */
  | {kind: 'committed'; offsets: Map<number, number>; otherwise: 'beginning' | 'end'};

export const EARLIEST = -2;
export const LATEST = -1;

/** ListOffsets for several partitions, each sent to its leader; returns partition -> offset. */
export async function listOffsets(
  cluster: ClusterConnections,
  topic: string,
  leaders: PartitionLeader[],
  timestampOf: (partition: number) => number,
): Promise<Map<number, number>> {
  const byLeader = new Map<number, number[]>();
  for (const {partition, leader} of leaders) byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
  const out = new Map<number, number>();
  await Promise.all(
    [...byLeader].map(async ([leader, partitions]) => {
      if (leader < 0) check(ErrorCode.LEADER_NOT_AVAILABLE, `topic ${topic} partitions ${partitions.join(',')}`);
      const {conn, version} = await cluster.pick(leader, ListOffsets, [1, 3]);
      const res = await conn.request(ListOffsets, version, {
        replicaId: -1,
        // read_committed: "latest" is the last stable offset, where a fetch stops.
        isolationLevel: 1,
        topics: [{name: topic, partitions: partitions.map((p) => ({partitionIndex: p, timestamp: timestampOf(p)}))}],
      });
      for (const t of res.topics) {
        for (const p of t.partitions) {
          check(p.errorCode, `ListOffsets ${topic}/${p.partitionIndex}`);
          out.set(p.partitionIndex, Number(p.offset));
        }
      }
    }),
  );
  return out;
}

export interface PartitionBounds {
  logStart: number;
  highWatermark: number;
}

/** Log start and high watermark of each partition. */
export async function partitionBounds(cluster: ClusterConnections, topic: string, leaders: PartitionLeader[]): Promise<Map<number, PartitionBounds>> {
  const [starts, ends] = await Promise.all([listOffsets(cluster, topic, leaders, () => EARLIEST), listOffsets(cluster, topic, leaders, () => LATEST)]);
  return new Map(leaders.map(({partition}) => [partition, {logStart: starts.get(partition) ?? 0, highWatermark: ends.get(partition) ?? 0}]));
}

/** The first offset to read in each partition for `start`, and the bounds it was clamped to. */
export async function resolveStart(
  cluster: ClusterConnections,
  topic: string,
  leaders: PartitionLeader[],
  start: StartPosition,
  warn: (message: string) => void = () => undefined,
): Promise<{offsets: Map<number, number>; bounds: Map<number, PartitionBounds>}> {
  const bounds = await partitionBounds(cluster, topic, leaders);
  const clamp = (p: number, o: number) => {
    const b = bounds.get(p)!;
    return Math.min(Math.max(o, b.logStart), b.highWatermark);
  };
  // An offset asked for (or committed) outside the log starts at its nearer end, said as librdkafka says it.
  const clampSaying = (p: number, o: number) => {
    const to = clamp(p, o);
    if (to !== o) warn(`partition ${p}: offset ${o} is out of range [${bounds.get(p)!.logStart}, ${bounds.get(p)!.highWatermark}]; starting at ${to}`);
    return to;
  };
  const out = new Map<number, number>();
  if (start.kind === 'timestamp') {
    const found = await listOffsets(cluster, topic, leaders, () => start.ms);
    for (const {partition} of leaders) {
      const o = found.get(partition) ?? -1;
      out.set(partition, o < 0 ? bounds.get(partition)!.highWatermark : clamp(partition, o));
    }
    return {offsets: out, bounds};
  }
  for (const {partition} of leaders) {
    const b = bounds.get(partition)!;
    switch (start.kind) {
      case 'beginning':
        out.set(partition, b.logStart);
        break;
      case 'end':
        out.set(partition, b.highWatermark);
        break;
      case 'offset':
        out.set(partition, clampSaying(partition, start.offset));
        break;
      case 'fromEnd':
        out.set(partition, clamp(partition, b.highWatermark - start.count));
        break;
      case 'committed': {
        const c = start.offsets.get(partition) ?? -1;
        out.set(partition, c >= 0 ? clampSaying(partition, c) : start.otherwise === 'beginning' ? b.logStart : b.highWatermark);
        break;
      }
    }
  }
  return {offsets: out, bounds};
}
