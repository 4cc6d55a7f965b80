/**
 * `kcollect broker start`: its flags as plain data and what it does with them. Nothing here loads
 * oclif, so bin/run.js can start a broker without it (see broker-start-fast.ts): a broker that
 * starts in a fraction of the time restarts, fails over and runs in tests that much faster.
 */
import path from 'node:path';
import {UserError} from '../lib/errors.js';
import {parseDuration, parseSize} from '../lib/size.js';
import {runBrokerUntilSignal} from '../services/broker-service.js';
import {plaintextListener, readServerProperties} from '../services/server-properties.js';
import type {BrokerOptions} from '../broker/broker.js';

export interface BrokerFlagSpec {
  type: 'string' | 'integer';
  env: string;
  description: string;
  options?: string[];
  min?: number;
  max?: number;
}

export const BROKER_START_FLAGS = {
  config: {type: 'string', env: 'KCOLLECT_BROKER_CONFIG', description: 'a Kafka server.properties file (broker.id, log.dirs, listeners, ssl.*, sasl.*, authorizer.class.name, and the topic defaults log.retention.hours, log.segment.bytes, message.max.bytes, compression.type, ...)'},
  listen: {type: 'string', env: 'KCOLLECT_LISTEN', description: 'HOST:PORT of a PLAINTEXT listener (port 0 picks a free port) [default: 127.0.0.1:9092]'},
  'data-dir': {type: 'string', env: 'KCOLLECT_DATA_DIR', description: 'where partition logs are kept (log.dirs) [default: .kcollect/broker-0]'},
  id: {type: 'integer', min: 0, env: 'KCOLLECT_BROKER_ID', description: 'broker id (broker.id) [default: 0]'},
  'advertised-listener': {type: 'string', env: 'KCOLLECT_ADVERTISED_LISTENER', description: 'HOST:PORT given to clients (default: the listen address)'},
  'auto-create-topics': {type: 'string', options: ['true', 'false'], env: 'KCOLLECT_AUTO_CREATE_TOPICS', description: 'create unknown topics on first use (auto.create.topics.enable) [default: true]'},
  'num-partitions': {type: 'integer', min: 1, env: 'KCOLLECT_NUM_PARTITIONS', description: 'partitions of auto-created topics (num.partitions) [default: 1]'},
  'default-replication-factor': {type: 'integer', min: 1, env: 'KCOLLECT_DEFAULT_REPLICATION_FACTOR', description: 'replication factor of auto-created topics and of CreateTopics without one (needs --zookeeper above 1) [default: 1]'},
  'replica-lag-time-max': {type: 'string', env: 'KCOLLECT_REPLICA_LAG_TIME_MAX', description: 'replica.lag.time.max.ms: a follower that has not caught up for this long leaves the ISR [default: 30s]'},
  'zookeeper-session-timeout': {type: 'string', env: 'KCOLLECT_ZOOKEEPER_SESSION_TIMEOUT', description: 'zookeeper.session.timeout.ms: a broker silent this long loses its registration and its leaderships (ZooKeeper clamps it to 2-20 ticks) [default: 6s]'},
  'log-cleaner-enable': {type: 'string', options: ['true', 'false'], env: 'KCOLLECT_LOG_CLEANER_ENABLE', description: 'log.cleaner.enable: compact cleanup.policy=compact topics in the background [default: true]'},
  'log-cleaner-backoff': {type: 'string', env: 'KCOLLECT_LOG_CLEANER_BACKOFF', description: 'log.cleaner.backoff.ms: how long the cleaner waits when no log needs cleaning [default: 15s]'},
  'log-cleaner-dedupe-buffer-size': {type: 'string', env: 'KCOLLECT_LOG_CLEANER_DEDUPE_BUFFER_SIZE', description: 'log.cleaner.dedupe.buffer.size: memory for the key map of one cleaning pass (24 bytes a key) [default: 128MiB]'},
  'log-cleaner-io-max-bytes-per-second': {type: 'string', env: 'KCOLLECT_LOG_CLEANER_IO_MAX_BYTES_PER_SECOND', description: "log.cleaner.io.max.bytes.per.second: cap on the cleaner's reads plus writes, e.g. 50MiB (default: no cap)"},
  'offsets-topic-num-partitions': {type: 'integer', min: 1, max: 1000, env: 'KCOLLECT_OFFSETS_TOPIC_NUM_PARTITIONS', description: 'offsets.topic.num.partitions: partitions of __consumer_offsets when it is created [default: 50]'},
  'offsets-topic-replication-factor': {type: 'integer', min: 1, env: 'KCOLLECT_OFFSETS_TOPIC_REPLICATION_FACTOR', description: 'offsets.topic.replication.factor: replicas of __consumer_offsets (capped at the live brokers when it is created) [default: 3]'},
  'queued-max-request-bytes': {type: 'string', env: 'KCOLLECT_QUEUED_MAX_REQUEST_BYTES', description: 'queued.max.request.bytes: bytes of requests being received or answered, all connections together; past it the broker stops reading until answers give bytes back [default: 100MiB]'},
  'connections-max-idle': {type: 'string', env: 'KCOLLECT_CONNECTIONS_MAX_IDLE', description: 'connections.max.idle.ms: close connections with no traffic for this long [default: 10m]'},
  'max-connections': {type: 'integer', min: 1, env: 'KCOLLECT_MAX_CONNECTIONS', description: 'max.connections: refuse connections beyond this many (default: unlimited)'},
  zookeeper: {type: 'string', env: 'KCOLLECT_ZOOKEEPER', description: 'register in ZooKeeper as Kafka 2.x does, HOST:PORT[,HOST:PORT...][/chroot] (zookeeper.connect; off by default)'},
} satisfies Record<string, BrokerFlagSpec>;

export type BrokerStartFlags = {[K in keyof typeof BROKER_START_FLAGS]?: (typeof BROKER_START_FLAGS)[K]['type'] extends 'integer' ? number : string};

/** Flags over server.properties over the defaults; runs until SIGINT/SIGTERM. */
export async function runBrokerStart(flags: BrokerStartFlags): Promise<void> {
  const file = flags.config ? readServerProperties(flags.config) : {options: {}, zookeeper: undefined, noEffect: []};
  const options: Partial<BrokerOptions> = {...file.options};
  if (flags.listen || flags['advertised-listener']) {
    if (options.listeners) throw new UserError(`--listen/--advertised-listener and listeners in ${flags.config} both set the listeners`, `remove one: either the flags or listeners/advertised.listeners in ${flags.config}`);
    options.listeners = [plaintextListener(flags.listen ?? '127.0.0.1:9092', flags['advertised-listener'])];
  }
  options.listeners ??= [plaintextListener('127.0.0.1:9092')];
  if (flags['data-dir'] !== undefined) options.dataDir = path.resolve(flags['data-dir']);
  options.dataDir ??= path.resolve('.kcollect/broker-0');
  const set = <K extends keyof BrokerOptions, V>(key: K, value: V | undefined, convert: (v: V) => BrokerOptions[K]) => {
    if (value !== undefined) options[key] = convert(value);
  };
  const same = <T>(v: T) => v as never;
  const bool = (v: string) => v === 'true';
  const duration = (flag: string) => (v: string) => parseDuration(v, flag);
  const size = (flag: string) => (v: string) => parseSize(v, flag);
  set('nodeId', flags.id, same);
  set('autoCreateTopics', flags['auto-create-topics'], bool);
  set('numPartitions', flags['num-partitions'], same);
  set('defaultReplicationFactor', flags['default-replication-factor'], same);
  set('replicaLagTimeMaxMs', flags['replica-lag-time-max'], duration('--replica-lag-time-max'));
  set('zookeeperSessionTimeoutMs', flags['zookeeper-session-timeout'], duration('--zookeeper-session-timeout'));
  set('logCleanerEnable', flags['log-cleaner-enable'], bool);
  set('logCleanerBackoffMs', flags['log-cleaner-backoff'], duration('--log-cleaner-backoff'));
  set('logCleanerDedupeBufferSize', flags['log-cleaner-dedupe-buffer-size'], size('--log-cleaner-dedupe-buffer-size'));
  set('logCleanerIoMaxBytesPerSecond', flags['log-cleaner-io-max-bytes-per-second'], size('--log-cleaner-io-max-bytes-per-second'));
  set('offsetsTopicNumPartitions', flags['offsets-topic-num-partitions'], same);
  set('offsetsTopicReplicationFactor', flags['offsets-topic-replication-factor'], same);
  set('queuedMaxRequestBytes', flags['queued-max-request-bytes'], size('--queued-max-request-bytes'));
  set('connectionsMaxIdleMs', flags['connections-max-idle'], duration('--connections-max-idle'));
  set('maxConnections', flags['max-connections'], same);
  if (file.noEffect.length > 0) process.stderr.write(`${flags.config}: ${file.noEffect.join(', ')} accepted but without effect in kcollect's broker (one event loop: no thread pools or socket buffer sizes; see the README for the others)\n`);
  const zookeeper = flags.zookeeper ?? file.zookeeper;
  if (zookeeper !== undefined) options.staticConfig = {...options.staticConfig, 'zookeeper.connect': zookeeper};
  await runBrokerUntilSignal(options, zookeeper);
}
