import {PLAINTEXT, type ClientConfig} from '../client/client-config.js';
import fs from 'node:fs';
import path from 'node:path';
import type {Broker} from '../broker/broker.js';
import {HighWatermarkWaiters, PartitionWaiters} from '../broker/partition-waiters.js';
import {LeaderEpochCache} from '../storage/leader-epoch-cache.js';
import {RecentBatchBudget} from '../storage/recent-batches.js';
import {PRODUCER_STATE_FILE} from '../coordinator/producer-state.js';
import {errorMessage} from '../lib/errors.js';
import {writeFileAtomic} from '../lib/fs.js';
import type {Message} from '../protocol/codec.js';
import {ErrorCode} from '../protocol/errors.js';
import {iterateBatches} from '../protocol/records/batch.js';
import type {PartitionLog} from '../storage/partition-log.js';
import type {ZkClient} from '../zk/client.js';
import {isZkError} from '../zk/errors.js';
import type {ClusterView, PartitionRecord} from './cluster-view.js';
import {ReplicaFetcher, type FetchTarget, type FetcherHost} from './replica-fetcher.js';
import {parsePartitionState, partitionState, ZkPaths} from './zk-layout.js';

/** Kafka's replication-offset-checkpoint: each partition's high watermark, so a restart does not expose uncommitted data. */
const CHECKPOINT_FILE = 'replication-offset-checkpoint.json';
const CHECKPOINT_INTERVAL_MS = 5000;
/**
 * A leader keeps what its in-sync followers have not fetched yet in memory, up to this much over
 * all its partitions, so their fetches are answered without reading the segment. About what
 * producers keep unacknowledged (librdkafka queues up to 100,000 messages); freed as the high
 * watermark passes it, so an idle broker holds nothing.
 */
const RECENT_BATCH_BUDGET_BYTES = 32 << 20;

interface FollowerState {
  /** Its log end offset (the offset of its last fetch); -1 until it fetched from this leader. */
  leo: number;
  lastCaughtUp: number;
  lastFetchTime: number;
  leaderLeoAtLastFetch: number;
  /** When it last fetched naming this leader's current epoch (0: never): it had heard of no newer leader then. */
  lastFetchAtEpoch: number;
}

type Role = 'leader' | 'follower' | 'offline' | 'none';

interface Partition {
  topic: string;
  index: number;
  log: PartitionLog;
  role: Role;
  leader: number;
  epoch: number;
  controllerEpoch: number;
  isr: number[];
  replicas: number[];
  zkVersion: number;
  followers: Map<number, FollowerState>;
  isrWriting: boolean;
  /**
   * The ISR being written to ZooKeeper, until the write is done. The high watermark counts its
   * members as well as the current ISR's (KIP-841's maximal ISR): a follower being added may be
   * chosen leader as soon as ZooKeeper names it, so nothing it lacks may be acknowledged meanwhile.
   */
  pendingIsr?: number[];
  /** Which epoch wrote which offsets (leader-epoch-checkpoint). */
  epochs: LeaderEpochCache;
  /** A follower of a new leader first asks it where its own last epoch ends (KIP-101), then fetches. */
  validateEpoch: boolean;
  /** When ZooKeeper last named this broker the leader (a read of the state znode, or our own ISR write). */
  confirmedAt: number;
}

/**
 * This broker's replicas: the leader side (follower log ends, ISR shrink and expand written to the
 * partition state znode with a version check as Kafka 2.x's leader does, the high watermark as the
 * minimum log end over the ISR, acks=all waits) and the follower side (on a leader change,
 * truncate to where the new leader says this replica's last epoch ends, then one ReplicaFetcher
 * per leader). Roles follow the partition
 * state znodes that the ClusterView watches.
 */
export class ReplicaManager implements FetcherHost {
  private readonly partitions = new Map<string, Partition>();
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  /** acks=all requests waiting for the high watermark. */
  private readonly hwWaiters = new HighWatermarkWaiters();
  private readonly recentBatches = new RecentBatchBudget(RECENT_BATCH_BUDGET_BYTES);
  private readonly checkpoint: Record<string, number>;
  private readonly shrinkTimer: NodeJS.Timeout;
  private readonly checkpointTimer: NodeJS.Timeout;
  /** Set while ZooKeeper has been out of reach for a session timeout: when that began (see lostZooKeeper). */
  private zkLostAt?: number;
  private leadershipCheckTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly broker: Broker,
    private readonly view: ClusterView,
    private readonly zk: () => ZkClient,
  ) {
    this.checkpoint = readCheckpoint(path.join(broker.options.dataDir, CHECKPOINT_FILE));
    const lag = broker.options.replicaLagTimeMaxMs;
    this.shrinkTimer = setInterval(() => this.shrinkIsrs(), Math.max(100, lag / 2)).unref();
    this.checkpointTimer = setInterval(() => this.writeCheckpoint(), CHECKPOINT_INTERVAL_MS).unref();
  }

  get nodeId(): number {
    return this.broker.nodeId;
  }

  get localHost(): string {
    return this.broker.localHost;
  }

  get interBrokerClient(): ClientConfig {
    return this.broker.options.interBrokerClient ?? PLAINTEXT;
  }

  log(line: string): void {
    this.broker.log(line);
  }

  endpoint(brokerId: number) {
    return this.view.brokers.get(brokerId);
  }

  // ------------------------------------------------------------------ roles

  /** The partition state znode changed (or was first read). */
  partitionChanged(topic: string, index: number, record: PartitionRecord, replicas: number[]): void {
    if (this.closed) return;
    const log = this.broker.logs.partition(topic, index);
    if (!log) return;
    const key = PartitionWaiters.key(topic, index);
    let part = this.partitions.get(key);
    if (!part || part.log !== log) {
      // A log we have not managed yet: the high watermark comes from the checkpoint, never from the log end.
      log.autoHighWatermark = false;
      log.highWatermark = Math.min(this.checkpoint[checkpointKey(topic, index)] ?? 0, log.logEndOffset);
      part = {topic, index, log, role: 'none', leader: -1, epoch: -1, controllerEpoch: 0, isr: [], replicas: [], zkVersion: -1, followers: new Map(), isrWriting: false, epochs: LeaderEpochCache.open(log), validateEpoch: false, confirmedAt: 0};
      this.partitions.set(key, part);
    }
    const {leader, leaderEpoch, isr, controllerEpoch} = record.state;
    const me = this.broker.nodeId;
    const changed = part.leader !== leader || part.epoch !== leaderEpoch;
    const wasLeader = part.role === 'leader';
    Object.assign(part, {replicas, zkVersion: record.zkVersion, controllerEpoch, isr});
    if (!replicas.includes(me)) {
      this.setRole(part, 'none', leader, leaderEpoch);
    } else if (leader === me) {
      part.confirmedAt = Date.now();
      if (!wasLeader || changed) this.becomeLeader(part, leaderEpoch);
      this.maybeAdvanceHighWatermark(part);
    } else if (leader < 0) {
      this.setRole(part, 'offline', leader, leaderEpoch);
    } else if (part.role !== 'follower' || changed) {
      this.becomeFollower(part, leader, leaderEpoch);
    }
    // Waiting produce requests and long polls re-check leadership.
    this.hwWaiters.recheck(key);
    this.broker.waiters.notify(topic, index);
  }

  /** The topic is gone from ZooKeeper: stop following it before its logs go. */
  topicRemoved(topic: string): void {
    for (const [key, part] of this.partitions) {
      if (part.topic !== topic) continue;
      this.partitions.delete(key);
      this.unfollow(part);
      this.hwWaiters.recheck(key);
    }
  }

  private becomeLeader(part: Partition, epoch: number): void {
    this.unfollow(part);
    const now = Date.now();
    part.followers = new Map(part.replicas.filter((id) => id !== this.nodeId).map((id) => [id, {leo: -1, lastCaughtUp: now, lastFetchTime: now, leaderLeoAtLastFetch: -1, lastFetchAtEpoch: 0}]));
    // Idempotence state is rebuilt from the log as it now is (it may hold batches replicated from the old leader).
    this.broker.producerStates.forget(part.log);
    part.role = 'leader';
    part.leader = this.nodeId;
    part.epoch = epoch;
    part.log.holdRecentBatches(part.followers.size > 0 ? this.recentBatches : undefined);
    // What this broker appends from now on is the new epoch's, from the current log end.
    part.epochs.assign(epoch, part.log.logEndOffset);
    this.log(`${part.topic}-${part.index}: leader (epoch ${epoch}, isr [${part.isr.join(',')}], log end ${part.log.logEndOffset})`);
  }

  /**
   * KIP-101: a replica that follows a new leader keeps its log until the leader said where this
   * replica's last epoch ends there (validateEpoch, done by the fetcher), then drops only what
   * lies beyond: never a committed record, never a divergent one.
   */
  private becomeFollower(part: Partition, leader: number, epoch: number): void {
    this.unfollow(part);
    part.log.holdRecentBatches(undefined);
    part.validateEpoch = true;
    this.broker.producerStates.forget(part.log);
    fs.rmSync(path.join(part.log.dir, PRODUCER_STATE_FILE), {force: true});
    part.role = 'follower';
    part.leader = leader;
    part.epoch = epoch;
    let fetcher = this.fetchers.get(leader);
    if (!fetcher) this.fetchers.set(leader, (fetcher = new ReplicaFetcher(leader, this)));
    fetcher.poke();
  }

  private setRole(part: Partition, role: Role, leader: number, epoch: number): void {
    if (part.role === 'follower') this.unfollow(part);
    part.log.holdRecentBatches(undefined);
    part.role = role;
    part.leader = leader;
    part.epoch = epoch;
  }

  private unfollow(part: Partition): void {
    if (part.role !== 'follower') return;
    part.role = 'none';
    const fetcher = this.fetchers.get(part.leader);
    if (fetcher && this.targets(part.leader).length === 0) {
      this.fetchers.delete(part.leader);
      void fetcher.stop();
    }
  }

  /**
   * ZooKeeper has been out of reach for a whole session timeout: our session may be gone and the
   * controller may have elected other leaders, or (the whole ensemble down) nobody could elect
   * anyone. Stepping down everywhere would turn a ZooKeeper outage into a total one, so each
   * partition is kept while there is evidence that no other broker leads it (see
   * silentCandidates), checked again every moment until ZooKeeper is back. A partition given up
   * stays given up until then: only ZooKeeper can say it is ours again.
   */
  lostZooKeeper(): void {
    if (this.zkLostAt !== undefined || this.closed) return;
    this.zkLostAt = Date.now();
    this.stepDownChallenged();
    const every = Math.max(100, Math.min(1000, this.broker.options.zookeeperSessionTimeoutMs / 4));
    this.leadershipCheckTimer = setInterval(() => this.stepDownChallenged(), every).unref();
  }

  /** The partition states were read again: roles follow ZooKeeper as usual. */
  zooKeeperBack(): void {
    this.zkLostAt = undefined;
    clearInterval(this.leadershipCheckTimer);
    this.leadershipCheckTimer = undefined;
  }

  private stepDownChallenged(): void {
    const now = Date.now();
    for (const part of this.partitions.values()) {
      if (part.role !== 'leader') continue;
      const silent = this.silentCandidates(part, now);
      if (silent.length === 0) continue;
      part.role = 'none';
      part.log.holdRecentBatches(undefined);
      this.log(`${part.topic}-${part.index}: no longer leader (epoch ${part.epoch}): ZooKeeper out of reach and broker(s) ${silent.join(',')} stopped fetching from this one, another broker may lead`);
      this.hwWaiters.recheck(PartitionWaiters.key(part.topic, part.index));
      this.broker.waiters.notify(part.topic, part.index);
    }
  }

  /**
   * Without ZooKeeper, the replicas that could lead the partition instead of us and have not
   * shown lately that they do not: none means we surely still lead. The controller elects only
   * an ISR member (any replica with unclean election), and a broker that becomes leader stops
   * fetching the partition; so while every such candidate keeps fetching from us at our epoch,
   * none of them leads, and with no candidate at all (RF=1, ISR=[us]) nobody else can. Our ISR
   * holds every member ZooKeeper's may hold: only the leader adds (an addition whose write was
   * lost counts, see writeIsr), the controller only removes. "Lately": within a session
   * timeout, the patience ZooKeeper itself has with a broker.
   */
  private silentCandidates(part: Partition, now: number): number[] {
    // Named leader by a fresh read since (between reconnecting and zooKeeperBack): ZooKeeper's word.
    if (this.zkLostAt !== undefined && part.confirmedAt > this.zkLostAt) return [];
    const unclean = this.broker.logs.topic(part.topic)?.config.uncleanLeaderElectionEnable ?? false;
    const since = now - this.broker.options.zookeeperSessionTimeoutMs;
    return (unclean ? part.replicas : part.isr).filter((id) => id !== this.nodeId && (part.followers.get(id)?.lastFetchAtEpoch ?? 0) < since);
  }

  // ------------------------------------------------------------------ follower side

  targets(leaderId: number): FetchTarget[] {
    const out: FetchTarget[] = [];
    for (const p of this.partitions.values()) {
      if (p.role === 'follower' && p.leader === leaderId && !p.log.isClosed) out.push({topic: p.topic, partition: p.index, fetchOffset: p.log.logEndOffset, currentLeaderEpoch: p.epoch, lastEpoch: p.validateEpoch ? p.epochs.latestEpoch : undefined});
    }
    return out;
  }

  /**
   * The leader's answer to OffsetForLeaderEpoch for our last epoch (undefined: it cannot answer
   * one, an older broker): truncate to where that epoch ends on both sides, as Kafka's follower
   * does (KIP-279), or without an answer to the high watermark, as before KIP-101.
   */
  truncateToLeader(leaderId: number, topic: string, index: number, answer: {epoch: number; endOffset: number} | undefined): void {
    const part = this.partitions.get(PartitionWaiters.key(topic, index));
    if (!part || part.role !== 'follower' || part.leader !== leaderId || !part.validateEpoch || part.log.isClosed) return;
    const log = part.log;
    let to: number;
    if (!answer || answer.epoch < 0) to = log.highWatermark;
    else if (answer.epoch === part.epochs.latestEpoch) to = Math.min(answer.endOffset, log.logEndOffset);
    else to = Math.min(answer.endOffset, part.epochs.endOffsetFor(answer.epoch, log.logEndOffset).endOffset, log.logEndOffset);
    to = Math.max(to, log.logStartOffset);
    if (to < log.logEndOffset) {
      this.log(`${topic}-${index}: truncating from ${log.logEndOffset} to ${to}, where ${answer ? `epoch ${answer.epoch} ends on broker ${leaderId}` : 'the high watermark is (the leader cannot say where our epoch ends)'}`);
      log.truncateTo(to);
      part.epochs.truncateFromEnd(to);
    }
    part.validateEpoch = false;
  }

  /** ListOffsets v4+ on this leader: the epoch of `offset`, or the latest for the log end. */
  epochAt(topic: string, index: number, offset: number | 'latest'): number {
    const part = this.leaderPart(topic, index);
    if (!part) return -1;
    return offset === 'latest' ? part.epochs.latestEpoch : part.epochs.epochAt(offset);
  }

  /** OffsetForLeaderEpoch on this leader: where `epoch` ends in the partition's log. */
  endOffsetForEpoch(topic: string, index: number, epoch: number): {epoch: number; endOffset: number} {
    const part = this.leaderPart(topic, index);
    return part ? part.epochs.endOffsetFor(epoch, part.log.logEndOffset) : {epoch: -1, endOffset: -1};
  }

  fetched(leaderId: number, topic: string, r: Message): void {
    const part = this.partitions.get(PartitionWaiters.key(topic, r.partitionIndex));
    if (!part || part.role !== 'follower' || part.leader !== leaderId || part.log.isClosed) return;
    const log = part.log;
    if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      // Below the leader's log start: start over there. Beyond its log end: drop our excess.
      if (log.logEndOffset < r.logStartOffset) {
        log.truncateFullyAndStartAt(r.logStartOffset);
        part.epochs.clearAndStartAt(r.logStartOffset);
      } else if (r.highWatermark >= 0) {
        log.truncateTo(Math.max(r.highWatermark, log.logStartOffset));
        part.epochs.truncateFromEnd(log.logEndOffset);
      }
      return;
    }
    if (r.errorCode !== ErrorCode.NONE) return;
    if (r.records) {
      for (const {at, header} of iterateBatches(r.records)) {
        const end = header.baseOffset + header.lastOffsetDelta + 1;
        if (end <= log.logEndOffset) continue;
        // A batch past our log end is a gap the leader's log cleaner left; one straddling it is not.
        if (header.baseOffset < log.logEndOffset) {
          this.log(`${topic}-${r.partitionIndex}: leader sent offset ${header.baseOffset}, expected ${log.logEndOffset}; fetching again`);
          break;
        }
        // Kept as the leader wrote it: its offsets, leader epoch and timestamps. The response
        // buffer is this fetch's own, so the batch is appended from it without a copy.
        log.append(r.records.subarray(at, at + header.size), {leaderEpoch: header.partitionLeaderEpoch, asFollower: true});
        part.epochs.assign(header.partitionLeaderEpoch, header.baseOffset);
      }
    }
    if (r.highWatermark >= 0) log.highWatermark = Math.min(r.highWatermark, log.logEndOffset);
  }

  // ------------------------------------------------------------------ leader side

  private leaderPart(topic: string, index: number): Partition | undefined {
    const part = this.partitions.get(PartitionWaiters.key(topic, index));
    return part?.role === 'leader' && !part.log.isClosed ? part : undefined;
  }

  leaderError(topic: string, index: number): number {
    if (this.leaderPart(topic, index)) return ErrorCode.NONE;
    const record = this.view.partition(topic, index);
    if (!record && !this.broker.logs.partition(topic, index)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return record && record.state.leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NOT_LEADER_OR_FOLLOWER;
  }

  leaderEpoch(topic: string, index: number): number {
    return this.partitions.get(PartitionWaiters.key(topic, index))?.epoch ?? 0;
  }

  isrSize(topic: string, index: number): number {
    return this.leaderPart(topic, index)?.isr.length ?? 0;
  }

  appended(topic: string, index: number): void {
    const part = this.leaderPart(topic, index);
    if (part) this.maybeAdvanceHighWatermark(part);
  }

  async awaitReplication(topic: string, index: number, offset: number, minIsr: number, timeoutMs: number, signal: AbortSignal): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const key = PartitionWaiters.key(topic, index);
    for (;;) {
      const part = this.leaderPart(topic, index);
      if (!part) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
      if (part.log.highWatermark > offset) return part.isr.length < minIsr ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ErrorCode.NONE;
      const left = deadline - Date.now();
      if (left <= 0 || signal.aborted || this.closed) return ErrorCode.REQUEST_TIMED_OUT;
      await this.hwWaiters.wait(key, offset, left, signal);
    }
  }

  /** currentLeaderEpoch: the epoch the follower names (KIP-320), -1 when its Fetch version has none. */
  followerFetched(topic: string, index: number, replicaId: number, fetchOffset: number, currentLeaderEpoch = -1): number {
    const part = this.leaderPart(topic, index);
    if (!part) return this.leaderError(topic, index);
    const f = part.followers.get(replicaId);
    if (!f) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const now = Date.now();
    // It follows us at this epoch: it has not heard of a newer leader (see silentCandidates).
    if (currentLeaderEpoch === part.epoch || currentLeaderEpoch < 0) f.lastFetchAtEpoch = now;
    const leo = part.log.logEndOffset;
    // Past our log end its log is not ours (another leader's records): it gets OFFSET_OUT_OF_RANGE
    // and counts for nothing until it fetches from within our log.
    if (fetchOffset > leo) return ErrorCode.NONE;
    // Caught up: at our log end now, or at least where our log ended when it last fetched (Kafka's rule under steady writes).
    if (fetchOffset >= leo) f.lastCaughtUp = now;
    else if (fetchOffset >= f.leaderLeoAtLastFetch && f.leaderLeoAtLastFetch >= 0) f.lastCaughtUp = Math.max(f.lastCaughtUp, f.lastFetchTime);
    f.leo = fetchOffset;
    f.lastFetchTime = now;
    f.leaderLeoAtLastFetch = leo;
    // Only a registered broker joins the ISR: one in controlled shutdown has withdrawn its
    // registration and still fetches for a moment; taking it back would undo the shutdown.
    if (!part.isr.includes(replicaId) && f.leo >= part.log.highWatermark && this.view.brokers.has(replicaId)) {
      void this.writeIsr(part, (isr) => (isr.includes(replicaId) ? isr : [...isr, replicaId]), `broker ${replicaId} caught up`);
    }
    this.maybeAdvanceHighWatermark(part);
    return ErrorCode.NONE;
  }

  /** The high watermark is the smallest log end over the ISR; it never goes back. */
  private maybeAdvanceHighWatermark(part: Partition): void {
    if (part.role !== 'leader') return;
    let hw = part.log.logEndOffset;
    for (const id of part.pendingIsr ? new Set([...part.isr, ...part.pendingIsr]) : part.isr) {
      if (id === this.nodeId) continue;
      const f = part.followers.get(id);
      if (!f || f.leo < 0) return;
      hw = Math.min(hw, f.leo);
    }
    if (hw > part.log.highWatermark) {
      part.log.highWatermark = hw;
      // Every in-sync follower has what lies below it: no fetch of theirs asks for it again.
      part.log.releaseRecentBelow(hw);
      this.hwWaiters.advanced(PartitionWaiters.key(part.topic, part.index), hw);
      // Consumers read up to the high watermark: their long polls may have something now.
      this.broker.waiters.notify(part.topic, part.index);
    }
  }

  /** replica.lag.time.max.ms: followers that have not caught up for that long leave the ISR. */
  private shrinkIsrs(): void {
    const now = Date.now();
    const lag = this.broker.options.replicaLagTimeMaxMs;
    for (const part of this.partitions.values()) {
      if (part.role !== 'leader' || part.log.isClosed) continue;
      const leo = part.log.logEndOffset;
      const out = part.isr.filter((id) => {
        const f = part.followers.get(id);
        return id !== this.nodeId && f !== undefined && f.leo < leo && now - f.lastCaughtUp > lag;
      });
      if (out.length > 0) void this.writeIsr(part, (isr) => isr.filter((id) => !out.includes(id)), `broker(s) ${out.join(',')} fell behind`);
    }
  }

  /** Leader-side ISR change: a conditional write of the state znode, re-read and retried on a version conflict. */
  private async writeIsr(part: Partition, change: (isr: number[]) => number[], why: string): Promise<void> {
    if (part.isrWriting) return;
    part.isrWriting = true;
    const statePath = ZkPaths.partitionState(part.topic, part.index);
    try {
      for (let attempt = 0; attempt < 5 && part.role === 'leader' && !this.closed; attempt++) {
        const isr = change(part.isr);
        if (isr.length === part.isr.length && isr.every((id) => part.isr.includes(id))) return;
        const state = {controllerEpoch: part.controllerEpoch, leader: this.nodeId, leaderEpoch: part.epoch, isr};
        part.pendingIsr = isr;
        try {
          const stat = await this.zk().set(statePath, partitionState(state), {version: part.zkVersion});
          this.log(`${part.topic}-${part.index}: isr [${part.isr.join(',')}] -> [${isr.join(',')}] (${why})`);
          this.view.recordWrite(part.topic, part.index, {state, zkVersion: stat.version});
          return;
        } catch (err) {
          if (!isZkError(err, 'BADVERSION')) {
            // Lost with the connection, the write may still have landed: until ZooKeeper is read
            // again, count both ISRs (for the high watermark, and as who could be elected).
            part.isr = [...new Set([...part.isr, ...isr])];
            throw err;
          }
          const {data, stat} = await this.zk().get(statePath);
          this.view.recordWrite(part.topic, part.index, {state: parsePartitionState(data.toString()), zkVersion: stat.version});
        }
      }
    } catch (err) {
      this.log(`${part.topic}-${part.index}: changing the isr failed: ${errorMessage(err)}`);
    } finally {
      part.isrWriting = false;
      part.pendingIsr = undefined;
    }
    this.maybeAdvanceHighWatermark(part);
  }

  // ------------------------------------------------------------------ lifecycle

  writeCheckpoint(): void {
    for (const p of this.partitions.values()) if (!p.log.isClosed) this.checkpoint[checkpointKey(p.topic, p.index)] = p.log.highWatermark;
    try {
      writeFileAtomic(path.join(this.broker.options.dataDir, CHECKPOINT_FILE), JSON.stringify(this.checkpoint));
    } catch (err) {
      this.log(`writing the high-watermark checkpoint failed: ${errorMessage(err)}`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.shrinkTimer);
    clearInterval(this.checkpointTimer);
    clearInterval(this.leadershipCheckTimer);
    this.hwWaiters.recheckAll();
    await Promise.all([...this.fetchers.values()].map((f) => f.stop()));
    this.fetchers.clear();
    this.writeCheckpoint();
  }
}

function checkpointKey(topic: string, index: number): string {
  return `${topic}-${index}`;
}

function readCheckpoint(file: string): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}
