import kafkajs from 'kafkajs';
import type {Admin} from 'kafkajs';
import {parseHostPort} from '../lib/address.js';
import {UserError} from '../lib/errors.js';
import {ErrorCode, errorInfo} from '../protocol/errors.js';
import {ApiVersions} from '../protocol/messages/18-api-versions.js';
import {FindCoordinator} from '../protocol/messages/10-find-coordinator.js';
import {OffsetCommit} from '../protocol/messages/08-offset-commit.js';
import {missingTopic} from './kafka-errors.js';
import {connectKafkaAdmin} from './kafka.js';
import {translated, translateKafkaError, unreachable} from './kafka-errors.js';
import {ClientSecurityError} from './client-config.js';
import {WireConnection} from './wire-connection.js';

const {AssignerProtocol} = kafkajs;

/** Kafka's group states; an unknown group is described as Dead. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead' | (string & {});

export interface GroupSummary {
  group: string;
  state: GroupState;
  /** "consumer" for consumer groups; Kafka Connect uses "connect". */
  protocolType: string;
  members: number;
}

export interface TopicAssignment {
  topic: string;
  partitions: number[];
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  /** As the coordinator saw it, e.g. "/127.0.0.1" (Kafka's own notation). */
  host: string;
  /** Decoded from the consumer protocol's MemberAssignment; empty while rebalancing. */
  assignment: TopicAssignment[];
}

export interface GroupInfo {
  group: string;
  state: GroupState;
  protocolType: string;
  /** The assignor the members agreed on (e.g. "RoundRobinAssigner"), "" unless Stable. */
  protocol: string;
  members: GroupMember[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1: nothing committed. */
  offset: number;
}

export interface TopicOffsets {
  partition: number;
  logStart: number;
  logEnd: number;
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * The toolkit's consumer-group admin. kafkajs for the reads and DeleteGroups; offsets are
 * committed the way Kafka's own tool does it (AdminClient.alterConsumerGroupOffsets): one
 * standalone OffsetCommit (generation -1, member "") on our wire client, atomic for every
 * partition and without joining the group (kafkajs' admin.setOffsets joins the group once per
 * topic, which takes seconds each).
 */
export interface GroupAdmin {
  listGroups(): Promise<GroupSummary[]>;
  describeGroup(group: string): Promise<GroupInfo>;
  /** Every partition the group committed (topics omitted), or every partition of `topics`. */
  committedOffsets(group: string, topics?: string[]): Promise<CommittedOffset[]>;
  /** Log start and log end (high watermark) of every partition; a missing topic is a UserError. */
  topicOffsets(topic: string): Promise<TopicOffsets[]>;
  /** The first offset with a timestamp >= `ms` per partition; the log end where there is none. */
  offsetsForTimestamp(topic: string, ms: number): Promise<Map<number, number>>;
  commitOffsets(group: string, offsets: OffsetToCommit[]): Promise<void>;
  deleteGroup(group: string): Promise<void>;
  close(): Promise<void>;
}

export function connectGroupAdmin(brokers: string[]): Promise<GroupAdmin> {
  return connectKafkaAdmin(brokers, (admin) => new KafkajsGroupAdmin(admin, brokers));
}

/** Connects, runs `fn`, and always disconnects. */
export function withGroupAdmin<T>(brokers: string[], fn: (admin: GroupAdmin) => Promise<T>): Promise<T> {
  return connectKafkaAdmin(brokers, (admin) => new KafkajsGroupAdmin(admin, brokers), fn);
}

export const GROUP_HINT = 'list the groups with `kcollect group list`';

export const noGroup = (group: string, detail = '') => new UserError(`no consumer group ${group}${detail}`, GROUP_HINT);

/** Decodes a consumer-protocol MemberAssignment; anything else (or nothing yet) is no assignment. */
export function decodeAssignment(buffer: Buffer | undefined): TopicAssignment[] {
  if (!buffer || buffer.length === 0) return [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    if (!decoded) return [];
    return Object.entries(decoded.assignment)
      .map(([topic, partitions]) => ({topic, partitions: [...partitions].sort((a, b) => a - b)}))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  } catch {
    return [];
  }
}

class KafkajsGroupAdmin implements GroupAdmin {
  constructor(
    private readonly admin: Admin,
    private readonly brokers: string[],
  ) {}

  private call<T>(what: string, fn: () => Promise<T>, topic?: string): Promise<T> {
    return translated(what, this.brokers, fn, topic);
  }

  async listGroups(): Promise<GroupSummary[]> {
    const {groups} = await this.call('list groups', () => this.admin.listGroups());
    if (groups.length === 0) return [];
    const ids = groups.map((g) => g.groupId);
    const described = await this.call('describe groups', () => this.admin.describeGroups(ids));
    const byId = new Map(described.groups.map((g) => [g.groupId, g]));
    return groups
      .map((g) => {
        const d = byId.get(g.groupId);
        return {group: g.groupId, state: d?.state ?? 'Dead', protocolType: g.protocolType || d?.protocolType || '', members: d?.members.length ?? 0};
      })
      // A group deleted between ListGroups and DescribeGroups is gone.
      .filter((g) => g.state !== 'Dead')
      .sort((a, b) => a.group.localeCompare(b.group));
  }

  async describeGroup(group: string): Promise<GroupInfo> {
    const {groups} = await this.call(`describe group ${group}`, () => this.admin.describeGroups([group]));
    const g = groups.find((x) => x.groupId === group) ?? groups[0];
    if (!g) return {group, state: 'Dead', protocolType: '', protocol: '', members: []};
    return {
      group,
      state: g.state,
      protocolType: g.protocolType,
      protocol: g.protocol,
      members: g.members
        .map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          host: m.clientHost,
          assignment: g.protocolType === 'consumer' || g.protocolType === '' ? decodeAssignment(m.memberAssignment) : [],
        }))
        .sort((a, b) => a.memberId.localeCompare(b.memberId)),
    };
  }

  async committedOffsets(group: string, topics?: string[]): Promise<CommittedOffset[]> {
    const res = await this.call(`fetch committed offsets of group ${group}`, () => this.admin.fetchOffsets({groupId: group, topics}), topics?.[0]);
    return res
      .flatMap((t) => t.partitions.map((p) => ({topic: t.topic, partition: p.partition, offset: Number(p.offset)})))
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  private async requireTopic(topic: string): Promise<void> {
    const names = await this.call('list topics', () => this.admin.listTopics());
    if (!names.includes(topic)) throw missingTopic(topic);
  }

  async topicOffsets(topic: string): Promise<TopicOffsets[]> {
    await this.requireTopic(topic);
    const offsets = await this.call(`fetch offsets of topic ${topic}`, () => this.admin.fetchTopicOffsets(topic), topic);
    return offsets.map((o) => ({partition: o.partition, logStart: Number(o.low), logEnd: Number(o.high)})).sort((a, b) => a.partition - b.partition);
  }

  async offsetsForTimestamp(topic: string, ms: number): Promise<Map<number, number>> {
    await this.requireTopic(topic);
    const offsets = await this.call(`find offsets of topic ${topic} by timestamp`, () => this.admin.fetchTopicOffsetsByTimestamp(topic, ms), topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.offset)]));
  }

  async commitOffsets(group: string, offsets: OffsetToCommit[]): Promise<void> {
    await commitStandalone(this.brokers, group, offsets);
  }

  async deleteGroup(group: string): Promise<void> {
    try {
      await this.admin.deleteGroups([group]);
    } catch (err) {
      const failed = (err as {groups?: Array<{groupId: string; errorCode?: number; error?: {type?: string}}>}).groups?.find((g) => g.groupId === group);
      if (failed?.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) throw noGroup(group, `: GROUP_ID_NOT_FOUND (${ErrorCode.GROUP_ID_NOT_FOUND})`);
      if (failed?.errorCode === ErrorCode.NON_EMPTY_GROUP) {
        throw new UserError(
          `delete group ${group}: NON_EMPTY_GROUP (${ErrorCode.NON_EMPTY_GROUP}), the group still has live members`,
          `stop its consumers first; \`kcollect group describe ${group}\` shows them`,
        );
      }
      if (failed?.errorCode !== undefined) throw new UserError(`delete group ${group}: ${errorInfo(failed.errorCode).name} (${failed.errorCode})`);
      throw translateKafkaError(err, `delete group ${group}`, this.brokers);
    }
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }
}

const RETRIABLE_COORDINATOR = new Set<number>([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.NOT_COORDINATOR]);

async function connectAny(brokers: string[]): Promise<WireConnection> {
  for (const b of brokers) {
    const {host, port} = parseHostPort(b, '127.0.0.1', '--brokers');
    try {
      const c = await WireConnection.connect(host, port, {clientId: 'kcollect', timeoutMs: 2500});
      await c.negotiate(ApiVersions);
      return c;
    } catch (err) {
      if (err instanceof ClientSecurityError) throw err;
    }
  }
  throw unreachable(brokers);
}

/** FindCoordinator, retried while the coordinator is loading or moving. */
async function coordinatorOf(bootstrap: WireConnection, group: string): Promise<{host: string; port: number}> {
  const version = bootstrap.pick(FindCoordinator, [0, 2]);
  for (let attempt = 0; ; attempt++) {
    const res = await bootstrap.request(FindCoordinator, version, {key: group, keyType: 0});
    if (res.errorCode === ErrorCode.NONE) return {host: res.host, port: res.port};
    if (!RETRIABLE_COORDINATOR.has(res.errorCode) || attempt >= 10) {
      throw new UserError(`find the coordinator of group ${group}: ${errorInfo(res.errorCode).name} (${res.errorCode})`, 'check the cluster is healthy (`kcollect status`), then retry');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Commits offsets for a group that has no live members: OffsetCommit with generation -1 and
 * member "" (what Kafka's AdminClient.alterConsumerGroupOffsets sends). The coordinator refuses
 * it with UNKNOWN_MEMBER_ID once the group has members.
 */
async function commitStandalone(brokers: string[], group: string, offsets: OffsetToCommit[]): Promise<void> {
  if (offsets.length === 0) return;
  const what = `commit offsets of group ${group}`;
  const bootstrap = await connectAny(brokers);
  let coordinator: WireConnection | undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      const {host, port} = await coordinatorOf(bootstrap, group);
      coordinator = await WireConnection.connect(host, port, {clientId: 'kcollect', timeoutMs: 2500});
      await coordinator.negotiate(ApiVersions);
      const version = coordinator.pick(OffsetCommit, [2, 7]);
      const byTopic = new Map<string, OffsetToCommit[]>();
      for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
      const res = await coordinator.request(OffsetCommit, version, {
        groupId: group,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: [...byTopic].map(([name, list]) => ({
          name,
          partitions: list.map((o) => ({partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1, committedMetadata: ''})),
        })),
      });
      const errors: Array<{topic: string; partition: number; errorCode: number}> = res.topics.flatMap((t: any) =>
        t.partitions.filter((p: any) => p.errorCode !== ErrorCode.NONE).map((p: any) => ({topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode})),
      );
      if (errors.length === 0) return;
      const code = errors[0].errorCode;
      if (RETRIABLE_COORDINATOR.has(code) && attempt < 5) {
        coordinator.close();
        coordinator = undefined;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.REBALANCE_IN_PROGRESS) {
        throw new UserError(`${what}: the group has live members (${errorInfo(code).name} (${code}))`, `stop its consumers first; \`kcollect group describe ${group}\` shows them`);
      }
      const where = errors.map((e) => `${e.topic}/${e.partition}`).join(', ');
      throw new UserError(`${what}: ${errorInfo(code).name} (${code}) for ${where}`);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${what}: ${(err as Error).message}`, 'check the cluster is healthy (`kcollect status`), then retry');
  } finally {
    coordinator?.close();
    bootstrap.close();
  }
}
