import {StorageError} from './errors.js';

/**
 * The topic configs kcollect supports, under their Kafka names so kafka-configs, kcat and admin
 * clients work unchanged. Anything else is rejected rather than silently ignored: a user who sets
 * a config expects it to take effect.
 */

/** DescribeConfigs config_type names (KIP-569). */
export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'LONG' | 'DOUBLE' | 'LIST';

/** Kafka's cleanup.policy values, normalised ("delete,compact" is "compact,delete"). */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

export function compacts(config: TopicConfig): boolean {
  return config.cleanupPolicy !== 'delete';
}

/** Retention by time and size applies only when "delete" is among the policies, as in Kafka. */
export function deletes(config: TopicConfig): boolean {
  return config.cleanupPolicy !== 'compact';
}

export interface TopicConfig {
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  segmentMs: number;
  maxMessageBytes: number;
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  cleanupPolicy: CleanupPolicy;
  minInsyncReplicas: number;
  uncleanLeaderElectionEnable: boolean;
  compressionType: 'producer';
  flushMessages: number;
  flushMs: number;
  messageTimestampDifferenceMaxMs: number;
  messageTimestampBeforeMaxMs: number;
  messageTimestampAfterMaxMs: number;
  segmentIndexBytes: number;
  segmentJitterMs: number;
  preallocate: false;
  messageFormatVersion: string;
  messageDownconversionEnable: boolean;
  leaderReplicationThrottledReplicas: '';
  followerReplicationThrottledReplicas: '';
  deleteRetentionMs: number;
  minCleanableDirtyRatio: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
}

export interface TopicConfigDef {
  name: string;
  key: keyof TopicConfig;
  type: ConfigType;
  /** As DescribeConfigs reports it. */
  default: string;
  readOnly: boolean;
  sensitive: false;
  doc: string;
  /** Parses a trimmed value or returns why it is invalid (the fix, phrased for the user). */
  parse(value: string): {ok: unknown} | {fix: string};
}

const LONG_MAX = 9223372036854775807n;
const INT_MAX = 2147483647;
const LONG_MAX_STRING = '9223372036854775807';

function integer(min: bigint, max: bigint, fix: string): TopicConfigDef['parse'] {
  return (value) => {
    if (!/^[+-]?\d+$/.test(value)) return {fix};
    const n = BigInt(value);
    if (n < min || n > max) return {fix};
    // Values past 2^53 (Long.MAX defaults) only mean "never"; the rounding is harmless.
    return {ok: Number(n)};
  };
}

function oneOf<T extends string>(values: readonly T[], fix: string): TopicConfigDef['parse'] {
  return (value) => (values.includes(value as T) ? {ok: value} : {fix});
}

function bool(): TopicConfigDef['parse'] {
  return (value) => {
    const v = value.toLowerCase();
    return v === 'true' || v === 'false' ? {ok: v === 'true'} : {fix: 'use true or false'};
  };
}

/** Replication throttling needs the dynamic broker rates (leader/follower.replication.throttled.rate) kcollect lacks. */
function noThrottle(name: string): TopicConfigDef['parse'] {
  return (value) =>
    value === ''
      ? {ok: ''}
      : {fix: `replication throttling is not implemented (kcollect has no leader/follower.replication.throttled.rate), so ${name} cannot take effect; leave it empty and reassign without --throttle`};
}

function def(d: Omit<TopicConfigDef, 'readOnly' | 'sensitive'>): TopicConfigDef {
  return {...d, readOnly: false, sensitive: false};
}

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  def({
    name: 'retention.ms',
    key: 'retentionMs',
    type: 'LONG',
    default: '604800000',
    doc: 'How long to keep a log segment after its newest record before deleting it; -1 keeps data forever.',
    parse: integer(-1n, LONG_MAX, 'use a whole number of milliseconds >= -1 (-1 keeps data forever), e.g. retention.ms=86400000'),
  }),
  def({
    name: 'retention.bytes',
    key: 'retentionBytes',
    type: 'LONG',
    default: '-1',
    doc: 'Maximum size of a partition before its oldest segments are deleted; -1 means no limit.',
    parse: integer(-1n, LONG_MAX, 'use a whole number of bytes >= -1 (-1 means no size limit), e.g. retention.bytes=1073741824'),
  }),
  def({
    name: 'segment.bytes',
    key: 'segmentBytes',
    type: 'INT',
    default: '1073741824',
    doc: 'Size at which a new log segment file is started.',
    parse: integer(14n, BigInt(INT_MAX), `use a whole number of bytes between 14 and ${INT_MAX}, e.g. segment.bytes=1073741824`),
  }),
  def({
    name: 'segment.ms',
    key: 'segmentMs',
    type: 'LONG',
    default: '604800000',
    doc: 'Time after which a new log segment is started even if the current one is not full.',
    parse: integer(1n, LONG_MAX, 'use a whole number of milliseconds >= 1, e.g. segment.ms=604800000'),
  }),
  def({
    name: 'max.message.bytes',
    key: 'maxMessageBytes',
    type: 'INT',
    default: '1048588',
    doc: 'Largest record batch the broker accepts for this topic.',
    parse: integer(0n, BigInt(INT_MAX), `use a whole number of bytes between 0 and ${INT_MAX}, e.g. max.message.bytes=1048588`),
  }),
  def({
    name: 'message.timestamp.type',
    key: 'messageTimestampType',
    type: 'STRING',
    default: 'CreateTime',
    doc: 'Whether record timestamps are the producer\'s (CreateTime) or the broker\'s append time (LogAppendTime).',
    parse: oneOf(['CreateTime', 'LogAppendTime'], 'use CreateTime or LogAppendTime (case matters)'),
  }),
  def({
    name: 'cleanup.policy',
    key: 'cleanupPolicy',
    type: 'LIST',
    default: 'delete',
    doc: 'A comma-separated list of "delete" (old segments are removed by retention.ms/retention.bytes) and "compact" (the log cleaner keeps the last record of each key).',
    parse: (value) => {
      const policies = new Set(value.split(',').map((p) => p.trim()));
      const unknown = [...policies].filter((p) => p !== 'delete' && p !== 'compact');
      if (unknown.length > 0 || policies.size === 0) return {fix: `use delete, compact or compact,delete (unknown: "${unknown.join(',')}")`};
      if (policies.size === 2) return {ok: 'compact,delete'};
      return {ok: [...policies][0]};
    },
  }),
  def({
    name: 'min.insync.replicas',
    key: 'minInsyncReplicas',
    type: 'INT',
    default: '1',
    doc: 'Minimum number of in-sync replicas that must acknowledge an acks=all write.',
    parse: integer(1n, BigInt(INT_MAX), 'use a whole number >= 1, e.g. min.insync.replicas=2'),
  }),
  def({
    name: 'unclean.leader.election.enable',
    key: 'uncleanLeaderElectionEnable',
    type: 'BOOLEAN',
    default: 'false',
    doc: 'Whether a replica outside the ISR may become leader, at the cost of losing data.',
    parse: bool(),
  }),
  def({
    name: 'compression.type',
    key: 'compressionType',
    type: 'STRING',
    default: 'producer',
    doc: 'Only "producer" is supported: batches are stored as the producer compressed them.',
    parse: (value) => {
      if (value === 'producer') return {ok: 'producer'};
      const known = ['uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'].includes(value);
      return {
        fix: known
          ? `kcollect does not recompress on the broker, so compression.type=${value} is not supported; use compression.type=producer and set the codec on the producer (e.g. compression.codec=${value === 'uncompressed' ? 'none' : value})`
          : 'use compression.type=producer and choose the codec on the producer',
      };
    },
  }),
  def({
    name: 'flush.messages',
    key: 'flushMessages',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'Force an fdatasync after this many records; by default the OS page cache decides.',
    parse: integer(1n, LONG_MAX, `use a whole number >= 1 (default ${LONG_MAX_STRING} leaves flushing to the OS)`),
  }),
  def({
    name: 'flush.ms',
    key: 'flushMs',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'Force an fdatasync when this long has passed since the last one (checked on append).',
    parse: integer(0n, LONG_MAX, `use a whole number of milliseconds >= 0 (default ${LONG_MAX_STRING} leaves flushing to the OS)`),
  }),
  def({
    name: 'message.timestamp.difference.max.ms',
    key: 'messageTimestampDifferenceMaxMs',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'With CreateTime, the largest difference allowed between a record\'s timestamp and the broker\'s clock; a batch outside it gets INVALID_TIMESTAMP. Deprecated by Kafka 3.6 in favour of message.timestamp.before/after.max.ms, and used for either of them left at its default.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. message.timestamp.difference.max.ms=3600000'),
  }),
  def({
    name: 'message.timestamp.before.max.ms',
    key: 'messageTimestampBeforeMaxMs',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'With CreateTime, how far a record\'s timestamp may lie behind the broker\'s clock; older batches get INVALID_TIMESTAMP.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. message.timestamp.before.max.ms=86400000'),
  }),
  def({
    name: 'message.timestamp.after.max.ms',
    key: 'messageTimestampAfterMaxMs',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'With CreateTime, how far a record\'s timestamp may lie ahead of the broker\'s clock; later batches get INVALID_TIMESTAMP.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. message.timestamp.after.max.ms=3600000'),
  }),
  def({
    name: 'segment.index.bytes',
    key: 'segmentIndexBytes',
    type: 'INT',
    default: '10485760',
    doc: 'Size of a segment\'s offset index (8 bytes an entry); a segment whose index is full is rolled.',
    parse: integer(4n, BigInt(INT_MAX), `use a whole number of bytes between 4 and ${INT_MAX}, e.g. segment.index.bytes=10485760`),
  }),
  def({
    name: 'segment.jitter.ms',
    key: 'segmentJitterMs',
    type: 'LONG',
    default: '0',
    doc: 'Up to this much random time is taken off segment.ms for each new segment, so partitions do not all roll at once.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. segment.jitter.ms=0'),
  }),
  def({
    name: 'preallocate',
    key: 'preallocate',
    type: 'BOOLEAN',
    default: 'false',
    doc: 'Only false is supported: segment files grow with appends and are not preallocated.',
    parse: (value) => {
      const v = value.toLowerCase();
      if (v === 'false') return {ok: false};
      return {fix: v === 'true' ? 'kcollect does not preallocate segment files (they grow with each append); use preallocate=false' : 'use true or false'};
    },
  }),
  def({
    name: 'message.format.version',
    key: 'messageFormatVersion',
    type: 'STRING',
    default: '3.0-IV1',
    doc: 'Accepted and ignored, as Kafka 3.x ignores it: batches are always stored in the v2 format (magic 2).',
    parse: (value) => (/^\d+\.\d+(\.\d+)?(-IV\d+)?$/.test(value) ? {ok: value} : {fix: 'use a Kafka version such as 2.8 or 3.0-IV1 (it is ignored: batches are always v2)'}),
  }),
  def({
    name: 'message.downconversion.enable',
    key: 'messageDownconversionEnable',
    type: 'BOOLEAN',
    default: 'true',
    doc: 'Whether old-format consumers may be served down-converted batches. kcollect serves only Fetch v4+ (record batches v2), so there is never anything to down-convert whatever the value.',
    parse: bool(),
  }),
  def({
    name: 'leader.replication.throttled.replicas',
    key: 'leaderReplicationThrottledReplicas',
    type: 'LIST',
    default: '',
    doc: 'Only empty is supported: replication is not throttled.',
    parse: noThrottle('leader.replication.throttled.replicas'),
  }),
  def({
    name: 'follower.replication.throttled.replicas',
    key: 'followerReplicationThrottledReplicas',
    type: 'LIST',
    default: '',
    doc: 'Only empty is supported: replication is not throttled.',
    parse: noThrottle('follower.replication.throttled.replicas'),
  }),
  def({
    name: 'delete.retention.ms',
    key: 'deleteRetentionMs',
    type: 'LONG',
    default: '86400000',
    doc: 'How long the cleaner keeps a tombstone (a record with a null value) of a compacted topic after it first compacted it; no effect on a cleanup.policy=delete topic.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. delete.retention.ms=86400000'),
  }),
  def({
    name: 'min.cleanable.dirty.ratio',
    key: 'minCleanableDirtyRatio',
    type: 'DOUBLE',
    default: '0.5',
    doc: 'The cleaner compacts a log once its uncompacted (dirty) part is more than this share of the closed segments; no effect on a cleanup.policy=delete topic.',
    parse: (value) => {
      const n = Number(value);
      return value !== '' && Number.isFinite(n) && n >= 0 && n <= 1 ? {ok: n} : {fix: 'use a number between 0 and 1, e.g. min.cleanable.dirty.ratio=0.5'};
    },
  }),
  def({
    name: 'min.compaction.lag.ms',
    key: 'minCompactionLagMs',
    type: 'LONG',
    default: '0',
    doc: 'A segment is compacted only once its newest record is at least this old; no effect on a cleanup.policy=delete topic.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. min.compaction.lag.ms=0'),
  }),
  def({
    name: 'max.compaction.lag.ms',
    key: 'maxCompactionLagMs',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'A log whose oldest uncompacted record is older than this is compacted whatever its dirty ratio; no effect on a cleanup.policy=delete topic.',
    parse: integer(1n, LONG_MAX, `use a whole number of milliseconds >= 1, e.g. max.compaction.lag.ms=${LONG_MAX_STRING}`),
  }),
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

function mustParse(d: TopicConfigDef, raw: string): unknown {
  const r = d.parse(raw.trim());
  if ('fix' in r) {
    throw new StorageError('INVALID_CONFIG', `invalid value "${raw}" for topic config ${d.name}: ${r.fix}`, r.fix);
  }
  return r.ok;
}

/** Defaults, resolved once; a default that fails its own validation is caught by the tests. */
export const DEFAULT_TOPIC_CONFIG: Readonly<TopicConfig> = Object.freeze(
  Object.fromEntries(TOPIC_CONFIGS.map((d) => [d.key, mustParse(d, d.default)])) as unknown as TopicConfig,
);

/**
 * Validates per-topic overrides and resolves them over the defaults. Throws a StorageError with
 * code INVALID_CONFIG naming the key and the fix; unknown keys are rejected too.
 */
export function validateTopicConfig(overrides: Record<string, string>): TopicConfig {
  const config = {...DEFAULT_TOPIC_CONFIG} as Record<keyof TopicConfig, unknown>;
  for (const [name, raw] of Object.entries(overrides)) {
    const d = BY_NAME.get(name);
    if (!d) {
      throw new StorageError(
        'INVALID_CONFIG',
        `unknown topic config "${name}"; kcollect supports: ${TOPIC_CONFIGS.map((c) => c.name).join(', ')}`,
        'remove it or use one of the supported names',
      );
    }
    if (typeof raw !== 'string') {
      throw new StorageError('INVALID_CONFIG', `topic config ${name} must be given as a string value`, `e.g. ${name}=${d.default}`);
    }
    config[d.key] = mustParse(d, raw);
  }
  return config as unknown as TopicConfig;
}

export interface ConfigEntry {
  name: string;
  value: string;
  source: 'default' | 'topic';
  type: ConfigType;
  readOnly: boolean;
  sensitive: false;
  doc: string;
}

/** Every supported config with its effective value and where it comes from (DescribeConfigs). */
export function describeTopicConfig(overrides: Record<string, string>): ConfigEntry[] {
  return TOPIC_CONFIGS.map((d) => {
    const own = Object.hasOwn(overrides, d.name);
    return {
      name: d.name,
      value: own ? overrides[d.name].trim() : d.default,
      source: own ? 'topic' : 'default',
      type: d.type,
      readOnly: d.readOnly,
      sensitive: d.sensitive,
      doc: d.doc,
    };
  });
}

/**
 * How far (ms) a CreateTime timestamp may lie behind and ahead of the broker's clock: each
 * message.timestamp.before/after.max.ms left at its default falls back to the deprecated
 * message.timestamp.difference.max.ms, as in Kafka 3.6+.
 */
export function timestampBounds(config: TopicConfig): {beforeMs: number; afterMs: number} {
  const d = DEFAULT_TOPIC_CONFIG;
  const pick = (own: number, ownDefault: number) => (own !== ownDefault ? own : config.messageTimestampDifferenceMaxMs);
  return {
    beforeMs: pick(config.messageTimestampBeforeMaxMs, d.messageTimestampBeforeMaxMs),
    afterMs: pick(config.messageTimestampAfterMaxMs, d.messageTimestampAfterMaxMs),
  };
}
