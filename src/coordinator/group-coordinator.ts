import {ErrorCode} from '../protocol/errors.js';
import {type Clock, type TimerHandle, systemClock} from './clock.js';
import {type GroupStore, type GroupStoreState, MemoryGroupStore, type StoredOffset} from './group-store.js';

/**
 * The classic consumer-group coordinator (Kafka's GroupCoordinator / GroupMetadata, pre-KIP-848):
 * pure logic, no sockets. JoinGroup and SyncGroup are long polls: their promises resolve when
 * the rebalance step they wait for completes. Everything else answers at once.
 */

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  /** "" for a member joining for the first time. */
  memberId: string;
  groupInstanceId?: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  /** JoinGroup v0 has none: pass -1 (or leave out) and the session timeout stands in. */
  rebalanceTimeoutMs?: number;
  protocolType: string;
  protocols: GroupProtocol[];
  /** JoinGroup v4+ (KIP-394): an unknown member first gets MEMBER_ID_REQUIRED and an id. */
  requireKnownMemberId: boolean;
  /** The client's connection: when it goes away a parked new member is dropped at once. */
  signal?: AbortSignal;
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string;
  leader: string;
  memberId: string;
  /** Every member's metadata for the chosen protocol, for the leader only; [] for followers. */
  members: JoinGroupMember[];
}

export interface SyncGroupRequest {
  groupId: string;
  memberId: string;
  generationId: number;
  groupInstanceId?: string | null;
  /** SyncGroup v5+; null/undefined skips the check. */
  protocolType?: string | null;
  protocolName?: string | null;
  /** Only the leader sends assignments; followers send []. */
  assignments: Array<{memberId: string; assignment: Buffer}>;
  signal?: AbortSignal;
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  memberId: string;
  generationId: number;
  groupInstanceId?: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  members: Array<{memberId: string; groupInstanceId?: string | null}>;
}

export interface LeaveGroupResult {
  errorCode: number;
  members: Array<{memberId: string; groupInstanceId: string | null; errorCode: number}>;
}

export interface OffsetCommitRequest {
  groupId: string;
  /** "" with generation -1: a standalone (assign()) consumer or an admin tool. */
  memberId: string;
  generationId: number;
  groupInstanceId?: string | null;
  offsets: Array<{topic: string; partition: number; offset: number; leaderEpoch?: number; metadata?: string | null}>;
}

export interface PartitionError {
  topic: string;
  partition: number;
  errorCode: number;
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  /** -1 when nothing was committed. */
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface OffsetFetchResult {
  errorCode: number;
  offsets: FetchedOffset[];
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  state: GroupState;
  protocolType: string;
  /** The chosen protocol (assignor); "" unless Stable. */
  protocol: string;
  members: Array<{
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    /** Metadata and assignment are filled only while Stable, as in Kafka. */
    metadata: Buffer;
    assignment: Buffer;
  }>;
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

export interface GroupCoordinatorOptions {
  clock?: Clock;
  store?: GroupStore;
  /** group.initial.rebalance.delay.ms (Kafka default 3000). */
  initialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs?: number;
  /** offset.metadata.max.bytes */
  maxOffsetMetadataBytes?: number;
  /** Where commit-store failures are reported; the client sees COORDINATOR_NOT_AVAILABLE. */
  onStoreError?: (err: unknown) => void;
}

/** A new member that joined but whose rebalance never finished is dropped after this (Kafka). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

const EMPTY = Buffer.alloc(0);

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  assignment: Buffer;
  /** Joined since the last completed rebalance: its parked JoinGroup runs on the 5-minute timer. */
  isNew: boolean;
  joinWaiter: ((r: JoinGroupResult) => void) | null;
  syncWaiter: ((r: SyncGroupResult) => void) | null;
  sessionTimer: TimerHandle | null;
}

interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Insertion-ordered: the next leader is the oldest member, as in Kafka. */
  readonly members = new Map<string, Member>();
  /** Ids handed out with MEMBER_ID_REQUIRED, not yet used to rejoin; value: expiry timer. */
  readonly pending = new Map<string, TimerHandle>();
  /** group.instance.id -> member id */
  readonly staticMembers = new Map<string, string>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  joinTimer: TimerHandle | null = null;
  syncTimer: TimerHandle | null = null;
  /** InitialDelayedJoin running: completion waits for the timer, not for "everyone joined". */
  initialDelay = false;
  newMemberAdded = false;
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();

  constructor(readonly groupId: string) {}

  get awaitingJoinCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.joinWaiter) n++;
    return n;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pending.size === 0;
  }

  rebalanceTimeoutMs(): number {
    let t = 0;
    for (const m of this.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
    return t;
  }

  isStaticMemberFenced(memberId: string, groupInstanceId: string | null | undefined): boolean {
    if (!groupInstanceId) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  hasOffsets(): boolean {
    for (const m of this.offsets.values()) if (m.size > 0) return true;
    return false;
  }

  /** Protocols every current member (but `except`) supports, in `names` order. */
  commonProtocols(names: string[], except?: string): string[] {
    const others = [...this.members.values()].filter((m) => m.memberId !== except);
    return names.filter((n) => others.every((m) => m.protocols.some((p) => p.name === n)));
  }

  /**
   * Kafka's supportsProtocols: an empty group takes any non-empty type and list; otherwise the
   * type must match and at least one protocol must be supported by all the other members.
   */
  supportsProtocols(protocolType: string, names: string[], except?: string): boolean {
    const others = [...this.members.keys()].filter((id) => id !== except);
    if (others.length === 0) return protocolType !== '' && names.length > 0;
    return this.protocolType === protocolType && this.commonProtocols(names, except).length > 0;
  }

  /** Each member votes for its most preferred protocol that all members support. */
  selectProtocol(): string {
    const members = [...this.members.values()];
    const all = members[0]!.protocols.map((p) => p.name);
    const candidates = this.commonProtocols(all);
    // Join-time checks keep at least one protocol common to all members; never crash if not.
    if (candidates.length === 0) return all[0] ?? '';
    const votes = new Map<string, number>();
    for (const m of members) {
      const choice = m.protocols.find((p) => candidates.includes(p.name))!.name;
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    // Ties go to the candidate listed first by the oldest member: deterministic.
    let best = candidates[0]!;
    for (const c of candidates) if ((votes.get(c) ?? 0) > (votes.get(best) ?? 0)) best = c;
    return best;
  }
}

function metadataFor(m: Member, protocol: string | null): Buffer {
  return m.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
}

function sameProtocols(a: GroupProtocol[], b: GroupProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}

function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return {errorCode, generationId: -1, protocolType: null, protocolName: '', leader: '', memberId, members: []};
}

function syncError(errorCode: number): SyncGroupResult {
  return {errorCode, protocolType: null, protocolName: null, assignment: EMPTY};
}

function copyBuffer(b: Buffer | null | undefined): Buffer {
  // Request buffers are views into a connection's frame: copy, or we pin the whole frame.
  return b && b.length > 0 ? Buffer.from(b) : EMPTY;
}

export class GroupCoordinator {
  private readonly clock: Clock;
  private readonly store: GroupStore;
  private readonly initialRebalanceDelayMs: number;
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private readonly maxOffsetMetadataBytes: number;
  private readonly onStoreError: (err: unknown) => void;
  private readonly groups = new Map<string, Group>();
  /** TxnOffsetCommit offsets by producer, then group: committed when the producer's COMMIT marker reaches the group's partition. */
  private readonly txnOffsets = new Map<number, Map<string, StoredOffset[]>>();
  private closed = false;

  constructor(opts: GroupCoordinatorOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.store = opts.store ?? new MemoryGroupStore();
    this.initialRebalanceDelayMs = opts.initialRebalanceDelayMs ?? 3000;
    this.minSessionTimeoutMs = opts.minSessionTimeoutMs ?? 6000;
    this.maxSessionTimeoutMs = opts.maxSessionTimeoutMs ?? 1_800_000;
    this.maxOffsetMetadataBytes = opts.maxOffsetMetadataBytes ?? 4096;
    this.onStoreError = opts.onStoreError ?? (() => {});
    this.applyState(this.store.load());
  }

  // ---------------------------------------------------------------- JoinGroup

  join(req: JoinGroupRequest): Promise<JoinGroupResult> {
    return new Promise((settle) => {
      let group: Group | undefined;
      const resolve = guardWithSignal(req.signal, settle, () => {
        if (group) this.onJoinAborted(group, resolve);
      });
      if (this.closed) return resolve(joinError(req.memberId, ErrorCode.NOT_COORDINATOR));
      if (!req.groupId) return resolve(joinError(req.memberId, ErrorCode.INVALID_GROUP_ID));
      if (req.sessionTimeoutMs < this.minSessionTimeoutMs || req.sessionTimeoutMs > this.maxSessionTimeoutMs) {
        return resolve(joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
      }
      const isUnknown = req.memberId === '';
      group = this.groups.get(req.groupId);
      let created = false;
      if (!group) {
        // Only a member without an id may create a group: a known id in an unknown group is stale.
        if (!isUnknown) return resolve(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
        group = this.createGroup(req.groupId);
        created = true;
      }
      const params = {
        ...req,
        groupInstanceId: req.groupInstanceId || null,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs !== undefined && req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
        protocols: req.protocols.map((p) => ({name: p.name, metadata: copyBuffer(p.metadata)})),
      };
      if (isUnknown) this.joinUnknown(group, params, resolve);
      else this.joinKnown(group, params, resolve);
      if (created && group.members.size === 0 && group.pending.size === 0 && !group.hasOffsets() && group.state === 'Empty') {
        // A rejected first join must not leave an empty group behind in ListGroups.
        this.groups.delete(group.groupId);
      }
      if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
    });
  }

  private joinUnknown(group: Group, req: JoinParams, resolve: (r: JoinGroupResult) => void): void {
    const names = req.protocols.map((p) => p.name);
    const staticId = req.groupInstanceId ? group.staticMembers.get(req.groupInstanceId) : undefined;
    if (!group.supportsProtocols(req.protocolType, names, staticId)) {
      return resolve(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const newMemberId = `${req.groupInstanceId ?? req.clientId}-${crypto.randomUUID()}`; // Web Crypto: node:crypto slows the broker's start
    if (staticId !== undefined) {
      // A static member restarted: it takes over its old slot under a new id, without a
      // rebalance if nothing changed (KIP-345).
      const old = group.members.get(staticId)!;
      const leaderBefore = group.leaderId;
      this.replaceMemberId(group, old, newMemberId);
      const member = group.members.get(newMemberId)!;
      const changed = !sameProtocols(member.protocols, req.protocols);
      this.updateMember(member, req);
      this.scheduleSession(group, member);
      if ((group.state === 'Stable' || group.state === 'CompletingRebalance') && !changed) {
        // The old leader id goes back, so a replaced leader does not compute an assignment
        // nobody would receive.
        return resolve({
          errorCode: ErrorCode.NONE,
          generationId: group.generationId,
          protocolType: group.protocolType,
          protocolName: group.protocolName ?? '',
          leader: leaderBefore ?? '',
          memberId: newMemberId,
          members: [],
        });
      }
      this.setJoinWaiter(member, resolve);
      this.maybePrepareRebalance(group);
      return;
    }
    if (req.requireKnownMemberId && !req.groupInstanceId) {
      group.pending.set(
        newMemberId,
        this.clock.setTimeout(() => this.onPendingExpired(group, newMemberId), req.sessionTimeoutMs),
      );
      return resolve(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    this.addMemberAndRebalance(group, req, newMemberId, resolve);
  }

  private joinKnown(group: Group, req: JoinParams, resolve: (r: JoinGroupResult) => void): void {
    const names = req.protocols.map((p) => p.name);
    if (!group.supportsProtocols(req.protocolType, names, req.memberId)) {
      return resolve(joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.pending.has(req.memberId)) {
      this.clock.clearTimeout(group.pending.get(req.memberId)!);
      group.pending.delete(req.memberId);
      return this.addMemberAndRebalance(group, req, req.memberId, resolve);
    }
    if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) {
      return resolve(joinError(req.memberId, ErrorCode.FENCED_INSTANCE_ID));
    }
    const member = group.members.get(req.memberId);
    if (!member || (req.groupInstanceId && !group.staticMembers.has(req.groupInstanceId))) {
      return resolve(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req, resolve);
      case 'CompletingRebalance':
        if (sameProtocols(member.protocols, req.protocols)) {
          // Probably lost the JoinGroup response: hand the current generation back.
          this.scheduleSession(group, member);
          return resolve(this.joinResultFor(group, member));
        }
        return this.updateMemberAndRebalance(group, member, req, resolve);
      case 'Stable':
        // The leader rejoining is how a client asks for a rebalance (e.g. topic metadata changed).
        if (group.leaderId === member.memberId || !sameProtocols(member.protocols, req.protocols)) {
          return this.updateMemberAndRebalance(group, member, req, resolve);
        }
        this.scheduleSession(group, member);
        return resolve({...this.joinResultFor(group, member), members: []});
      default:
        return resolve(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(group: Group, req: JoinParams, memberId: string, resolve: (r: JoinGroupResult) => void): void {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: EMPTY,
      isNew: true,
      joinWaiter: null,
      syncWaiter: null,
      sessionTimer: null,
    };
    // Kafka checks generation 0; an initial delay that is still running is the same intent and
    // also holds for groups reloaded from disk with a higher generation.
    if (group.state === 'PreparingRebalance' && group.initialDelay) group.newMemberAdded = true;
    if (group.members.size === 0) group.protocolType = req.protocolType;
    group.members.set(memberId, member);
    group.leaderId ??= memberId;
    if (member.groupInstanceId) group.staticMembers.set(member.groupInstanceId, memberId);
    member.joinWaiter = resolve;
    // A new member cannot heartbeat while its JoinGroup is parked, and a client that gave up
    // and retried would leave a defunct member behind: bound the wait instead.
    this.scheduleSession(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(group);
  }

  private updateMemberAndRebalance(group: Group, member: Member, req: JoinParams, resolve: (r: JoinGroupResult) => void): void {
    this.updateMember(member, req);
    this.setJoinWaiter(member, resolve);
    this.maybePrepareRebalance(group);
  }

  private updateMember(member: Member, req: JoinParams): void {
    member.protocols = req.protocols;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
  }

  private setJoinWaiter(member: Member, resolve: (r: JoinGroupResult) => void): void {
    // A second JoinGroup from the same member replaces the first; answer the first so a
    // pipelined connection is not stuck behind it forever.
    const previous = member.joinWaiter;
    member.joinWaiter = resolve;
    previous?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
  }

  private replaceMemberId(group: Group, old: Member, newMemberId: string): void {
    this.clearSession(old);
    old.joinWaiter?.(joinError(old.memberId, ErrorCode.FENCED_INSTANCE_ID));
    old.syncWaiter?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    old.joinWaiter = null;
    old.syncWaiter = null;
    // Rebuild the map so the member keeps its place in the leader succession order.
    const entries = [...group.members.entries()].map(([id, m]): [string, Member] => [id === old.memberId ? newMemberId : id, m]);
    group.members.clear();
    for (const [id, m] of entries) group.members.set(id, m);
    if (group.pendingSync.delete(old.memberId)) group.pendingSync.add(newMemberId);
    if (group.leaderId === old.memberId) group.leaderId = newMemberId;
    old.memberId = newMemberId;
    group.staticMembers.set(old.groupInstanceId!, newMemberId);
  }

  /**
   * The client's connection went away while its JoinGroup was parked. A new member would hold
   * the rebalance up until the rebalance timeout for nobody, so it goes (Kafka cannot see this,
   * its sockets are muted, and relies on the 5-minute new-member timer). A known member stays:
   * it counts as rejoined, and its session timer removes it after the rebalance if it is gone.
   */
  private onJoinAborted(group: Group, waiter: (r: JoinGroupResult) => void): void {
    if (this.groups.get(group.groupId) !== group) return;
    for (const m of group.members.values()) {
      if (m.joinWaiter === waiter && m.isNew) return this.removeMemberAndUpdateGroup(group, m);
    }
  }

  private joinResultFor(group: Group, member: Member): JoinGroupResult {
    const isLeader = group.leaderId === member.memberId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName ?? '',
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: metadataFor(m, group.protocolName),
          }))
        : [],
    };
  }

  // ---------------------------------------------------------------- rebalance

  private maybePrepareRebalance(group: Group): void {
    if (group.state === 'Stable' || group.state === 'CompletingRebalance' || group.state === 'Empty') {
      this.prepareRebalance(group);
    }
  }

  private prepareRebalance(group: Group): void {
    // Members parked in SyncGroup must rejoin: their generation is over.
    if (group.state === 'CompletingRebalance') this.propagateAssignment(group, ErrorCode.REBALANCE_IN_PROGRESS, true);
    this.clearSyncTimer(group);
    group.pendingSync.clear();
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    this.clearJoinTimer(group);
    if (wasEmpty && this.initialRebalanceDelayMs > 0) {
      // InitialDelayedJoin: give the other consumers of a starting application time to arrive,
      // so the group does not rebalance once per member.
      const delay = this.initialRebalanceDelayMs;
      group.initialDelay = true;
      group.newMemberAdded = false;
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
    } else {
      group.joinTimer = this.clock.setTimeout(() => this.completeJoin(group), group.rebalanceTimeoutMs());
      this.tryCompleteJoin(group);
    }
  }

  private scheduleInitialJoin(group: Group, delayMs: number, remainingMs: number): void {
    group.joinTimer = this.clock.setTimeout(() => {
      group.joinTimer = null;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const next = Math.min(this.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, next, Math.max(remainingMs - delayMs, 0));
      } else {
        this.completeJoin(group);
      }
    }, delayMs);
  }

  private tryCompleteJoin(group: Group): void {
    if (group.state === 'PreparingRebalance' && !group.initialDelay && group.hasAllMembersJoined()) this.completeJoin(group);
  }

  /** Kafka's onCompleteJoin: everyone rejoined, or the rebalance timeout ran out. */
  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || this.groups.get(group.groupId) !== group) return;
    this.clearJoinTimer(group);
    group.initialDelay = false;
    group.newMemberAdded = false;
    for (const m of [...group.members.values()]) {
      // Dynamic members that did not rejoin in time are out; static ones keep their slot until
      // their session expires.
      if (!m.joinWaiter && !m.groupInstanceId) this.removeMember(group, m);
    }
    if (group.members.size > 0 && !this.electJoinedLeader(group)) {
      // Only static members that have not rejoined: wait another round for their sessions.
      group.joinTimer = this.clock.setTimeout(() => this.completeJoin(group), group.rebalanceTimeoutMs());
      return;
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.state = 'Empty';
      this.persistGroup(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.state = 'CompletingRebalance';
    this.persistGroup(group);
    for (const m of group.members.values()) group.pendingSync.add(m.memberId);
    const generation = group.generationId;
    group.syncTimer = this.clock.setTimeout(() => this.onSyncExpired(group, generation), group.rebalanceTimeoutMs());
    for (const m of group.members.values()) {
      const waiter = m.joinWaiter;
      m.joinWaiter = null;
      m.isNew = false;
      this.scheduleSession(group, m);
      waiter?.(this.joinResultFor(group, m));
    }
  }

  private electJoinedLeader(group: Group): boolean {
    const leader = group.leaderId ? group.members.get(group.leaderId) : undefined;
    if (leader?.joinWaiter) return true;
    for (const m of group.members.values()) {
      if (m.joinWaiter) {
        group.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /** DelayedSync: members that never sent SyncGroup for this generation are dropped. */
  private onSyncExpired(group: Group, generation: number): void {
    group.syncTimer = null;
    if (this.groups.get(group.groupId) !== group || group.generationId !== generation) return;
    if (group.state !== 'CompletingRebalance' && group.state !== 'Stable') return;
    if (group.pendingSync.size === 0) return;
    for (const id of [...group.pendingSync]) {
      const m = group.members.get(id);
      if (m) this.removeMember(group, m);
    }
    this.prepareRebalance(group);
  }

  /**
   * Answers every member parked in SyncGroup. `reset` drops the assignments (a rebalance cut
   * the generation short).
   */
  private propagateAssignment(group: Group, errorCode: number, reset: boolean): void {
    for (const m of group.members.values()) {
      if (reset) m.assignment = EMPTY;
      const waiter = m.syncWaiter;
      if (!waiter) continue;
      m.syncWaiter = null;
      // A session that ran out while parked was ignored; start it again from now.
      this.scheduleSession(group, m);
      waiter(
        errorCode === ErrorCode.NONE
          ? {errorCode, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment}
          : syncError(errorCode),
      );
    }
  }

  // ---------------------------------------------------------------- SyncGroup

  sync(req: SyncGroupRequest): Promise<SyncGroupResult> {
    return new Promise((settle) => {
      let parkedOn: Member | undefined;
      let group: Group | undefined;
      const resolve = guardWithSignal(req.signal, settle, () => {
        // Gone before the assignment came: just stop waiting; the member stays until its
        // session or the sync timeout says otherwise.
        if (parkedOn?.syncWaiter === resolve && group?.members.get(parkedOn.memberId) === parkedOn) {
          parkedOn.syncWaiter = null;
          // Its session was on hold while parked: restart it so a vanished client expires.
          this.scheduleSession(group, parkedOn);
          resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
        }
      });
      if (this.closed) return resolve(syncError(ErrorCode.NOT_COORDINATOR));
      if (!req.groupId) return resolve(syncError(ErrorCode.INVALID_GROUP_ID));
      group = this.groups.get(req.groupId);
      if (!group) return resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      // A pending member has an id but no generation yet: it must (re)join first.
      if (group.pending.has(req.memberId)) return resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) return resolve(syncError(ErrorCode.FENCED_INSTANCE_ID));
      const member = group.members.get(req.memberId);
      if (!member) return resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      if (req.generationId !== group.generationId) return resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
      if ((req.protocolType != null && req.protocolType !== group.protocolType) || (req.protocolName != null && req.protocolName !== group.protocolName)) {
        return resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      }
      switch (group.state) {
        case 'PreparingRebalance':
          return resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        case 'CompletingRebalance': {
          const previous = member.syncWaiter;
          member.syncWaiter = resolve;
          previous?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          parkedOn = member;
          this.removePendingSync(group, member.memberId);
          if (group.leaderId === member.memberId) {
            const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
            // Members the leader left out get empty bytes, never a missing answer.
            for (const m of group.members.values()) m.assignment = copyBuffer(given.get(m.memberId));
            group.state = 'Stable';
            this.persistGroup(group);
            this.propagateAssignment(group, ErrorCode.NONE, false);
          }
          return;
        }
        case 'Stable':
          this.removePendingSync(group, member.memberId);
          this.scheduleSession(group, member);
          return resolve({errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment});
        default:
          return resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      }
    });
  }

  private removePendingSync(group: Group, memberId: string): void {
    group.pendingSync.delete(memberId);
    if (group.pendingSync.size === 0) this.clearSyncTimer(group);
  }

  // ---------------------------------------------------------------- Heartbeat

  heartbeat(req: HeartbeatRequest): number {
    if (this.closed) return ErrorCode.NOT_COORDINATOR;
    if (!req.groupId) return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(req.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(req.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'PreparingRebalance':
        // How members learn they must rejoin.
        this.scheduleSession(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        // Clients may heartbeat between their JoinGroup and SyncGroup: a normal heartbeat.
        this.scheduleSession(group, member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  // ---------------------------------------------------------------- LeaveGroup

  leave(req: LeaveGroupRequest): LeaveGroupResult {
    if (this.closed) return {errorCode: ErrorCode.NOT_COORDINATOR, members: []};
    if (!req.groupId) return {errorCode: ErrorCode.INVALID_GROUP_ID, members: []};
    const group = this.groups.get(req.groupId);
    const out = (m: {memberId: string; groupInstanceId?: string | null}, errorCode: number) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId ?? null,
      errorCode,
    });
    if (!group) return {errorCode: ErrorCode.NONE, members: req.members.map((m) => out(m, ErrorCode.UNKNOWN_MEMBER_ID))};
    const members = req.members.map((m) => {
      if (m.memberId !== '' && group.isStaticMemberFenced(m.memberId, m.groupInstanceId)) return out(m, ErrorCode.FENCED_INSTANCE_ID);
      if (group.pending.has(m.memberId)) {
        this.removePending(group, m.memberId);
        return out(m, ErrorCode.NONE);
      }
      const staticId = m.groupInstanceId ? group.staticMembers.get(m.groupInstanceId) : undefined;
      const member = group.members.get(staticId ?? m.memberId);
      if (!member) return out(m, ErrorCode.UNKNOWN_MEMBER_ID);
      this.removeMemberAndUpdateGroup(group, member);
      return out(m, ErrorCode.NONE);
    });
    return {errorCode: ErrorCode.NONE, members};
  }

  // ---------------------------------------------------------------- membership helpers

  private scheduleSession(group: Group, member: Member, timeoutMs = member.sessionTimeoutMs): void {
    this.clearSession(member);
    member.sessionTimer = this.clock.setTimeout(() => {
      member.sessionTimer = null;
      this.onSessionExpired(group, member);
    }, timeoutMs);
  }

  private clearSession(member: Member): void {
    if (member.sessionTimer) this.clock.clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
  }

  private onSessionExpired(group: Group, member: Member): void {
    if (this.groups.get(group.groupId) !== group || group.members.get(member.memberId) !== member) return;
    // Members parked in a rebalance step cannot heartbeat and count as alive (Kafka's
    // shouldKeepAlive); their session restarts when the step completes. A new member parked
    // in JoinGroup is the exception: it is on the 5-minute new-member timer.
    if (!member.isNew && (member.joinWaiter || member.syncWaiter)) return;
    this.removeMemberAndUpdateGroup(group, member);
  }

  private onPendingExpired(group: Group, memberId: string): void {
    if (this.groups.get(group.groupId) !== group || !group.pending.has(memberId)) return;
    group.pending.delete(memberId);
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
  }

  private removePending(group: Group, memberId: string): void {
    const t = group.pending.get(memberId);
    if (t) this.clock.clearTimeout(t);
    group.pending.delete(memberId);
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
  }

  /** Removes a member without touching the group's state machine. */
  private removeMember(group: Group, member: Member): void {
    this.clearSession(member);
    group.members.delete(member.memberId);
    if (member.groupInstanceId && group.staticMembers.get(member.groupInstanceId) === member.memberId) {
      group.staticMembers.delete(member.groupInstanceId);
    }
    group.pendingSync.delete(member.memberId);
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
  }

  private removeMemberAndUpdateGroup(group: Group, member: Member): void {
    // Answer a parked request first: UNKNOWN_MEMBER_ID makes a still-running client rejoin.
    const joinWaiter = member.joinWaiter;
    const syncWaiter = member.syncWaiter;
    member.joinWaiter = null;
    member.syncWaiter = null;
    this.removeMember(group, member);
    joinWaiter?.(joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    syncWaiter?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group);
        break;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- offsets

  commitOffsets(req: OffsetCommitRequest): PartitionError[] {
    const all = (errorCode: number) => req.offsets.map((o) => ({topic: o.topic, partition: o.partition, errorCode}));
    if (this.closed) return all(ErrorCode.NOT_COORDINATOR);
    let group = this.groups.get(req.groupId);
    if (!group) {
      // A group that does not exist can only be a standalone consumer's; a generation >= 0
      // means a member of a group that is gone.
      if (req.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      group = this.createGroup(req.groupId);
    }
    if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) return all(ErrorCode.FENCED_INSTANCE_ID);
    let member: Member | undefined;
    if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId) {
      member = group.members.get(req.memberId);
      if (!member) return all(ErrorCode.UNKNOWN_MEMBER_ID);
      if (req.generationId !== group.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
    } else if (group.state !== 'Empty') {
      // Once the group has members only they may commit.
      return all(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    // Valid member and generation, but the assignment is not out yet.
    if (group.state === 'CompletingRebalance') return all(ErrorCode.REBALANCE_IN_PROGRESS);
    if (member) this.scheduleSession(group, member);

    const now = this.clock.now();
    const results: PartitionError[] = [];
    const accepted: StoredOffset[] = [];
    for (const o of req.offsets) {
      const metadata = o.metadata ?? '';
      if (Buffer.byteLength(metadata) > this.maxOffsetMetadataBytes) {
        results.push({topic: o.topic, partition: o.partition, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE});
        continue;
      }
      accepted.push({topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch ?? -1, metadata, commitTimestamp: now});
      results.push({topic: o.topic, partition: o.partition, errorCode: ErrorCode.NONE});
    }
    if (accepted.length > 0) {
      try {
        this.store.appendOffsets(group.groupId, accepted);
      } catch (err) {
        // Not durable, so not committed: the client retries (15 is retriable).
        this.onStoreError(err);
        return results.map((r) => (r.errorCode === ErrorCode.NONE ? {...r, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE} : r));
      }
      for (const o of accepted) this.setOffset(group, o);
    }
    return results;
  }

  /**
   * TxnOffsetCommit: the offsets are written now (in a transactional batch of the producer) but
   * count only once the transaction commits; an abort drops them. A member's commit is checked
   * against the group's generation as OffsetCommit's is; a producer outside any group (-1, "") may commit too.
   */
  commitTransactionalOffsets(req: OffsetCommitRequest & {producerId: number; producerEpoch: number}): PartitionError[] {
    const all = (errorCode: number) => req.offsets.map((o) => ({topic: o.topic, partition: o.partition, errorCode}));
    if (this.closed) return all(ErrorCode.NOT_COORDINATOR);
    const group = this.groups.get(req.groupId);
    if (group && req.generationId >= 0) {
      if (!group.members.has(req.memberId)) return all(ErrorCode.UNKNOWN_MEMBER_ID);
      if (req.generationId !== group.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
    }
    const now = this.clock.now();
    const offsets = req.offsets.map((o) => ({topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch ?? -1, metadata: o.metadata ?? '', commitTimestamp: now}));
    const tooLarge = offsets.find((o) => Buffer.byteLength(o.metadata) > this.maxOffsetMetadataBytes);
    if (tooLarge) return all(ErrorCode.OFFSET_METADATA_TOO_LARGE);
    try {
      this.store.appendOffsets(req.groupId, offsets, {producerId: req.producerId, producerEpoch: req.producerEpoch});
    } catch (err) {
      this.onStoreError(err);
      return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    if (!this.groups.has(req.groupId)) this.createGroup(req.groupId);
    this.holdTxnOffsets(req.producerId, req.groupId, offsets);
    return all(ErrorCode.NONE);
  }

  /** The producer's marker reached a __consumer_offsets partition: its offsets for the groups `owns` selects commit or vanish. */
  completeTransactionalOffsets(producerId: number, commit: boolean, owns: (groupId: string) => boolean): void {
    const byGroup = this.txnOffsets.get(producerId);
    if (!byGroup) return;
    for (const [groupId, offsets] of byGroup) {
      if (!owns(groupId)) continue;
      byGroup.delete(groupId);
      const group = this.groups.get(groupId);
      if (commit && group) for (const o of offsets) this.setOffset(group, o);
      // The offsets store learns about committed offsets when it reloads; deletes need to know them now.
      if (commit) this.store.committedTransactionally?.(groupId, offsets);
    }
    if (byGroup.size === 0) this.txnOffsets.delete(producerId);
  }

  /** OffsetFetch with require_stable (KIP-447): a partition with offsets waiting for a transaction is not stable yet. */
  hasPendingTxnOffset(groupId: string, topic: string, partition: number): boolean {
    for (const byGroup of this.txnOffsets.values()) if (byGroup.get(groupId)?.some((o) => o.topic === topic && o.partition === partition)) return true;
    return false;
  }

  private holdTxnOffsets(producerId: number, groupId: string, offsets: StoredOffset[]): void {
    let byGroup = this.txnOffsets.get(producerId);
    if (!byGroup) this.txnOffsets.set(producerId, (byGroup = new Map()));
    const held = (byGroup.get(groupId) ?? []).filter((h) => !offsets.some((o) => o.topic === h.topic && o.partition === h.partition));
    byGroup.set(groupId, [...held, ...offsets]);
  }

  /** `partitions` null: every partition the group has committed (OffsetFetch v2+ null topics). */
  fetchOffsets(groupId: string, partitions: Array<{topic: string; partition: number}> | null): OffsetFetchResult {
    if (this.closed) return {errorCode: ErrorCode.NOT_COORDINATOR, offsets: []};
    // An unknown group is not an error: its offsets are simply not committed yet.
    const group = this.groups.get(groupId);
    const fetched = (topic: string, partition: number): FetchedOffset => {
      const c = group?.offsets.get(topic)?.get(partition);
      return c
        ? {topic, partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: ErrorCode.NONE}
        : {topic, partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE};
    };
    if (partitions) return {errorCode: ErrorCode.NONE, offsets: partitions.map((p) => fetched(p.topic, p.partition))};
    const offsets: FetchedOffset[] = [];
    for (const [topic, m] of group?.offsets ?? []) {
      for (const partition of [...m.keys()].sort((a, b) => a - b)) offsets.push(fetched(topic, partition));
    }
    return {errorCode: ErrorCode.NONE, offsets};
  }

  /**
   * Groups and offsets kept in an old layout (groups.log, ZooKeeper's /consumers): written to the
   * store and taken over, except where the store already holds the group's offset, which is newer.
   */
  migrate(state: GroupStoreState): void {
    if (this.closed) return;
    for (const g of state.groups) {
      if (this.groups.has(g.groupId)) continue;
      try {
        this.store.saveGroup(g);
      } catch (err) {
        this.onStoreError(err);
        continue;
      }
      this.applyState({groups: [g], offsets: []});
    }
    const byGroup = new Map<string, StoredOffset[]>();
    for (const {groupId, ...o} of state.offsets) {
      if (this.groups.get(groupId)?.offsets.get(o.topic)?.has(o.partition)) continue;
      byGroup.set(groupId, [...(byGroup.get(groupId) ?? []), o]);
    }
    for (const [groupId, offsets] of byGroup) {
      try {
        this.store.appendOffsets(groupId, offsets);
      } catch (err) {
        this.onStoreError(err);
        continue;
      }
      this.applyState({groups: [], offsets: offsets.map((o) => ({groupId, ...o}))});
    }
  }

  /** A topic was deleted: its committed offsets go too, and groups left with nothing vanish. */
  deleteOffsetsForTopic(topic: string): void {
    if (this.closed) return;
    let touched = false;
    for (const group of this.groups.values()) if (group.offsets.has(topic)) touched = true;
    if (!touched) return;
    try {
      this.store.deleteTopicOffsets(topic);
    } catch (err) {
      // The topic is gone either way; offsets a restart would bring back point at nothing.
      this.onStoreError(err);
    }
    for (const group of [...this.groups.values()]) {
      group.offsets.delete(topic);
      if (group.state === 'Empty' && !group.hasOffsets()) this.dropGroup(group);
    }
  }

  private setOffset(group: Group, o: StoredOffset): void {
    let m = group.offsets.get(o.topic);
    if (!m) group.offsets.set(o.topic, (m = new Map()));
    m.set(o.partition, {offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: o.commitTimestamp});
  }

  // ---------------------------------------------------------------- admin

  describeGroup(groupId: string): GroupDescription {
    if (this.closed) return {errorCode: ErrorCode.NOT_COORDINATOR, groupId, state: 'Dead', protocolType: '', protocol: '', members: []};
    const group = this.groups.get(groupId);
    // Kafka describes an unknown group as Dead with no error.
    if (!group) return {errorCode: ErrorCode.NONE, groupId, state: 'Dead', protocolType: '', protocol: '', members: []};
    const stable = group.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? metadataFor(m, group.protocolName) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  listGroups(states?: GroupState[]): GroupOverview[] {
    if (this.closed) return [];
    const out: GroupOverview[] = [];
    for (const g of this.groups.values()) {
      if (states && states.length > 0 && !states.includes(g.state)) continue;
      out.push({groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state});
    }
    return out;
  }

  deleteGroups(groupIds: string[]): Array<{groupId: string; errorCode: number}> {
    return groupIds.map((groupId) => {
      if (this.closed) return {groupId, errorCode: ErrorCode.NOT_COORDINATOR};
      const group = this.groups.get(groupId);
      if (!group) return {groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND};
      if (group.state !== 'Empty') return {groupId, errorCode: ErrorCode.NON_EMPTY_GROUP};
      try {
        this.store.deleteGroup(groupId);
      } catch (err) {
        this.onStoreError(err);
        return {groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE};
      }
      this.dropGroup(group, false);
      return {groupId, errorCode: ErrorCode.NONE};
    });
  }

  /** For status pages and tests. */
  groupState(groupId: string): GroupState {
    return this.groups.get(groupId)?.state ?? 'Dead';
  }

  /**
   * Unloads everything, as Kafka does when it loses the coordinator role: parked JoinGroup and
   * SyncGroup requests get NOT_COORDINATOR (clients look for the coordinator again), timers stop,
   * the store is closed. Later calls answer NOT_COORDINATOR.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unloadGroups(() => true);
    this.store.close();
  }

  /**
   * Replaces the groups `owns` selects with `state`, as a Kafka coordinator does when it becomes
   * the leader of an offsets partition: what it held for them before may be stale.
   */
  loadGroups(state: GroupStoreState, owns: (groupId: string) => boolean): void {
    if (this.closed) return;
    this.unloadGroups(owns);
    this.applyState(state);
  }

  /**
   * Forgets the groups `owns` selects (the coordinator role moved away): parked JoinGroup and
   * SyncGroup requests get NOT_COORDINATOR, so clients look for the coordinator again.
   */
  unloadGroups(owns: (groupId: string) => boolean): void {
    for (const byGroup of this.txnOffsets.values()) for (const groupId of [...byGroup.keys()]) if (owns(groupId)) byGroup.delete(groupId);
    for (const group of [...this.groups.values()]) {
      if (!owns(group.groupId)) continue;
      this.clearJoinTimer(group);
      this.clearSyncTimer(group);
      for (const t of group.pending.values()) this.clock.clearTimeout(t);
      group.pending.clear();
      for (const m of group.members.values()) {
        this.clearSession(m);
        const jw = m.joinWaiter;
        const sw = m.syncWaiter;
        m.joinWaiter = null;
        m.syncWaiter = null;
        jw?.(joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
        sw?.(syncError(ErrorCode.NOT_COORDINATOR));
      }
      group.state = 'Dead';
      this.groups.delete(group.groupId);
    }
  }

  // ---------------------------------------------------------------- internals

  private createGroup(groupId: string): Group {
    const g = new Group(groupId);
    this.groups.set(groupId, g);
    return g;
  }

  private dropGroup(group: Group, writeTombstone = true): void {
    if (writeTombstone) {
      try {
        this.store.deleteGroup(group.groupId);
      } catch (err) {
        this.onStoreError(err);
      }
    }
    this.clearJoinTimer(group);
    this.clearSyncTimer(group);
    for (const t of group.pending.values()) this.clock.clearTimeout(t);
    group.state = 'Dead';
    this.groups.delete(group.groupId);
  }

  private persistGroup(group: Group): void {
    try {
      this.store.saveGroup({
        groupId: group.groupId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        generationId: group.generationId,
        leader: group.leaderId,
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeout: m.rebalanceTimeoutMs,
          sessionTimeout: m.sessionTimeoutMs,
          subscription: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY,
          assignment: m.assignment,
        })),
      });
    } catch (err) {
      // Losing this record only means a restart resumes an older generation number; members
      // rejoin after a restart anyway.
      this.onStoreError(err);
    }
  }

  private clearJoinTimer(group: Group): void {
    if (group.joinTimer) this.clock.clearTimeout(group.joinTimer);
    group.joinTimer = null;
  }

  private clearSyncTimer(group: Group): void {
    if (group.syncTimer) this.clock.clearTimeout(group.syncTimer);
    group.syncTimer = null;
  }

  private applyState(state: GroupStoreState): void {
    for (const g of state.groups) {
      const group = this.createGroup(g.groupId);
      // Generation survives so that stale members get ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID,
      // never a reused generation number.
      group.generationId = g.generationId;
      group.protocolType = g.protocolType;
    }
    for (const o of state.offsets) {
      const group = this.groups.get(o.groupId) ?? this.createGroup(o.groupId);
      this.setOffset(group, o);
    }
    for (const {producerId, groupId, ...o} of state.pendingTxnOffsets ?? []) {
      if (!this.groups.has(groupId)) this.createGroup(groupId);
      this.holdTxnOffsets(producerId, groupId, [o]);
    }
  }
}

/**
 * Wraps a promise's resolve so that it settles once and stops listening to `signal` when it does.
 * `onAbort` runs (once, after the current synchronous step) if the signal fires first.
 */
function guardWithSignal<T>(signal: AbortSignal | undefined, settle: (v: T) => void, onAbort: () => void): (v: T) => void {
  let done = false;
  const listener = () => {
    if (!done) onAbort();
  };
  const resolve = (v: T) => {
    if (done) return;
    done = true;
    signal?.removeEventListener('abort', listener);
    settle(v);
  };
  if (signal) {
    // Deferred so the request is registered (parked) before we look for it.
    if (signal.aborted) queueMicrotask(listener);
    else signal.addEventListener('abort', listener, {once: true});
  }
  return resolve;
}

type JoinParams = Omit<JoinGroupRequest, 'groupInstanceId' | 'rebalanceTimeoutMs'> & {
  groupInstanceId: string | null;
  rebalanceTimeoutMs: number;
};
