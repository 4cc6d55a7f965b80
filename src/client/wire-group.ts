import kafkajs from 'kafkajs';
import {ErrorCode, KafkaProtocolError} from '../protocol/errors.js';
import {Heartbeat} from '../protocol/messages/12-heartbeat.js';
import {JoinGroup} from '../protocol/messages/11-join-group.js';
import {LeaveGroup} from '../protocol/messages/13-leave-group.js';
import {OffsetCommit} from '../protocol/messages/08-offset-commit.js';
import {OffsetFetch} from '../protocol/messages/09-offset-fetch.js';
import {SyncGroup} from '../protocol/messages/14-sync-group.js';
import {sleep} from '../lib/backoff.js';
import {UserError, errorMessage} from '../lib/errors.js';
import type {GroupTimings} from './client-settings.js';
import type {ClusterConnections} from './cluster-connections.js';
import {decodeAssignment} from './groups.js';
import {BrokerUnreachableError} from './kafka-errors.js';
import {check, type WireConnection} from './wire-connection.js';

const {AssignerProtocol} = kafkajs;

export interface GroupMemberOptions {
  groupId: string;
  topic: string;
  sessionTimeoutMs: number;
  /** How long the coordinator waits for members to rejoin (max.poll.interval.ms's role). */
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /**
   * Said when joining keeps failing for a while (the coordinator's broker down or moving): the
   * reason, then undefined once the member joined. A member keeps trying for as long as it runs.
   */
  onJoinTrouble?: (reason: string | undefined) => void;
}

/** How long joins may fail before onJoinTrouble says so: a coordinator move takes a moment. */
const JOIN_TROUBLE_AFTER_MS = 3000;

/**
 * A member's timings: `defaults` where the client properties say nothing; a heartbeat left to its
 * default beats at least three times per session, as the Java consumer's does.
 */
export function memberTimings(defaults: Required<GroupTimings>, given: GroupTimings = {}): Required<GroupTimings> {
  const sessionTimeoutMs = given.sessionTimeoutMs ?? defaults.sessionTimeoutMs;
  const heartbeatIntervalMs = given.heartbeatIntervalMs ?? Math.min(defaults.heartbeatIntervalMs, Math.floor(sessionTimeoutMs / 3));
  if (heartbeatIntervalMs >= sessionTimeoutMs) throw new UserError(`heartbeat.interval.ms ${heartbeatIntervalMs} is not below session.timeout.ms ${sessionTimeoutMs}`, 'a member beats several times per session: e.g. heartbeat.interval.ms at a third of session.timeout.ms');
  return {sessionTimeoutMs, heartbeatIntervalMs, rebalanceTimeoutMs: given.rebalanceTimeoutMs ?? defaults.rebalanceTimeoutMs};
}

/**
 * A failed join worth trying again: the group rebalancing or the coordinator moving (Kafka's
 * answers), or a broker that does not answer or closed the connection (restarting). A refused
 * login or an API the broker lacks is the user's to fix.
 */
function joinRetriable(err: unknown): boolean {
  if (err instanceof KafkaProtocolError) return REJOIN_ERRORS.has(err.info.code) || COORDINATOR_ERRORS.has(err.info.code);
  return err instanceof BrokerUnreachableError || (err instanceof Error && /^connection to \S+ closed/.test(err.message));
}

/** The group moved on without this member's generation: rejoin, nothing is lost. */
const REJOIN_ERRORS = new Set<number>([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID]);
/** The coordinator moved or is loading: find it again. */
const COORDINATOR_ERRORS = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);
const PROTOCOL = 'range';

/**
 * One member of a consumer group on our own wire client (the "consumer" protocol, range
 * assignor): FindCoordinator, JoinGroup/SyncGroup, a background Heartbeat, OffsetFetch,
 * OffsetCommit with the member's generation, and LeaveGroup. It does not fetch: the caller reads
 * the assigned partitions and commits what its sink confirmed.
 */
export class GroupMember {
  private coordinator?: WireConnection;
  private memberId = '';
  private generationId = -1;
  private heartbeating?: Promise<void>;
  private stopHeartbeat = new AbortController();

  constructor(
    private readonly cluster: ClusterConnections,
    private readonly options: GroupMemberOptions,
  ) {}

  /**
   * Joins (or rejoins) the group and returns the partitions of the topic this member now owns.
   * `onRebalance` is called once when the heartbeat learns the group is rebalancing (or dropped
   * this member): the caller finishes and commits what it has in hand, then joins again.
   */
  async join(onRebalance: () => void, signal?: AbortSignal): Promise<number[]> {
    await this.stopHeartbeating();
    const since = Date.now();
    let troubled = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const partitions = await this.joinOnce();
        if (troubled) this.options.onJoinTrouble?.(undefined);
        this.startHeartbeating(onRebalance);
        return partitions;
      } catch (err) {
        // As Kafka's consumers do, a member retries for as long as it runs while the coordinator
        // moves, restarts or loads its groups (a broker restart can take longer than any fixed
        // number of tries): only an answer no retry mends, or a stop, ends the join.
        if (signal?.aborted || !joinRetriable(err)) throw err;
        if (!troubled && Date.now() - since >= JOIN_TROUBLE_AFTER_MS) {
          troubled = true;
          this.options.onJoinTrouble?.(errorMessage(err));
        }
        const code = err instanceof KafkaProtocolError ? err.info.code : undefined;
        if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION) this.memberId = '';
        if (code === undefined || COORDINATOR_ERRORS.has(code)) this.dropCoordinator();
        await sleep(Math.min(50 * 2 ** attempt, 1000), signal);
      }
    }
  }

  /**
   * Joins for one generation of reading: the owned partitions with their committed offsets. With
   * none owned (more members than partitions), stays in the group until `ended` aborts (a
   * rebalance may give it work) and returns undefined.
   */
  async joinToRead(ended: AbortController): Promise<Map<number, number> | undefined> {
    const partitions = await this.join(() => ended.abort(), ended.signal);
    if (partitions.length > 0) return this.committed(partitions);
    await new Promise<void>((resolve) => (ended.signal.aborted ? resolve() : ended.signal.addEventListener('abort', () => resolve(), {once: true})));
    return undefined;
  }

  /** The committed offsets of `partitions` (-1 where the group has none). */
  async committed(partitions: number[]): Promise<Map<number, number>> {
    const {topic, groupId} = this.options;
    const conn = await this.connection();
    const res = await conn.request(OffsetFetch, conn.pick(OffsetFetch, [1, 5]), {groupId, topics: [{name: topic, partitionIndexes: partitions}]});
    if (res.errorCode) check(res.errorCode, `offsets of group ${groupId}`);
    const out = new Map<number, number>(partitions.map((p) => [p, -1]));
    for (const t of res.topics) {
      for (const p of t.partitions) {
        check(p.errorCode, `offset of group ${groupId} on ${topic}/${p.partitionIndex}`);
        out.set(p.partitionIndex, Number(p.committedOffset));
      }
    }
    return out;
  }

  /**
   * Commits each partition's offset (the next to read) under this member's generation, in one
   * request. Throws the Kafka error (e.g. ILLEGAL_GENERATION) when the group moved on: the
   * partition may now be another member's, which re-reads from the last commit.
   */
  async commit(offsets: ReadonlyMap<number, number>): Promise<void> {
    const {topic, groupId} = this.options;
    const conn = await this.connection();
    const partitions = [...offsets].map(([partitionIndex, committedOffset]) => ({partitionIndex, committedOffset, committedMetadata: null}));
    const res = await conn.request(OffsetCommit, conn.pick(OffsetCommit, [2, 7]), {groupId, generationIdOrMemberEpoch: this.generationId, memberId: this.memberId, topics: [{name: topic, partitions}]});
    for (const t of res.topics) for (const p of t.partitions) check(p.errorCode, `commit ${topic}/${p.partitionIndex} offset ${offsets.get(p.partitionIndex)} for group ${groupId}`);
  }

  /** Leaves the group at once, so the others take this member's partitions without waiting for its session to expire. */
  async leave(): Promise<void> {
    await this.stopHeartbeating();
    const conn = this.coordinator;
    if (conn && !conn.closed && this.memberId) {
      const version = conn.pick(LeaveGroup, [0, 3]);
      await conn.request(LeaveGroup, version, {groupId: this.options.groupId, memberId: this.memberId, members: [{memberId: this.memberId, groupInstanceId: null}]}).catch(() => undefined);
    }
    this.memberId = '';
    this.dropCoordinator();
  }

  private async joinOnce(): Promise<number[]> {
    const {groupId, topic} = this.options;
    const conn = await this.connection();
    const joinVersion = conn.pick(JoinGroup, [1, 5]);
    const join = async () =>
      conn.request(JoinGroup, joinVersion, {
        groupId,
        sessionTimeoutMs: this.options.sessionTimeoutMs,
        rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{name: PROTOCOL, metadata: AssignerProtocol.MemberMetadata.encode({version: 0, topics: [topic], userData: Buffer.alloc(0)})}],
      });
    let res = await join();
    // JoinGroup v4+: the first join only hands out a member id.
    if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = res.memberId;
      res = await join();
    }
    check(res.errorCode, `join group ${groupId}`);
    this.memberId = res.memberId;
    this.generationId = res.generationId;
    const assignments = res.leader === res.memberId ? await this.assign(res.members.map((m: {memberId: string}) => m.memberId)) : [];
    const sync = await conn.request(SyncGroup, conn.pick(SyncGroup, [0, 3]), {groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null, assignments});
    check(sync.errorCode, `sync group ${groupId}`);
    return decodeAssignment(sync.assignment).find((a) => a.topic === topic)?.partitions ?? [];
  }

  /** The range assignor: each member (sorted by id) takes a contiguous run of partitions, the first ones one extra. */
  private async assign(members: string[]): Promise<Array<{memberId: string; assignment: Buffer}>> {
    const {topic} = this.options;
    const partitions = (await this.cluster.topicLeaders(topic)).map((l) => l.partition);
    const sorted = [...members].sort();
    const each = Math.floor(partitions.length / sorted.length);
    const extra = partitions.length % sorted.length;
    return sorted.map((memberId, i) => {
      const from = i * each + Math.min(i, extra);
      const mine = partitions.slice(from, from + each + (i < extra ? 1 : 0));
      return {memberId, assignment: AssignerProtocol.MemberAssignment.encode({version: 0, assignment: {[topic]: mine}, userData: Buffer.alloc(0)})};
    });
  }

  private startHeartbeating(onRebalance: () => void): void {
    const stop = (this.stopHeartbeat = new AbortController());
    const {groupId} = this.options;
    this.heartbeating = (async () => {
      while (!stop.signal.aborted) {
        await sleep(this.options.heartbeatIntervalMs, stop.signal);
        if (stop.signal.aborted) return;
        try {
          const conn = await this.connection();
          const res = await conn.request(Heartbeat, conn.pick(Heartbeat, [0, 3]), {groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null});
          if (REJOIN_ERRORS.has(res.errorCode) || COORDINATOR_ERRORS.has(res.errorCode)) {
            if (COORDINATOR_ERRORS.has(res.errorCode)) this.dropCoordinator();
            return onRebalance();
          }
        } catch {
          // The coordinator went away: rejoining finds the new one.
          this.dropCoordinator();
          return onRebalance();
        }
      }
    })();
  }

  private async stopHeartbeating(): Promise<void> {
    this.stopHeartbeat.abort();
    await this.heartbeating;
  }

  private async connection(): Promise<WireConnection> {
    if (this.coordinator && !this.coordinator.closed) return this.coordinator;
    // Its own connection: a JoinGroup that waits for the other members must not hold up fetches.
    this.coordinator = await this.cluster.dedicated(await this.cluster.coordinator(0, this.options.groupId));
    return this.coordinator;
  }

  private dropCoordinator(): void {
    this.coordinator?.close();
    this.coordinator = undefined;
    this.cluster.forgetCoordinator(0, this.options.groupId);
  }
}
