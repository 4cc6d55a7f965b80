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
import {COOPERATIVE_STICKY, RANGE, type AssignorName, type GroupMemberSettings} from './client-settings.js';
import type {ClusterConnections} from './cluster-connections.js';
import {decodeAssignment} from './groups.js';
import {decodeSubscription, encodeAssignment, encodeSubscription, type Subscription, type TopicPartitions} from '../protocol/consumer-protocol.js';
import {assignCooperativeSticky} from './sticky-assignor.js';
import {kafkaOutOfReach} from './kafka-errors.js';
import {check, type WireConnection} from './wire-connection.js';

const {AssignerProtocol} = kafkajs;

export interface GroupMemberOptions {
  groupId: string;
  topic: string;
  sessionTimeoutMs: number;
  /** How long the coordinator waits for members to rejoin (max.poll.interval.ms's role). */
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** The assignors offered, most preferred first (partition.assignment.strategy; default DEFAULT_ASSIGNORS). */
  assignors?: readonly AssignorName[];
  /**
   * Said when joining keeps failing for a while (the coordinator's broker down or moving): the
   * reason, then undefined once the member joined. A member keeps trying for as long as it runs.
   */
  onJoinTrouble?: (reason: string | undefined) => void;
}

/** How long joins may fail before onJoinTrouble says so: a coordinator move takes a moment. */
const JOIN_TROUBLE_AFTER_MS = 3000;
/** How many times a commit that met a join in progress is sent again (each after that join). */
const MAX_COMMITS_ACROSS_JOINS = 5;
/** OffsetFetch tries while the coordinator moves (about 8 s with the backoff). */
const MAX_OFFSET_FETCHES = 12;

/**
 * The assignors offered unless partition.assignment.strategy says otherwise, most preferred first.
 * The coordinator picks one every member supports (each votes for its most preferred): a group of
 * kcollect members (or Kafka/librdkafka consumers configured for it) rebalances cooperatively; one
 * with a kafkajs consumer falls back to range.
 */
const DEFAULT_ASSIGNORS: readonly AssignorName[] = [COOPERATIVE_STICKY, RANGE];

type MemberTimings = Required<Omit<GroupMemberSettings, 'assignors'>>;

/**
 * A member's settings: `timings` where the client properties say nothing; a heartbeat left to its
 * default beats at least three times per session, as the Java consumer's does.
 */
export function memberSettings(timings: MemberTimings, given: GroupMemberSettings = {}): MemberTimings & Pick<GroupMemberSettings, 'assignors'> {
  const sessionTimeoutMs = given.sessionTimeoutMs ?? timings.sessionTimeoutMs;
  const heartbeatIntervalMs = given.heartbeatIntervalMs ?? Math.min(timings.heartbeatIntervalMs, Math.floor(sessionTimeoutMs / 3));
  if (heartbeatIntervalMs >= sessionTimeoutMs) throw new UserError(`heartbeat.interval.ms ${heartbeatIntervalMs} is not below session.timeout.ms ${sessionTimeoutMs}`, 'a member beats several times per session: e.g. heartbeat.interval.ms at a third of session.timeout.ms');
  return {sessionTimeoutMs, heartbeatIntervalMs, rebalanceTimeoutMs: given.rebalanceTimeoutMs ?? timings.rebalanceTimeoutMs, assignors: given.assignors};
}

/**
 * A failed join worth trying again: the group rebalancing or the coordinator moving (Kafka's
 * answers), or a broker that does not answer or closed the connection (restarting). A refused
 * login or an API the broker lacks is the user's to fix.
 */
function joinRetriable(err: unknown): boolean {
  if (err instanceof KafkaProtocolError) return REJOIN_ERRORS.has(err.info.code) || COORDINATOR_ERRORS.has(err.info.code);
  return kafkaOutOfReach(err);
}

/** The group moved on without this member's generation: rejoin, nothing is lost. */
const REJOIN_ERRORS = new Set<number>([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID]);
/** The coordinator moved or is loading: find it again. */
const COORDINATOR_ERRORS = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);
/** This member's partitions were given away (it was fenced or expired): stop them without committing, and join anew. */
export class PartitionsLostError extends Error {
  constructor(cause: unknown) {
    super(`partitions lost: ${errorMessage(cause)}`, {cause});
  }
}

/** A member's subscription; one that cannot be read subscribes to nothing (it gets no partitions) rather than failing the join. */
function readSubscription(metadata: Buffer): Pick<Subscription, 'topics' | 'ownedPartitions' | 'generationId'> {
  try {
    return decodeSubscription(metadata);
  } catch {
    return {topics: [], ownedPartitions: [], generationId: -1};
  }
}

/**
 * How the member learns of a rebalance between joins: `lost` when the coordinator no longer
 * knows it or its generation (its partitions may already be another member's).
 */
export type OnRebalance = (lost: boolean) => void;

/**
 * One member of a consumer group on our own wire client (the "consumer" protocol, with the
 * cooperative-sticky and range assignors): FindCoordinator, JoinGroup/SyncGroup, a background
 * Heartbeat, OffsetFetch, OffsetCommit with the member's generation, and LeaveGroup. It does not
 * fetch: the caller reads the assigned partitions and commits what its sink confirmed.
 *
 * Under range (eager) the caller stops every partition before joining again. Under
 * cooperative-sticky (KIP-429) it joins again while reading, passing what it owns; the new
 * assignment may lack some of those (the caller revokes them, then joins at once so that they are
 * handed on) and may add partitions nobody owns any more.
 */
export class GroupMember {
  private coordinator?: WireConnection;
  private connecting?: Promise<WireConnection>;
  private memberId = '';
  private generationId = -1;
  /** The assignor of the current generation. */
  private chosen: AssignorName | undefined;
  private joining?: Promise<unknown>;
  /**
   * onJoinTrouble said joins fail; the member's next successful join says it is over. Kept across
   * joins: one that gave up (its partitions lost) is followed by a fresh one, not by a success.
   */
  private troubled = false;
  private heartbeating?: Promise<void>;
  private stopHeartbeat = new AbortController();

  constructor(
    private readonly cluster: ClusterConnections,
    private readonly options: GroupMemberOptions,
  ) {}

  /**
   * Joins (or rejoins) the group and returns the partitions of the topic this member now owns.
   * `owned`: what the caller still reads (cooperative; [] when it stopped everything), told to the
   * leader so that it stays there; if the group dropped this member meanwhile, the join throws
   * PartitionsLostError. `onRebalance` is called once when the heartbeat learns the group is
   * rebalancing (or dropped this member): eager, the caller finishes and commits what it has in
   * hand, then joins again; cooperative, it joins again at once and reads on.
   */
  async join(onRebalance: OnRebalance, signal?: AbortSignal, owned: readonly number[] = []): Promise<number[]> {
    const joining = this.joinRetrying(onRebalance, signal, owned);
    this.joining = joining;
    try {
      return await joining;
    } finally {
      if (this.joining === joining) this.joining = undefined;
    }
  }

  /** The assignor the group chose in the current generation (undefined before the first join). */
  get protocol(): AssignorName | undefined {
    return this.chosen;
  }

  /** True when the group rebalances cooperatively: the caller keeps reading what it owns while joining again. */
  get cooperative(): boolean {
    return this.chosen === COOPERATIVE_STICKY;
  }

  get generation(): number {
    return this.generationId;
  }

  private async joinRetrying(onRebalance: OnRebalance, signal: AbortSignal | undefined, owned: readonly number[]): Promise<number[]> {
    await this.stopHeartbeating();
    const since = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const partitions = await this.joinOnce(owned);
        if (this.troubled) {
          this.troubled = false;
          this.options.onJoinTrouble?.(undefined);
        }
        this.startHeartbeating(onRebalance);
        return partitions;
      } catch (err) {
        // As Kafka's consumers do, a member retries for as long as it runs while the coordinator
        // moves, restarts or loads its groups (a broker restart can take longer than any fixed
        // number of tries): only an answer no retry mends, or a stop, ends the join.
        if (signal?.aborted || !joinRetriable(err)) throw err;
        if (!this.troubled && Date.now() - since >= JOIN_TROUBLE_AFTER_MS) {
          this.troubled = true;
          this.options.onJoinTrouble?.(errorMessage(err));
        }
        const code = err instanceof KafkaProtocolError ? err.info.code : undefined;
        if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION) {
          this.memberId = '';
          // What it owned may be another member's already: the caller stops it, uncommitted.
          if (owned.length > 0) throw new PartitionsLostError(err);
        }
        if (code === undefined || COORDINATOR_ERRORS.has(code)) this.dropCoordinator();
        await sleep(Math.min(50 * 2 ** attempt, 1000), signal);
      }
    }
  }

  /**
   * The committed offsets of `partitions` (-1 where the group has none). Asked again, of the
   * coordinator found anew, while it moves or its connection closed, as Kafka's consumers do.
   */
  async committed(partitions: number[], signal?: AbortSignal): Promise<Map<number, number>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.committedOnce(partitions);
      } catch (err) {
        const code = err instanceof KafkaProtocolError ? err.info.code : undefined;
        const moved = code === undefined ? joinRetriable(err) : COORDINATOR_ERRORS.has(code);
        if (signal?.aborted || !moved || attempt >= MAX_OFFSET_FETCHES) throw err;
        this.dropCoordinator();
        await sleep(Math.min(50 * 2 ** attempt, 1000), signal);
      }
    }
  }

  private async committedOnce(partitions: number[]): Promise<Map<number, number>> {
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
    for (let attempt = 1; ; attempt++) {
      const generation = this.generationId;
      const joining = this.joining;
      try {
        return await this.commitOnce(offsets);
      } catch (err) {
        // Cooperative: the member joins again while it reads, so a commit may meet the group
        // between generations (REBALANCE_IN_PROGRESS until the assignment is out) or cross the
        // join (ILLEGAL_GENERATION): its partitions are still its own, so it commits again once
        // joined, under the new generation. Eager members never commit while joining.
        const code = err instanceof KafkaProtocolError ? err.info.code : undefined;
        const between = code === ErrorCode.REBALANCE_IN_PROGRESS || code === ErrorCode.ILLEGAL_GENERATION;
        const pending = this.joining ?? joining;
        if (!between || attempt >= MAX_COMMITS_ACROSS_JOINS || (pending === undefined && this.generationId === generation)) throw err;
        await pending?.catch(() => undefined);
      }
    }
  }

  private async commitOnce(offsets: ReadonlyMap<number, number>): Promise<void> {
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

  private async joinOnce(owned: readonly number[]): Promise<number[]> {
    const {groupId, topic} = this.options;
    const conn = await this.connection();
    const joinVersion = conn.pick(JoinGroup, [1, 5]);
    // The coordinator holds a join until the group's members joined, up to the rebalance timeout.
    const join = async () =>
      conn.request(JoinGroup, joinVersion, {
        groupId,
        sessionTimeoutMs: this.options.sessionTimeoutMs,
        rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: (this.options.assignors ?? DEFAULT_ASSIGNORS).map((name) => ({
          name,
          metadata:
            name === COOPERATIVE_STICKY
              ? encodeSubscription({topics: [topic], ownedPartitions: owned.length > 0 ? [{topic, partitions: [...owned]}] : [], generationId: owned.length > 0 ? this.generationId : -1})
              : AssignerProtocol.MemberMetadata.encode({version: 0, topics: [topic], userData: Buffer.alloc(0)}),
        })),
      }, {waitsMs: this.options.rebalanceTimeoutMs});
    let res = await join();
    // JoinGroup v4+: the first join only hands out a member id.
    if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = res.memberId;
      res = await join();
    }
    check(res.errorCode, `join group ${groupId}`);
    this.memberId = res.memberId;
    this.generationId = res.generationId;
    this.chosen = res.protocolName === COOPERATIVE_STICKY ? COOPERATIVE_STICKY : RANGE;
    const members: Array<{memberId: string; metadata: Buffer}> = res.members;
    let assignments: Array<{memberId: string; assignment: Buffer}> = [];
    if (res.leader === res.memberId) assignments = this.cooperative ? await this.assignSticky(members) : await this.assign(members.map((m) => m.memberId));
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

  /**
   * The cooperative-sticky assignor over every topic the members subscribe to (a Kafka or
   * librdkafka member may read others), each topic among its subscribers.
   */
  private async assignSticky(members: Array<{memberId: string; metadata: Buffer}>): Promise<Array<{memberId: string; assignment: Buffer}>> {
    const subscriptions = members.map((m) => ({memberId: m.memberId, ...readSubscription(m.metadata)}));
    const out = new Map<string, TopicPartitions[]>(members.map((m) => [m.memberId, []]));
    for (const topic of [...new Set(subscriptions.flatMap((s) => s.topics))].sort()) {
      const partitions = await this.cluster.topicLeaders(topic).then(
        (leaders) => leaders.map((l) => l.partition),
        // A topic that does not exist (yet) has nothing to assign; the others still do.
        () => [],
      );
      if (partitions.length === 0) continue;
      const subscribers = subscriptions
        .filter((s) => s.topics.includes(topic))
        .map((s) => ({memberId: s.memberId, owned: s.ownedPartitions.filter((o) => o.topic === topic).flatMap((o) => o.partitions), generation: s.generationId}));
      for (const [memberId, mine] of assignCooperativeSticky(partitions, subscribers).assignment) if (mine.length > 0) out.get(memberId)!.push({topic, partitions: mine});
    }
    return [...out].map(([memberId, assigned]) => ({memberId, assignment: encodeAssignment(assigned)}));
  }

  private startHeartbeating(onRebalance: OnRebalance): void {
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
            return onRebalance(res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || res.errorCode === ErrorCode.ILLEGAL_GENERATION);
          }
        } catch {
          // The coordinator went away: rejoining finds the new one.
          this.dropCoordinator();
          return onRebalance(false);
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
    // Callers at the same moment (a commit, a heartbeat) share it: a second would be left open.
    this.connecting ??= this.cluster
      .coordinator(0, this.options.groupId)
      .then((node) => this.cluster.dedicated(node))
      .finally(() => (this.connecting = undefined));
    return (this.coordinator = await this.connecting);
  }

  private dropCoordinator(): void {
    this.coordinator?.close();
    this.coordinator = undefined;
    this.cluster.forgetCoordinator(0, this.options.groupId);
  }
}
