import {UserError} from '../lib/errors.js';

/** What a producer waits for: all (= -1) in-sync replicas, the leader (1), nothing (0). */
export const ACKS = ['all', '-1', '1', '0'] as const;
export type Acks = (typeof ACKS)[number];
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionName = (typeof COMPRESSIONS)[number];

/**
 * The producer and consumer properties of a client config (-X, --command-config, the profile)
 * that kcollect's commands apply where their own flag is not given, so a client.properties made
 * for the Kafka CLI, kcat or a Confluent Cloud download works as it is.
 */
export interface ClientSettings {
  bootstrapServers?: string[];
  acks?: Acks;
  compression?: CompressionName;
  idempotent?: boolean;
  lingerMs?: number;
  groupId?: string;
  /** auto.offset.reset: where a consumer without committed offsets starts. */
  offsetReset?: 'beginning' | 'end';
  /** session.timeout.ms, heartbeat.interval.ms, max.poll.interval.ms and partition.assignment.strategy of a group member. */
  group?: GroupMemberSettings;
}

export const COOPERATIVE_STICKY = 'cooperative-sticky';
export const RANGE = 'range';
export type AssignorName = typeof COOPERATIVE_STICKY | typeof RANGE;

export interface GroupMemberSettings {
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** max.poll.interval.ms: how long the coordinator waits for members to rejoin a rebalance. */
  rebalanceTimeoutMs?: number;
  /** partition.assignment.strategy: the assignors offered, most preferred first. */
  assignors?: AssignorName[];
}

interface Property {
  key: string;
  value: string;
  where: string;
}

type Apply = (p: Property, settings: ClientSettings) => void;

// Each under its Java name and its librdkafka name (kcat -X).
const servers: Apply = (p, s) => (s.bootstrapServers = nonEmpty(p).split(',').map((a) => a.trim()).filter(Boolean));
const acks: Apply = (p, s) => (s.acks = oneOf(p, ACKS));
const compression: Apply = (p, s) => (s.compression = oneOf(p, COMPRESSIONS));
const linger: Apply = (p, s) => (s.lingerMs = milliseconds(p));

// A Map: a key such as "constructor" must not find a setting on an object's prototype.
const SETTINGS = new Map<string, Apply>([
  ['bootstrap.servers', servers],
  ['metadata.broker.list', servers],
  ['acks', acks],
  ['request.required.acks', acks],
  ['compression.type', compression],
  ['compression.codec', compression],
  ['enable.idempotence', (p, s) => (s.idempotent = oneOf(p, ['true', 'false']) === 'true')],
  ['linger.ms', linger],
  ['queue.buffering.max.ms', linger],
  ['group.id', (p, s) => (s.groupId = nonEmpty(p))],
  ['auto.offset.reset', (p, s) => (s.offsetReset = offsetReset(p))],
  ['session.timeout.ms', (p, s) => ((s.group ??= {}).sessionTimeoutMs = milliseconds(p))],
  ['heartbeat.interval.ms', (p, s) => ((s.group ??= {}).heartbeatIntervalMs = milliseconds(p))],
  ['max.poll.interval.ms', (p, s) => ((s.group ??= {}).rebalanceTimeoutMs = milliseconds(p))],
  ['partition.assignment.strategy', (p, s) => ((s.group ??= {}).assignors = assignors(p))],
]);

/** Kafka's Java class names of the assignors kcollect's members have, and librdkafka's names. */
const ASSIGNOR_NAMES = new Map<string, AssignorName>([
  [RANGE, RANGE],
  ['org.apache.kafka.clients.consumer.RangeAssignor', RANGE],
  [COOPERATIVE_STICKY, COOPERATIVE_STICKY],
  ['org.apache.kafka.clients.consumer.CooperativeStickyAssignor', COOPERATIVE_STICKY],
]);

/** A list of assignors, as librdkafka and the Java consumer take it (comma-separated, most preferred first). */
function assignors(p: Property): AssignorName[] {
  const out: AssignorName[] = [];
  for (const given of nonEmpty(p).split(',').map((a) => a.trim()).filter(Boolean)) {
    const name = ASSIGNOR_NAMES.get(given);
    if (name === undefined) throw new UserError(`${p.where}: ${p.key} ${given} is not an assignor kcollect's group members have`, `use range, cooperative-sticky or both, e.g. ${p.key}=cooperative-sticky`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * acks and idempotence as Kafka's Java producer settles them (KIP-679): idempotence needs acks=all,
 * so acks 0 or 1 given without a word on idempotence turns it off, rather than being silently
 * raised to all; both asked for together is an error naming the two settings.
 */
export function producerDelivery(given: {acks?: Acks; idempotent?: boolean}, defaultIdempotent: boolean, fix: {where: string; hint: string}): {acks: Acks; idempotent: boolean} {
  const acks = given.acks ?? 'all';
  const weak = acks === '0' || acks === '1';
  if (weak && given.idempotent === true) throw new UserError(`${fix.where}acks=${acks} with idempotence: an idempotent producer waits for acks=all`, fix.hint);
  return {acks, idempotent: given.idempotent ?? (weak ? false : defaultIdempotent)};
}

export const SETTING_KEYS: readonly string[] = [...SETTINGS.keys()];

/**
 * Where properties only make connections (an agent file, whose sinks have their own acks,
 * compression and idempotent), a producer or consumer setting would be lost: refused, naming
 * `instead`. The brokers (bootstrap.servers) apply everywhere.
 */
export function refuseSettingsBesidesServers(properties: Iterable<Property>, instead: string): void {
  for (const p of properties) {
    const apply = SETTINGS.get(p.key);
    if (apply !== undefined && apply !== servers) throw new UserError(`${p.where}: ${p.key} does not apply to the client properties here`, instead);
  }
}

/** The settings among `properties` (a later one wins); other keys are left to the caller. */
export function parseClientSettings(properties: Iterable<Property>): ClientSettings {
  const settings: ClientSettings = {};
  for (const p of properties) SETTINGS.get(p.key)?.(p, settings);
  return settings;
}

function nonEmpty(p: Property): string {
  const value = p.value.trim();
  if (value === '') throw new UserError(`${p.where}: ${p.key} is empty`, `give ${p.key} a value, or leave it out`);
  return value;
}

function oneOf<T extends string>(p: Property, allowed: readonly T[]): T {
  const value = p.value.trim().toLowerCase();
  if (!(allowed as readonly string[]).includes(value)) throw new UserError(`${p.where}: ${p.key} "${p.value}" is not one of ${allowed.join(', ')}`, `e.g. ${p.key}=${allowed[0]}`);
  return value as T;
}

function milliseconds(p: Property): number {
  const ms = Number(p.value.trim());
  if (p.value.trim() === '' || !Number.isFinite(ms) || ms < 0) throw new UserError(`${p.where}: ${p.key} "${p.value}" is not a number of milliseconds`, `e.g. ${p.key}=5`);
  return ms;
}

function offsetReset(p: Property): 'beginning' | 'end' {
  const value = p.value.trim().toLowerCase();
  if (['earliest', 'smallest', 'beginning'].includes(value)) return 'beginning';
  if (['latest', 'largest', 'end'].includes(value)) return 'end';
  throw new UserError(`${p.where}: auto.offset.reset "${p.value}" is not earliest or latest`, 'kcollect always starts somewhere: earliest (the default) or latest; --from chooses any offset or time');
}
