import {
  noGroup,
  withGroupAdmin,
  type GroupAdmin,
  type GroupInfo,
  type GroupMember,
  type GroupSummary,
  type TopicOffsets,
} from '../client/groups.js';
import {UserError} from '../lib/errors.js';

export type {GroupInfo, GroupMember, GroupSummary} from '../client/groups.js';

// ---------------------------------------------------------------- list

export async function listGroups(brokers: string[]): Promise<{groups: GroupSummary[]}> {
  return withGroupAdmin(brokers, async (admin) => ({groups: await admin.listGroups()}));
}

// ---------------------------------------------------------------- describe

export interface PartitionLag {
  topic: string;
  partition: number;
  /** null: the group never committed this partition (it is only assigned). */
  committed: number | null;
  /** null: the topic no longer exists. */
  logStart: number | null;
  logEnd: number | null;
  /** logEnd - committed; logEnd - logStart when nothing is committed; null when unknown. */
  lag: number | null;
  /** The member that owns the partition now, or null. */
  memberId: string | null;
  clientId: string | null;
  host: string | null;
}

export interface GroupDescription extends GroupInfo {
  offsets: PartitionLag[];
  totalLag: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Log offsets of several topics; a topic that is gone maps to undefined rather than failing. */
async function boundsOf(admin: GroupAdmin, topics: string[]): Promise<Map<string, Map<number, TopicOffsets>>> {
  const entries = await Promise.all(
    topics.map(async (t) => {
      try {
        return [t, new Map((await admin.topicOffsets(t)).map((o) => [o.partition, o]))] as const;
      } catch (err) {
        if (err instanceof UserError && /UNKNOWN_TOPIC_OR_PARTITION/.test(err.message)) return [t, new Map<number, TopicOffsets>()] as const;
        throw err;
      }
    }),
  );
  return new Map(entries);
}

export async function describeGroup(brokers: string[], group: string): Promise<GroupDescription> {
  return withGroupAdmin(brokers, async (admin) => {
    const info = await admin.describeGroup(group);
    // Kafka describes a group it does not know as Dead, without an error.
    if (info.state === 'Dead') throw noGroup(group);
    const committed = (await admin.committedOffsets(group)).filter((c) => c.offset >= 0);
    const owners = new Map<string, GroupMember>();
    for (const m of info.members) for (const a of m.assignment) for (const p of a.partitions) owners.set(key(a.topic, p), m);

    const rows = new Map<string, {topic: string; partition: number; committed: number | null}>();
    for (const c of committed) rows.set(key(c.topic, c.partition), {topic: c.topic, partition: c.partition, committed: c.offset});
    for (const m of info.members) {
      for (const a of m.assignment) {
        for (const p of a.partitions) if (!rows.has(key(a.topic, p))) rows.set(key(a.topic, p), {topic: a.topic, partition: p, committed: null});
      }
    }
    const bounds = await boundsOf(admin, [...new Set([...rows.values()].map((r) => r.topic))]);
    const offsets = [...rows.values()]
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
      .map((r): PartitionLag => {
        const b = bounds.get(r.topic)?.get(r.partition);
        const owner = owners.get(key(r.topic, r.partition));
        const lag = !b ? null : r.committed === null ? b.logEnd - b.logStart : Math.max(0, b.logEnd - r.committed);
        return {
          topic: r.topic,
          partition: r.partition,
          committed: r.committed,
          logStart: b?.logStart ?? null,
          logEnd: b?.logEnd ?? null,
          lag,
          memberId: owner?.memberId ?? null,
          clientId: owner?.clientId ?? null,
          host: owner?.host ?? null,
        };
      });
    return {...info, offsets, totalLag: offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0)};
  });
}

// ---------------------------------------------------------------- reset-offsets

export type ResetMode =
  | {kind: 'to-earliest'}
  | {kind: 'to-latest'}
  | {kind: 'to-offset'; offset: number}
  | {kind: 'to-datetime'; datetime: string; timestamp: number}
  | {kind: 'shift-by'; shift: number}
  | {kind: 'by-duration'; duration: string; timestamp: number};

export interface ResetModeFlags {
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: number;
  toDatetime?: string;
  shiftBy?: number;
  byDuration?: string;
}

export const MODE_FLAGS = ['--to-earliest', '--to-latest', '--to-offset N', '--to-datetime ISO', '--shift-by N', '--by-duration PT10M'];

/** Exactly one of the reset flags, validated; `now` anchors --by-duration. */
export function parseResetMode(flags: ResetModeFlags, now = Date.now()): ResetMode {
  const given: ResetMode[] = [];
  if (flags.toEarliest) given.push({kind: 'to-earliest'});
  if (flags.toLatest) given.push({kind: 'to-latest'});
  if (flags.toOffset !== undefined) {
    if (!Number.isSafeInteger(flags.toOffset) || flags.toOffset < 0) throw new UserError(`--to-offset ${flags.toOffset} is not an offset`, 'pass 0 or more, e.g. --to-offset 1000');
    given.push({kind: 'to-offset', offset: flags.toOffset});
  }
  if (flags.toDatetime !== undefined) given.push({kind: 'to-datetime', datetime: flags.toDatetime, timestamp: parseDatetime(flags.toDatetime)});
  if (flags.shiftBy !== undefined) given.push({kind: 'shift-by', shift: flags.shiftBy});
  if (flags.byDuration !== undefined) given.push({kind: 'by-duration', duration: flags.byDuration, timestamp: now - parseIsoDuration(flags.byDuration)});
  if (given.length !== 1) {
    throw new UserError(
      given.length === 0 ? 'say where to reset the offsets to' : `pass only one of ${MODE_FLAGS.map((f) => f.split(' ')[0]).join(', ')}`,
      `one of: ${MODE_FLAGS.join(', ')}`,
    );
  }
  return given[0];
}

/** "2024-05-01T08:00:00Z", "2024-05-01T08:00:00.000+09:00", "2024-05-01T08:00" (local time), or epoch milliseconds. */
export function parseDatetime(text: string): number {
  const t = text.trim();
  const ms = /^\d+$/.test(t) ? Number(t) : /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : NaN;
  if (!Number.isFinite(ms)) {
    throw new UserError(`--to-datetime "${text}" is not an ISO-8601 date-time`, 'e.g. --to-datetime 2024-05-01T08:00:00Z (no zone: local time), or epoch milliseconds');
  }
  return ms;
}

const DURATION_UNITS_MS = {W: 7 * 86_400_000, D: 86_400_000, H: 3_600_000, M: 60_000, S: 1000};

/** ISO-8601 durations as Java's Duration.parse takes them (PT10M, P1D, PT1H30M, P1DT2H, PT0.5S), plus weeks (P2W). */
export function parseIsoDuration(text: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i.exec(text.trim());
  const bad = () =>
    new UserError(`--by-duration "${text}" is not an ISO-8601 duration`, 'e.g. PT10M (10 minutes), PT1H30M, P1D, P1DT12H; years and months are not fixed lengths, use days');
  if (!m || m.slice(1).every((v) => v === undefined) || /T$/i.test(text.trim())) throw bad();
  const [w, d, h, min, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v.replace(',', '.'))));
  return Math.round(w * DURATION_UNITS_MS.W + d * DURATION_UNITS_MS.D + h * DURATION_UNITS_MS.H + min * DURATION_UNITS_MS.M + s * DURATION_UNITS_MS.S);
}

export interface TopicSpec {
  topic: string;
  /** undefined: every partition. */
  partitions?: number[];
}

/**
 * --topic values as kafka-consumer-groups takes them: "T" (every partition) or "T:0,1". From the
 * env var several specs are separated by spaces ("orders:0,1 payments"). Repeats are merged.
 */
export function parseTopicSpecs(values: string | string[] | undefined): TopicSpec[] {
  const items = (Array.isArray(values) ? values : values === undefined ? [] : [values]).flatMap((v) => v.split(/\s+/)).filter(Boolean);
  const merged = new Map<string, Set<number> | 'all'>();
  for (const item of items) {
    const colon = item.lastIndexOf(':');
    const topic = colon < 0 ? item : item.slice(0, colon);
    const list = colon < 0 ? undefined : item.slice(colon + 1);
    if (!topic) throw new UserError(`--topic "${item}" names no topic`, 'e.g. --topic orders or --topic orders:0,1');
    let partitions: number[] | undefined;
    if (list !== undefined) {
      const parts = list.split(',').map((p) => p.trim());
      if (parts.some((p) => !/^\d+$/.test(p))) throw new UserError(`--topic "${item}": "${list}" is not a list of partitions`, `e.g. --topic ${topic}:0,1`);
      partitions = parts.map(Number);
    }
    const prev = merged.get(topic);
    if (prev === 'all' || partitions === undefined) merged.set(topic, 'all');
    else merged.set(topic, new Set([...(prev ?? []), ...partitions]));
  }
  return [...merged].map(([topic, p]) => (p === 'all' ? {topic} : {topic, partitions: [...p].sort((a, b) => a - b)}));
}

export interface ResetRow {
  topic: string;
  partition: number;
  logStart: number;
  logEnd: number;
  /** null: nothing committed before. */
  before: number | null;
  after: number;
}

export interface ResetOffsetsResult {
  group: string;
  mode: ResetMode;
  /** false: a dry run, nothing was committed. */
  executed: boolean;
  partitions: ResetRow[];
}

export interface ResetRequest {
  group: string;
  /** 'all': every topic the group has committed offsets for. */
  topics: TopicSpec[] | 'all';
  mode: ResetMode;
  execute: boolean;
}

/** Refuses while the group has members: their commits would overwrite ours (Kafka refuses too). */
function requireInactive(info: GroupInfo): void {
  const n = info.members.length;
  if (n > 0) {
    throw new UserError(
      `group ${info.group} has ${n} live member${n === 1 ? '' : 's'}; stop them first`,
      `offsets can only be reset while the group is Empty; \`kcollect group describe ${info.group}\` shows the members`,
    );
  }
  if (info.state !== 'Empty' && info.state !== 'Dead') {
    throw new UserError(`group ${info.group} is ${info.state}; stop its consumers first`, 'offsets can only be reset while the group is Empty');
  }
}

export async function resetOffsets(brokers: string[], req: ResetRequest): Promise<ResetOffsetsResult> {
  const {group, mode} = req;
  return withGroupAdmin(brokers, async (admin) => {
    const info = await admin.describeGroup(group);
    requireInactive(info);

    let specs: TopicSpec[];
    if (req.topics === 'all') {
      const topics = [...new Set((await admin.committedOffsets(group)).filter((c) => c.offset >= 0).map((c) => c.topic))].sort();
      if (topics.length === 0) {
        throw info.state === 'Dead' ? noGroup(group) : new UserError(`group ${group} has no committed offsets`, 'name the topics to reset with --topic T');
      }
      specs = topics.map((topic) => ({topic}));
    } else {
      if (req.topics.length === 0) throw new UserError('say which topics to reset', 'pass --topic T (repeatable, or T:0,1 for some partitions), or --all-topics');
      specs = req.topics;
    }

    const names = specs.map((s) => s.topic);
    // First: a missing topic is reported as such (OffsetFetch would only say UNKNOWN_TOPIC_OR_PARTITION).
    const bounds = await Promise.all(names.map((t) => admin.topicOffsets(t)));
    const [committedList, byTime] = await Promise.all([
      admin.committedOffsets(group, names),
      mode.kind === 'to-datetime' || mode.kind === 'by-duration' ? Promise.all(names.map((t) => admin.offsetsForTimestamp(t, mode.timestamp))) : undefined,
    ]);
    const committed = new Map(committedList.filter((c) => c.offset >= 0).map((c) => [key(c.topic, c.partition), c.offset]));

    const rows: ResetRow[] = [];
    const uncommitted: string[] = [];
    specs.forEach((spec, i) => {
      const partitions = new Map(bounds[i].map((b) => [b.partition, b]));
      const missing = (spec.partitions ?? []).filter((p) => !partitions.has(p));
      if (missing.length) {
        const count = partitions.size;
        throw new UserError(
          `topic ${spec.topic} has no partition ${missing.join(', ')} (it has ${count === 1 ? 'partition 0' : `partitions 0-${count - 1}`})`,
          `e.g. --topic ${spec.topic}:0`,
        );
      }
      for (const partition of spec.partitions ?? [...partitions.keys()].sort((a, b) => a - b)) {
        const b = partitions.get(partition)!;
        const before = committed.get(key(spec.topic, partition)) ?? null;
        const clamp = (o: number) => Math.min(Math.max(o, b.logStart), b.logEnd);
        let after: number;
        switch (mode.kind) {
          case 'to-earliest':
            after = b.logStart;
            break;
          case 'to-latest':
            after = b.logEnd;
            break;
          case 'to-offset':
            after = clamp(mode.offset);
            break;
          case 'to-datetime':
          case 'by-duration': {
            const found = byTime![i].get(partition) ?? -1;
            after = found < 0 ? b.logEnd : clamp(found);
            break;
          }
          case 'shift-by':
            if (before === null) {
              uncommitted.push(`${spec.topic}:${partition}`);
              after = b.logStart;
            } else after = clamp(before + mode.shift);
            break;
        }
        rows.push({topic: spec.topic, partition, logStart: b.logStart, logEnd: b.logEnd, before, after});
      }
    });
    if (uncommitted.length) {
      throw new UserError(
        `cannot shift ${uncommitted.join(', ')}: group ${group} has no committed offset there`,
        'name only committed partitions with --topic T:0,1, or set them with --to-earliest / --to-offset N first',
      );
    }

    if (req.execute) await admin.commitOffsets(group, rows.map((r) => ({topic: r.topic, partition: r.partition, offset: r.after})));
    return {group, mode, executed: req.execute, partitions: rows};
  });
}

// ---------------------------------------------------------------- delete

export async function deleteGroup(brokers: string[], group: string): Promise<{group: string; deleted: true}> {
  return withGroupAdmin(brokers, async (admin) => {
    await admin.deleteGroup(group);
    return {group, deleted: true as const};
  });
}
