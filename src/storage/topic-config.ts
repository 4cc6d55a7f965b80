import {StorageError} from './errors.js';

/**
 * Kafka's topic configs (3.8's TopicConfig), under their names and with Kafka's types and ranges,
 * so kafka-configs, kcat, admin clients and scripts copied from a real cluster work unchanged.
 * A valid value is always accepted; the few configs kcollect has nothing to do with (tiered
 * storage, replication throttles, ...) are stored and described, and marked `noEffect` here (the
 * README lists them). Unknown names and invalid values are refused with INVALID_CONFIG.
 *
 * A topic that does not set a config gets the broker's: the server.properties synonym Kafka
 * reads for it (log.retention.hours for retention.ms, message.max.bytes for max.message.bytes,
 * ...; ServerTopicConfigSynonyms), else Kafka's default.
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
  compressionType: CompressionType;
  compressionGzipLevel: number;
  compressionLz4Level: number;
  compressionZstdLevel: number;
  flushMessages: number;
  flushMs: number;
  messageTimestampDifferenceMaxMs: number;
  messageTimestampBeforeMaxMs: number;
  messageTimestampAfterMaxMs: number;
  segmentIndexBytes: number;
  segmentJitterMs: number;
  preallocate: boolean;
  messageFormatVersion: string;
  messageDownconversionEnable: boolean;
  leaderReplicationThrottledReplicas: string;
  followerReplicationThrottledReplicas: string;
  deleteRetentionMs: number;
  minCleanableDirtyRatio: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  fileDeleteDelayMs: number;
  indexIntervalBytes: number;
  localRetentionMs: number;
  localRetentionBytes: number;
  remoteStorageEnable: false;
}

/** compression.type: "producer" keeps the producer's codec; any other is what batches are stored in. */
export const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;
export type CompressionType = (typeof COMPRESSION_TYPES)[number];

/**
 * A server.properties key that sets a topic config's broker-wide default, in Kafka's order of
 * precedence (the first one set wins): log.retention.ms, then .minutes, then .hours.
 */
export interface BrokerSynonym {
  name: string;
  /** The key's unit in milliseconds when the topic config counts milliseconds and the key does not (hours: 3600000). */
  factor?: number;
  /** Kafka's default for the key itself (null: none, e.g. log.retention.ms), as DescribeConfigs shows it. */
  default: string | null;
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
  /** The server.properties keys that set its broker-wide default (Kafka's ServerTopicConfigSynonyms). */
  synonyms: readonly BrokerSynonym[];
  /** Accepted, stored and described, but nothing in kcollect acts on it (the README says why). */
  noEffect?: true;
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

/** Kafka's ThrottledReplicaListValidator: "*" or partitionId:brokerId pairs. */
function throttledReplicas(name: string): TopicConfigDef['parse'] {
  return (value) => {
    const items = value.split(',').map((s) => s.trim());
    return items.every((i) => /^(\d+:\d+)?$/.test(i)) || items.join('') === '*'
      ? {ok: value}
      : {fix: `${name} must be the literal '*' or a list of replicas in the format [partitionId]:[brokerId],[partitionId]:[brokerId],...`};
  };
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** A key of the same type and unit as the topic config. */
const same = (name: string, dflt: string | null): BrokerSynonym => ({name, default: dflt});

function def(d: Omit<TopicConfigDef, 'readOnly' | 'sensitive' | 'synonyms'> & {synonyms?: BrokerSynonym[]}): TopicConfigDef {
  return {synonyms: [], ...d, readOnly: false, sensitive: false};
}

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  def({
    name: 'retention.ms',
    key: 'retentionMs',
    type: 'LONG',
    default: '604800000',
    doc: 'How long to keep a log segment after its newest record before deleting it; -1 keeps data forever.',
    parse: integer(-1n, LONG_MAX, 'use a whole number of milliseconds >= -1 (-1 keeps data forever), e.g. retention.ms=86400000'),
    synonyms: [same('log.retention.ms', null), {name: 'log.retention.minutes', factor: MINUTE_MS, default: null}, {name: 'log.retention.hours', factor: HOUR_MS, default: '168'}],
  }),
  def({
    name: 'retention.bytes',
    key: 'retentionBytes',
    type: 'LONG',
    default: '-1',
    doc: 'Maximum size of a partition before its oldest segments are deleted; -1 means no limit.',
    parse: integer(-1n, LONG_MAX, 'use a whole number of bytes >= -1 (-1 means no size limit), e.g. retention.bytes=1073741824'),
    synonyms: [same('log.retention.bytes', '-1')],
  }),
  def({
    name: 'segment.bytes',
    key: 'segmentBytes',
    type: 'INT',
    default: '1073741824',
    doc: 'Size at which a new log segment file is started.',
    parse: integer(14n, BigInt(INT_MAX), `use a whole number of bytes between 14 and ${INT_MAX}, e.g. segment.bytes=1073741824`),
    synonyms: [same('log.segment.bytes', '1073741824')],
  }),
  def({
    name: 'segment.ms',
    key: 'segmentMs',
    type: 'LONG',
    default: '604800000',
    doc: 'Time after which a new log segment is started even if the current one is not full.',
    parse: integer(1n, LONG_MAX, 'use a whole number of milliseconds >= 1, e.g. segment.ms=604800000'),
    synonyms: [same('log.roll.ms', null), {name: 'log.roll.hours', factor: HOUR_MS, default: '168'}],
  }),
  def({
    name: 'max.message.bytes',
    key: 'maxMessageBytes',
    type: 'INT',
    default: '1048588',
    doc: 'Largest record batch the broker accepts for this topic.',
    parse: integer(0n, BigInt(INT_MAX), `use a whole number of bytes between 0 and ${INT_MAX}, e.g. max.message.bytes=1048588`),
    synonyms: [same('message.max.bytes', '1048588')],
  }),
  def({
    name: 'message.timestamp.type',
    key: 'messageTimestampType',
    type: 'STRING',
    default: 'CreateTime',
    doc: 'Whether record timestamps are the producer\'s (CreateTime) or the broker\'s append time (LogAppendTime).',
    parse: oneOf(['CreateTime', 'LogAppendTime'], 'use CreateTime or LogAppendTime (case matters)'),
    synonyms: [same('log.message.timestamp.type', 'CreateTime')],
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
    synonyms: [same('log.cleanup.policy', 'delete')],
  }),
  def({
    name: 'min.insync.replicas',
    key: 'minInsyncReplicas',
    type: 'INT',
    default: '1',
    doc: 'Minimum number of in-sync replicas that must acknowledge an acks=all write.',
    parse: integer(1n, BigInt(INT_MAX), 'use a whole number >= 1, e.g. min.insync.replicas=2'),
    synonyms: [same('min.insync.replicas', '1')],
  }),
  def({
    name: 'unclean.leader.election.enable',
    key: 'uncleanLeaderElectionEnable',
    type: 'BOOLEAN',
    default: 'false',
    doc: 'Whether a replica outside the ISR may become leader, at the cost of losing data.',
    parse: bool(),
    synonyms: [same('unclean.leader.election.enable', 'false')],
  }),
  def({
    name: 'compression.type',
    key: 'compressionType',
    type: 'STRING',
    default: 'producer',
    doc: '"producer" stores batches as the producer compressed them; uncompressed, gzip, snappy, lz4 or zstd makes the broker store every batch in that codec, recompressing those that arrive in another.',
    parse: oneOf(COMPRESSION_TYPES, `use one of ${COMPRESSION_TYPES.join(', ')} (lower case)`),
    synonyms: [same('compression.type', 'producer')],
  }),
  def({
    name: 'compression.gzip.level',
    key: 'compressionGzipLevel',
    type: 'INT',
    default: '-1',
    doc: 'The gzip level of batches the broker recompresses for compression.type=gzip; -1 is zlib\'s default (6).',
    parse: (value) => {
      const r = integer(-1n, 9n, '')(value);
      return 'ok' in r && r.ok !== 0 ? r : {fix: 'use -1 (the default level) or a level from 1 to 9'};
    },
    synonyms: [same('compression.gzip.level', '-1')],
  }),
  def({
    name: 'compression.lz4.level',
    key: 'compressionLz4Level',
    type: 'INT',
    default: '9',
    doc: 'Accepted without effect: the broker\'s lz4 encoder has a single level.',
    parse: integer(1n, 17n, 'use a level from 1 to 17'),
    synonyms: [same('compression.lz4.level', '9')],
    noEffect: true,
  }),
  def({
    name: 'compression.zstd.level',
    key: 'compressionZstdLevel',
    type: 'INT',
    default: '3',
    doc: 'The zstd level of batches the broker recompresses for compression.type=zstd.',
    parse: integer(-131072n, 22n, 'use a level from -131072 to 22'),
    synonyms: [same('compression.zstd.level', '3')],
  }),
  def({
    name: 'flush.messages',
    key: 'flushMessages',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'Force an fdatasync after this many records; by default the OS page cache decides.',
    parse: integer(1n, LONG_MAX, `use a whole number >= 1 (default ${LONG_MAX_STRING} leaves flushing to the OS)`),
    synonyms: [same('log.flush.interval.messages', LONG_MAX_STRING)],
  }),
  def({
    name: 'flush.ms',
    key: 'flushMs',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'Force an fdatasync when this long has passed since the last one (checked on append).',
    parse: integer(0n, LONG_MAX, `use a whole number of milliseconds >= 0 (default ${LONG_MAX_STRING} leaves flushing to the OS)`),
    synonyms: [same('log.flush.interval.ms', null), same('log.flush.scheduler.interval.ms', LONG_MAX_STRING)],
  }),
  def({
    name: 'message.timestamp.difference.max.ms',
    key: 'messageTimestampDifferenceMaxMs',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'With CreateTime, the largest difference allowed between a record\'s timestamp and the broker\'s clock; a batch outside it gets INVALID_TIMESTAMP. Deprecated by Kafka 3.6 in favour of message.timestamp.before/after.max.ms, and used for either of them left at its default.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. message.timestamp.difference.max.ms=3600000'),
    synonyms: [same('log.message.timestamp.difference.max.ms', LONG_MAX_STRING)],
  }),
  def({
    name: 'message.timestamp.before.max.ms',
    key: 'messageTimestampBeforeMaxMs',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'With CreateTime, how far a record\'s timestamp may lie behind the broker\'s clock; older batches get INVALID_TIMESTAMP.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. message.timestamp.before.max.ms=86400000'),
    synonyms: [same('log.message.timestamp.before.max.ms', LONG_MAX_STRING)],
  }),
  def({
    name: 'message.timestamp.after.max.ms',
    key: 'messageTimestampAfterMaxMs',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'With CreateTime, how far a record\'s timestamp may lie ahead of the broker\'s clock; later batches get INVALID_TIMESTAMP.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. message.timestamp.after.max.ms=3600000'),
    synonyms: [same('log.message.timestamp.after.max.ms', LONG_MAX_STRING)],
  }),
  def({
    name: 'segment.index.bytes',
    key: 'segmentIndexBytes',
    type: 'INT',
    default: '10485760',
    doc: 'Size of a segment\'s offset index (8 bytes an entry); a segment whose index is full is rolled.',
    parse: integer(4n, BigInt(INT_MAX), `use a whole number of bytes between 4 and ${INT_MAX}, e.g. segment.index.bytes=10485760`),
    synonyms: [same('log.index.size.max.bytes', '10485760')],
  }),
  def({
    name: 'segment.jitter.ms',
    key: 'segmentJitterMs',
    type: 'LONG',
    default: '0',
    doc: 'Up to this much random time is taken off segment.ms for each new segment, so partitions do not all roll at once.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. segment.jitter.ms=0'),
    synonyms: [same('log.roll.jitter.ms', null), {name: 'log.roll.jitter.hours', factor: HOUR_MS, default: '0'}],
  }),
  def({
    name: 'index.interval.bytes',
    key: 'indexIntervalBytes',
    type: 'INT',
    default: '4096',
    doc: 'Bytes of batches between two entries of a segment\'s offset and time indexes (new segments take a changed value).',
    parse: integer(0n, BigInt(INT_MAX), `use a whole number of bytes between 0 and ${INT_MAX}, e.g. index.interval.bytes=4096`),
    synonyms: [same('log.index.interval.bytes', '4096')],
  }),
  def({
    name: 'file.delete.delay.ms',
    key: 'fileDeleteDelayMs',
    type: 'LONG',
    default: '60000',
    doc: 'Accepted without effect: kcollect removes a segment\'s files as soon as retention or DeleteRecords deletes the segment.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. file.delete.delay.ms=60000'),
    synonyms: [same('log.segment.delete.delay.ms', '60000')],
    noEffect: true,
  }),
  def({
    name: 'preallocate',
    key: 'preallocate',
    type: 'BOOLEAN',
    default: 'false',
    doc: 'Accepted without effect: segment files grow with appends and are never preallocated.',
    parse: bool(),
    synonyms: [same('log.preallocate', 'false')],
    noEffect: true,
  }),
  def({
    name: 'message.format.version',
    key: 'messageFormatVersion',
    type: 'STRING',
    default: '3.0-IV1',
    doc: 'Accepted and ignored, as Kafka 3.x ignores it: batches are always stored in the v2 format (magic 2).',
    parse: (value) => (/^\d+\.\d+(\.\d+)?(-IV\d+)?$/.test(value) ? {ok: value} : {fix: 'use a Kafka version such as 2.8 or 3.0-IV1 (it is ignored: batches are always v2)'}),
    synonyms: [same('log.message.format.version', '3.0-IV1')],
    noEffect: true,
  }),
  def({
    name: 'message.downconversion.enable',
    key: 'messageDownconversionEnable',
    type: 'BOOLEAN',
    default: 'true',
    doc: 'Whether old-format consumers may be served down-converted batches. kcollect serves only Fetch v4+ (record batches v2), so there is never anything to down-convert whatever the value.',
    parse: bool(),
    synonyms: [same('log.message.downconversion.enable', 'true')],
    noEffect: true,
  }),
  def({
    name: 'leader.replication.throttled.replicas',
    key: 'leaderReplicationThrottledReplicas',
    type: 'LIST',
    default: '',
    doc: 'Accepted without effect: kcollect does not throttle replication (it has no leader.replication.throttled.rate).',
    parse: throttledReplicas('leader.replication.throttled.replicas'),
    noEffect: true,
  }),
  def({
    name: 'follower.replication.throttled.replicas',
    key: 'followerReplicationThrottledReplicas',
    type: 'LIST',
    default: '',
    doc: 'Accepted without effect: kcollect does not throttle replication (it has no follower.replication.throttled.rate).',
    parse: throttledReplicas('follower.replication.throttled.replicas'),
    noEffect: true,
  }),
  def({
    name: 'delete.retention.ms',
    key: 'deleteRetentionMs',
    type: 'LONG',
    default: '86400000',
    doc: 'How long the cleaner keeps a tombstone (a record with a null value) of a compacted topic after it first compacted it; no effect on a cleanup.policy=delete topic.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. delete.retention.ms=86400000'),
    synonyms: [same('log.cleaner.delete.retention.ms', '86400000')],
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
    synonyms: [same('log.cleaner.min.cleanable.ratio', '0.5')],
  }),
  def({
    name: 'min.compaction.lag.ms',
    key: 'minCompactionLagMs',
    type: 'LONG',
    default: '0',
    doc: 'A segment is compacted only once its newest record is at least this old; no effect on a cleanup.policy=delete topic.',
    parse: integer(0n, LONG_MAX, 'use a whole number of milliseconds >= 0, e.g. min.compaction.lag.ms=0'),
    synonyms: [same('log.cleaner.min.compaction.lag.ms', '0')],
  }),
  def({
    name: 'max.compaction.lag.ms',
    key: 'maxCompactionLagMs',
    type: 'LONG',
    default: LONG_MAX_STRING,
    doc: 'A log whose oldest uncompacted record is older than this is compacted whatever its dirty ratio; no effect on a cleanup.policy=delete topic.',
    parse: integer(1n, LONG_MAX, `use a whole number of milliseconds >= 1, e.g. max.compaction.lag.ms=${LONG_MAX_STRING}`),
    synonyms: [same('log.cleaner.max.compaction.lag.ms', LONG_MAX_STRING)],
  }),
  def({
    name: 'local.retention.ms',
    key: 'localRetentionMs',
    type: 'LONG',
    default: '-2',
    doc: 'Accepted without effect: tiered storage\'s local retention (-2: retention.ms). kcollect keeps every segment locally, under retention.ms.',
    parse: integer(-2n, LONG_MAX, 'use a whole number of milliseconds >= -2 (-2 follows retention.ms), e.g. local.retention.ms=-2'),
    synonyms: [same('log.local.retention.ms', '-2')],
    noEffect: true,
  }),
  def({
    name: 'local.retention.bytes',
    key: 'localRetentionBytes',
    type: 'LONG',
    default: '-2',
    doc: 'Accepted without effect: tiered storage\'s local retention (-2: retention.bytes). kcollect keeps every segment locally, under retention.bytes.',
    parse: integer(-2n, LONG_MAX, 'use a whole number of bytes >= -2 (-2 follows retention.bytes), e.g. local.retention.bytes=-2'),
    synonyms: [same('log.local.retention.bytes', '-2')],
    noEffect: true,
  }),
  def({
    name: 'remote.storage.enable',
    key: 'remoteStorageEnable',
    type: 'BOOLEAN',
    default: 'false',
    doc: 'Tiered storage: only false, as on a Kafka broker without remote.log.storage.system.enable.',
    parse: (value) => {
      const v = value.toLowerCase();
      if (v === 'false') return {ok: false};
      return {fix: v === 'true' ? 'Tiered Storage functionality is disabled in the broker (kcollect has no remote log storage). Topic cannot be configured with remote log storage; use remote.storage.enable=false' : 'use true or false'};
    },
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

/** server.properties key -> the topic config it sets a default for. */
const BY_BROKER_KEY = new Map(TOPIC_CONFIGS.flatMap((d) => d.synonyms.map((s) => [s.name, {def: d, synonym: s}] as const)));

/** The topic config a server.properties key sets the default of (log.retention.hours: retention.ms), if it is one. */
export function topicConfigOfBrokerKey(key: string): TopicConfigDef | undefined {
  return BY_BROKER_KEY.get(key)?.def;
}

/** The topic defaults a broker's static config sets, resolved once for each of its topics. */
export interface BrokerTopicDefaults {
  /** The broker's own keys as given (server.properties), for DescribeConfigs' synonyms. */
  readonly staticConfig: Readonly<Record<string, string>>;
  /** Topic config name -> the value, in the topic config's units, a server.properties key gives it. */
  readonly values: Readonly<Record<string, string>>;
  /** What a topic without overrides gets. */
  readonly config: Readonly<TopicConfig>;
}

export const KAFKA_TOPIC_DEFAULTS: BrokerTopicDefaults = Object.freeze({staticConfig: {}, values: {}, config: DEFAULT_TOPIC_CONFIG});

/**
 * Reads the topic defaults out of a broker's static config, as Kafka's KafkaConfig does: for each
 * topic config the first of its server.properties synonyms that is set wins, converted to the
 * topic config's unit (log.retention.hours=24 is retention.ms=86400000; a negative retention is
 * -1, unlimited). Keys that are not topic synonyms are left alone. Throws a StorageError
 * INVALID_CONFIG naming the server.properties key.
 */
export function brokerTopicDefaults(staticConfig: Readonly<Record<string, string>>): BrokerTopicDefaults {
  const values: Record<string, string> = {};
  const config = {...DEFAULT_TOPIC_CONFIG} as Record<keyof TopicConfig, unknown>;
  for (const d of TOPIC_CONFIGS) {
    const s = d.synonyms.find((syn) => staticConfig[syn.name] !== undefined);
    if (!s) continue;
    const raw = staticConfig[s.name].trim();
    const invalid = (fix: string) => new StorageError('INVALID_CONFIG', `invalid value "${raw}" for ${s.name} (the broker default of topic config ${d.name}): ${fix}`, fix);
    let value = raw;
    if (s.factor !== undefined) {
      // Kafka's hours and minutes keys are ints.
      if (!/^[+-]?\d+$/.test(raw) || Math.abs(Number(raw)) > INT_MAX) throw invalid(`use a whole number, e.g. ${s.name}=${s.default ?? 1}`);
      value = String(Number(raw) * s.factor);
    }
    if (d.name === 'retention.ms') {
      // KafkaConfig.logRetentionTimeMillis: any negative means unlimited; 0 is refused.
      if (/^-\d+$/.test(value)) value = '-1';
      if (/^[+]?0+$/.test(value)) throw invalid(`${s.name} must be -1 (unlimited) or at least 1 ms`);
    }
    const parsed = d.parse(value);
    if ('fix' in parsed) throw invalid(s.factor === undefined ? parsed.fix.replaceAll(`${d.name}=`, `${s.name}=`) : `${value} ms for ${d.name}: ${parsed.fix}`);
    values[d.name] = value;
    config[d.key] = parsed.ok;
  }
  return {staticConfig: {...staticConfig}, values, config: config as unknown as TopicConfig};
}

function unknownConfig(name: string): StorageError {
  const broker = BY_BROKER_KEY.get(name);
  if (broker) {
    return new StorageError('INVALID_CONFIG', `unknown topic config "${name}": it is the broker's (server.properties) key; the topic config is ${broker.def.name}`, `use ${broker.def.name}${broker.synonym.factor ? ' (in milliseconds)' : ''}`);
  }
  // Names that share a word with it: "retention.hours" -> retention.ms, retention.bytes.
  const words = name.split('.');
  const near = TOPIC_CONFIGS.map((c) => c.name).filter((c) => c.split('.').some((w) => w.length > 3 && words.includes(w)));
  return new StorageError(
    'INVALID_CONFIG',
    `unknown topic config "${name}"${near.length ? ` (Kafka's topic configs include ${near.slice(0, 6).join(', ')})` : ''}`,
    'use one of Kafka\'s topic config names (kcollect topic describe NAME lists them all)',
  );
}

/**
 * Validates per-topic overrides and resolves them over the broker's defaults (Kafka's when none
 * is given). Throws a StorageError with code INVALID_CONFIG naming the key and the fix; unknown
 * keys are rejected too.
 */
export function validateTopicConfig(overrides: Record<string, string>, defaults: BrokerTopicDefaults = KAFKA_TOPIC_DEFAULTS): TopicConfig {
  const config = {...defaults.config} as Record<keyof TopicConfig, unknown>;
  for (const [name, raw] of Object.entries(overrides)) {
    const d = BY_NAME.get(name);
    if (!d) throw unknownConfig(name);
    if (typeof raw !== 'string') {
      throw new StorageError('INVALID_CONFIG', `topic config ${name} must be given as a string value`, `e.g. ${name}=${d.default}`);
    }
    config[d.key] = mustParse(d, raw);
  }
  return config as unknown as TopicConfig;
}

/** Where a config's value comes from: the topic's override, the broker's server.properties, Kafka's default. */
export type ConfigSourceKind = 'topic' | 'broker' | 'default';

export interface ConfigSynonym {
  name: string;
  value: string;
  source: ConfigSourceKind;
}

export interface ConfigEntry {
  name: string;
  value: string;
  source: ConfigSourceKind;
  /** Kafka's synonyms, highest precedence first: the override, the server.properties keys set, their defaults. */
  synonyms: ConfigSynonym[];
  type: ConfigType;
  readOnly: boolean;
  sensitive: false;
  doc: string;
}

/** Every topic config with its effective value and where it comes from (DescribeConfigs, CreateTopics v5+). */
export function describeTopicConfig(overrides: Record<string, string>, defaults: BrokerTopicDefaults = KAFKA_TOPIC_DEFAULTS): ConfigEntry[] {
  return TOPIC_CONFIGS.map((d) => {
    const own = Object.hasOwn(overrides, d.name);
    const synonyms: ConfigSynonym[] = [];
    if (own) synonyms.push({name: d.name, value: overrides[d.name].trim(), source: 'topic'});
    for (const s of d.synonyms) {
      const v = defaults.staticConfig[s.name];
      if (v !== undefined) synonyms.push({name: s.name, value: v.trim(), source: 'broker'});
    }
    for (const s of d.synonyms) if (s.default !== null) synonyms.push({name: s.name, value: s.default, source: 'default'});
    const fromBroker = defaults.values[d.name];
    return {
      name: d.name,
      value: own ? overrides[d.name].trim() : (fromBroker ?? d.default),
      source: own ? 'topic' : fromBroker !== undefined ? 'broker' : 'default',
      synonyms,
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
