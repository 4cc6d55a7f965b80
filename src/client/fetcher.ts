import {ErrorCode, KafkaProtocolError} from '../protocol/errors.js';
import {Fetch} from '../protocol/messages/01-fetch.js';
import {decodeBatches} from '../protocol/records/records.js';
import {AbortedTransactions} from './aborted-transactions.js';
import {UserError} from '../lib/errors.js';
import {groupBy} from '../lib/group-by.js';
import type {ClientConfig} from './client-config.js';
import {ClusterConnections, type PartitionLeader} from './cluster-connections.js';
import {EARLIEST, LATEST, listOffsets, resolveStart, type StartPosition} from './start-offsets.js';
import {BrokerUnreachableError} from './kafka-errors.js';
import {check} from './wire-connection.js';

export type {StartPosition} from './start-offsets.js';

/** One record as read from the log. */
export interface FetchedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{key: string; value: Buffer | null}>;
  /** Set on fetched records (ConsumedRecord): the value's length (-1: null) and a copy of its bytes without a Buffer view. */
  valueLength?: number;
  copyValue?(target: Buffer, at: number): number;
}

export interface FetchOptions {
  brokers: string[];
  /** TLS and SASL settings (default: the command's). */
  clientConfig?: ClientConfig;
  /** Connections the caller keeps open across reads and closes itself (default: this read's own). */
  cluster?: ClusterConnections;
  topic: string;
  /** Only these partitions (default: all; with `live`: none). */
  partitions?: number[];
  /**
   * Partitions added and removed while the fetch runs (a cooperative group member's): the fetch
   * reads `partitions` (none if omitted) and runs until `signal` aborts, even with none to read.
   */
  live?: LivePartitions;
  start: StartPosition;
  /** Stop once every partition has reached its end (kcat -e): the last stable offset, read_committed being the default as in librdkafka. */
  stopAtEnd?: boolean;
  /** Stop after this many records in total. */
  maxRecords?: number;
  signal?: AbortSignal;
  /** Fetch long-poll wait (default 500 ms). */
  maxWaitMs?: number;
  /** Non-fatal events worth telling the user (records deleted under us, leader moves). */
  onWarning?: (message: string) => void;
  clientId?: string;
}

/**
 * max.partition.fetch.bytes. librdkafka asks for 1 MiB; a response's records are decoded at once
 * and stay alive until written, and with 1 MiB a drain's records outlived young-generation
 * scavenges: 256 KiB took a third less CPU and a quarter of the page faults for the same drain
 * (still at least one whole batch per partition, however large).
 */
const PARTITION_MAX_BYTES = 256 * 1024;

/** A fetched response's records per partition, each in offset order. */
export const byPartition = (records: FetchedRecord[]): Map<number, FetchedRecord[]> => groupBy(records, (r) => r.partition);

export interface FetchSummary {
  records: number;
  stoppedBy: 'count' | 'end' | 'signal';
  partitions: Array<{partition: number; nextOffset: number; highWatermark: number}>;
}

interface PartitionState {
  partition: number;
  leader: number;
  position: number;
  highWatermark: number;
  done: boolean;
  /** Taken out of a live fetch: a response under way delivers nothing more of it. */
  removed?: boolean;
}

type PartitionChange = {add: number[]; start: StartPosition} | {remove: number[]};

/**
 * The partitions of a running fetch, changed while it runs: those added start at `start` (their
 * leaders' fetches take them up), those removed are fetched and delivered no more (a deliver
 * already under way may still hold some of their records). Changes apply in the order asked.
 */
export class LivePartitions {
  private chain: Promise<unknown> = Promise.resolve();
  private apply?: (change: PartitionChange) => Promise<void>;
  private attached!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.attached = resolve));

  add(partitions: number[], start: StartPosition): Promise<void> {
    return this.enqueue({add: partitions, start});
  }

  remove(partitions: number[]): Promise<void> {
    return this.enqueue({remove: partitions});
  }

  /** fetchRecords: where changes go from now on (a no-op once the fetch is over). */
  attach(apply: (change: PartitionChange) => Promise<void>): void {
    this.apply = apply;
    this.attached();
  }

  private enqueue(change: PartitionChange): Promise<void> {
    const done = this.chain.then(() => this.ready).then(() => this.apply!(change));
    this.chain = done.catch(() => undefined);
    return done;
  }
}

const RETRIABLE_PARTITION_ERRORS = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.NOT_ENOUGH_REPLICAS,
]);

const MAX_CONSECUTIVE_FAILURES = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads a topic without a consumer group: Metadata for partitions and leaders, ListOffsets for
 * the start, then one Fetch long-poll loop per leader. `deliver` is awaited before that leader
 * fetches again, so a slow reader (a full stdout pipe) slows the fetching instead of buffering.
 */
export async function fetchRecords(options: FetchOptions, deliver: (records: FetchedRecord[]) => Promise<unknown> | void): Promise<FetchSummary> {
  const {topic} = options;
  const own = options.cluster === undefined;
  const cluster = options.cluster ?? new ClusterConnections(options.brokers, options.clientId, options.clientConfig);
  const warn = options.onWarning ?? (() => undefined);
  let stoppedBy: FetchSummary['stoppedBy'] | undefined;
  let fatal: unknown;
  let wake: () => void = () => undefined;
  const stop = (why: FetchSummary['stoppedBy']) => {
    stoppedBy ??= why;
    wake();
  };
  const onAbort = () => {
    stop('signal');
    if (own) cluster.close();
  };
  let delivered = 0;

  try {
    const {live} = options;
    const wanted = async () => {
      const all = await cluster.topicLeaders(topic);
      return live ? all : selectPartitions(all, options.partitions, topic);
    };
    let leaders = await wanted();
    const startStates = async (chosen: PartitionLeader[], start: StartPosition): Promise<PartitionState[]> => {
      const {offsets, bounds} = await resolveStart(cluster, topic, chosen, start, warn);
      return chosen.map(({partition, leader}) => ({partition, leader, position: offsets.get(partition)!, highWatermark: bounds.get(partition)!.highWatermark, done: false}));
    };
    const states: PartitionState[] = await startStates(live && !options.partitions?.length ? [] : leaders, options.start);
    live?.attach(async (change) => {
      if (stoppedBy !== undefined) return;
      if ('remove' in change) {
        for (const s of states.filter((x) => change.remove.includes(x.partition))) {
          s.removed = true;
          states.splice(states.indexOf(s), 1);
        }
        return;
      }
      const fresh = change.add.filter((p) => !states.some((s) => s.partition === p));
      if (fresh.length === 0) return;
      leaders = await cluster.topicLeaders(topic);
      states.push(...(await startStates(selectPartitions(leaders, fresh, topic), change.start)));
      wake();
    });
    if (options.stopAtEnd) for (const s of states) s.done = s.position >= s.highWatermark;
    if (options.maxRecords !== undefined && options.maxRecords <= 0) stop('count');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, {once: true});

    const refreshLeaders = async () => {
      leaders = await wanted();
      for (const s of states) {
        const l = leaders.find((x) => x.partition === s.partition);
        if (l && l.leader !== s.leader) {
          if (s.leader >= 0 && l.leader >= 0) warn(`partition ${s.partition}: leader moved from broker ${s.leader} to ${l.leader}`);
          s.leader = l.leader;
        }
      }
    };

    const resetOutOfRange = async (s: PartitionState) => {
      const [start] = [...(await listOffsets(cluster, topic, [{partition: s.partition, leader: s.leader}], () => EARLIEST)).values()];
      const [end] = [...(await listOffsets(cluster, topic, [{partition: s.partition, leader: s.leader}], () => LATEST)).values()];
      const to = s.position < start ? start : end;
      warn(`partition ${s.partition}: offset ${s.position} is out of range [${start}, ${end}]; continuing at ${to}`);
      s.position = to;
    };

    const leaderLoop = async (node: number): Promise<void> => {
      let failures = 0;
      while (stoppedBy === undefined) {
        const mine = states.filter((s) => s.leader === node && !s.done);
        if (mine.length === 0) return;
        let res: any;
        try {
          const {conn, version} = await cluster.pick(node, Fetch, [4, 11]);
          const maxWaitMs = options.maxWaitMs ?? 500;
          const body = {
            replicaId: -1,
            maxWaitMs,
            minBytes: 1,
            maxBytes: 50 * 1024 * 1024,
            // read_committed: records of open transactions are not served, aborted ones are dropped below.
            isolationLevel: 1,
            sessionId: 0,
            sessionEpoch: -1,
            topics: [{topic, partitions: mine.map((s) => ({partition: s.partition, fetchOffset: s.position, partitionMaxBytes: PARTITION_MAX_BYTES}))}],
            forgottenTopicsData: [],
            rackId: '',
          };
          // The broker holds a long poll up to its max wait: the request timeout runs on top of that.
          res = await conn.request(Fetch, version, body, {waitsMs: maxWaitMs});
        } catch (err) {
          if (stoppedBy !== undefined) return;
          if (err instanceof KafkaProtocolError || ++failures > MAX_CONSECUTIVE_FAILURES) throw connectionLost(node, err);
          cluster.forget(node);
          await sleep(Math.min(100 * 2 ** failures, 2000));
          await refreshLeaders().catch(() => undefined);
          continue;
        }
        failures = 0;
        if (res.errorCode) check(res.errorCode, `fetch from broker ${node}`);
        let needRefresh = false;
        const fetched: Array<{s: PartitionState; records: FetchedRecord[]}> = [];
        for (const t of res.responses) {
          for (const p of t.partitions) {
            const s = mine.find((x) => x.partition === p.partitionIndex);
            if (!s || s.removed) continue;
            if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
              await resetOutOfRange(s);
              continue;
            }
            if (RETRIABLE_PARTITION_ERRORS.has(p.errorCode)) {
              needRefresh = true;
              continue;
            }
            check(p.errorCode, `fetch ${topic}/${s.partition}`);
            if (p.lastStableOffset >= 0) s.highWatermark = p.lastStableOffset;
            if (p.records && p.records.length > 0) {
              const batch: FetchedRecord[] = [];
              fetched.push({s, records: batch});
              const aborted = new AbortedTransactions(p.abortedTransactions);
              for (const b of await decodeOrExplain(p.records, topic, s.partition, s.position)) {
                if (!aborted.skip(b.header)) for (const r of b.records) {
                  // A fetch returns whole batches: skip what lies before the requested offset.
                  if (r.offset < s.position) continue;
                  batch.push(r as FetchedRecord);
                }
                s.position = Math.max(s.position, b.header.baseOffset + b.header.lastOffsetDelta + 1);
              }
            }
            if (options.stopAtEnd && s.position >= s.highWatermark) s.done = true;
          }
        }
        // A partition removed while its records were decoded delivers none of them.
        const batch = fetched.filter((f) => !f.s.removed).flatMap((f) => f.records);
        if (batch.length > 0 && stoppedBy === undefined) {
          let out = batch;
          if (options.maxRecords !== undefined && delivered + batch.length >= options.maxRecords) {
            out = batch.slice(0, options.maxRecords - delivered);
            stop('count');
          }
          delivered += out.length;
          await deliver(out);
        }
        if (needRefresh && stoppedBy === undefined) {
          await sleep(200);
          await refreshLeaders();
        }
      }
    };

    const running = new Map<number, Promise<void>>();
    while (stoppedBy === undefined && fatal === undefined) {
      const active = states.filter((s) => !s.done);
      if (active.length === 0 && !live) {
        stop('end');
        break;
      }
      for (const node of new Set(active.map((s) => s.leader))) {
        if (node < 0 || running.has(node)) continue;
        running.set(
          node,
          leaderLoop(node)
            .catch((err) => {
              fatal ??= err;
            })
            .finally(() => {
              running.delete(node);
              wake();
            }),
        );
      }
      const woken = new Promise<void>((r) => (wake = r));
      const leaderless = active.some((s) => s.leader < 0);
      await Promise.race([woken, ...(leaderless ? [sleep(500).then(refreshLeaders)] : [])]);
    }
    // A deliver under way finishes first: a group member must not join its next generation (or a
    // caller go on) while the records in hand are still being written and committed.
    await Promise.allSettled(running.values());
    if (fatal !== undefined) throw fatal;
    return {
      records: delivered,
      stoppedBy: stoppedBy ?? 'end',
      partitions: states.map((s) => ({partition: s.partition, nextOffset: s.position, highWatermark: s.highWatermark})),
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stoppedBy ??= 'signal';
    options.live?.attach(async () => undefined);
    if (own) cluster.close();
  }
}

function selectPartitions(leaders: PartitionLeader[], wanted: number[] | undefined, topic: string): PartitionLeader[] {
  if (!wanted || wanted.length === 0) return leaders;
  for (const p of wanted) {
    if (!leaders.some((l) => l.partition === p)) {
      throw new UserError(
        `partition ${p} does not exist: topic "${topic}" has ${leaders.length} partition(s) (UNKNOWN_TOPIC_OR_PARTITION)`,
        `use --partition 0..${leaders.length - 1}`,
      );
    }
  }
  return leaders.filter((l) => wanted.includes(l.partition));
}

async function decodeOrExplain(records: Buffer, topic: string, partition: number, position: number) {
  try {
    // Decoded stamped with topic and partition: each record is a FetchedRecord as it stands.
    return await decodeBatches(records, {origin: {topic, partition}});
  } catch (err) {
    throw new UserError(
      `cannot decode records of ${topic}/${partition} near offset ${position}: ${(err as Error).message}`,
      `the log holds a damaged batch; read past it with --partition ${partition} --from OFFSET`,
    );
  }
}

function connectionLost(node: number, err: unknown): Error {
  if (err instanceof UserError) return err;
  if (err instanceof KafkaProtocolError) return new UserError(`fetch from broker ${node}: ${err.message}`);
  // Still "unreachable": a group drain waits for the broker and reads again from its last commit.
  return new BrokerUnreachableError(`lost the connection to broker ${node} (${(err as Error).message})`, 'check that the broker is running (`kcollect status`), then consume again from the last printed offset');
}

