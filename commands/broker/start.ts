import path from 'node:path';
import {Flags} from '@oclif/core';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {zookeeperFlag} from '../../src/cli/flags.js';
import {UserError} from '../../src/lib/errors.js';
import {parseDuration, parseSize} from '../../src/lib/size.js';
import {runBrokerUntilSignal} from '../../src/services/broker-service.js';
import {plaintextListener, readServerProperties} from '../../src/services/server-properties.js';

export default class BrokerStart extends KcollectCommand {
  static override summary = 'Run an embedded Kafka-compatible broker in the foreground';
  static override description =
    'Serves the Kafka wire protocol (kafkajs, librdkafka/kcat, kafka-python, confluent-kafka clients) with data on disk. --config reads a Kafka server.properties (listeners with PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL; ACLs); flags override it. SIGHUP reloads TLS certificates. Stops gracefully on Ctrl-C or SIGTERM.';
  static override examples = [
    '<%= config.bin %> broker start',
    '<%= config.bin %> broker start --listen 127.0.0.1:9093 --data-dir .kcollect/broker-1 --id 1',
    '<%= config.bin %> broker start --config server.properties',
  ];
  static override enableJsonFlag = false;

  static override flags = {
    config: Flags.string({env: 'KCOLLECT_BROKER_CONFIG', description: 'a Kafka server.properties file (broker.id, log.dirs, listeners, ssl.*, sasl.*, authorizer.class.name, ...)'}),
    listen: Flags.string({env: 'KCOLLECT_LISTEN', description: 'HOST:PORT of a PLAINTEXT listener (port 0 picks a free port) [default: 127.0.0.1:9092]'}),
    'data-dir': Flags.string({env: 'KCOLLECT_DATA_DIR', description: 'where partition logs are kept (log.dirs) [default: .kcollect/broker-0]'}),
    id: Flags.integer({min: 0, env: 'KCOLLECT_BROKER_ID', description: 'broker id (broker.id) [default: 0]'}),
    'advertised-listener': Flags.string({env: 'KCOLLECT_ADVERTISED_LISTENER', description: 'HOST:PORT given to clients (default: the listen address)'}),
    'auto-create-topics': Flags.string({options: ['true', 'false'], env: 'KCOLLECT_AUTO_CREATE_TOPICS', description: 'create unknown topics on first use (auto.create.topics.enable) [default: true]'}),
    'num-partitions': Flags.integer({min: 1, env: 'KCOLLECT_NUM_PARTITIONS', description: 'partitions of auto-created topics (num.partitions) [default: 1]'}),
    'default-replication-factor': Flags.integer({min: 1, env: 'KCOLLECT_DEFAULT_REPLICATION_FACTOR', description: 'replication factor of auto-created topics and of CreateTopics without one (needs --zookeeper above 1) [default: 1]'}),
    'replica-lag-time-max': Flags.string({env: 'KCOLLECT_REPLICA_LAG_TIME_MAX', description: 'replica.lag.time.max.ms: a follower that has not caught up for this long leaves the ISR [default: 30s]'}),
    'zookeeper-session-timeout': Flags.string({env: 'KCOLLECT_ZOOKEEPER_SESSION_TIMEOUT', description: 'zookeeper.session.timeout.ms: a broker silent this long loses its registration and its leaderships (ZooKeeper clamps it to 2-20 ticks) [default: 6s]'}),
    'log-cleaner-enable': Flags.string({options: ['true', 'false'], env: 'KCOLLECT_LOG_CLEANER_ENABLE', description: 'log.cleaner.enable: compact cleanup.policy=compact topics in the background [default: true]'}),
    'log-cleaner-backoff': Flags.string({env: 'KCOLLECT_LOG_CLEANER_BACKOFF', description: 'log.cleaner.backoff.ms: how long the cleaner waits when no log needs cleaning [default: 15s]'}),
    'log-cleaner-dedupe-buffer-size': Flags.string({env: 'KCOLLECT_LOG_CLEANER_DEDUPE_BUFFER_SIZE', description: 'log.cleaner.dedupe.buffer.size: memory for the key map of one cleaning pass (24 bytes a key) [default: 128MiB]'}),
    'log-cleaner-io-max-bytes-per-second': Flags.string({env: 'KCOLLECT_LOG_CLEANER_IO_MAX_BYTES_PER_SECOND', description: 'log.cleaner.io.max.bytes.per.second: cap on the cleaner\'s reads plus writes, e.g. 50MiB (default: no cap)'}),
    'offsets-topic-num-partitions': Flags.integer({min: 1, max: 1000, env: 'KCOLLECT_OFFSETS_TOPIC_NUM_PARTITIONS', description: 'offsets.topic.num.partitions: partitions of __consumer_offsets when it is created [default: 50]'}),
    'offsets-topic-replication-factor': Flags.integer({min: 1, env: 'KCOLLECT_OFFSETS_TOPIC_REPLICATION_FACTOR', description: 'offsets.topic.replication.factor: replicas of __consumer_offsets (capped at the live brokers when it is created) [default: 3]'}),
    'queued-max-request-bytes': Flags.string({env: 'KCOLLECT_QUEUED_MAX_REQUEST_BYTES', description: 'queued.max.request.bytes: bytes of requests being received or answered, all connections together; past it the broker stops reading until answers give bytes back [default: 100MiB]'}),
    'connections-max-idle': Flags.string({env: 'KCOLLECT_CONNECTIONS_MAX_IDLE', description: 'connections.max.idle.ms: close connections with no traffic for this long [default: 10m]'}),
    'max-connections': Flags.integer({min: 1, env: 'KCOLLECT_MAX_CONNECTIONS', description: 'max.connections: refuse connections beyond this many (default: unlimited)'}),
    zookeeper: {...zookeeperFlag, description: 'register in ZooKeeper as Kafka 2.x does, HOST:PORT[,HOST:PORT...][/chroot] (zookeeper.connect; off by default)'},
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(BrokerStart);
    const file = flags.config ? readServerProperties(flags.config) : {options: {}, zookeeper: undefined, noEffect: []};
    const options = {...file.options};
    if (flags.listen || flags['advertised-listener']) {
      if (options.listeners) throw new UserError(`--listen/--advertised-listener and listeners in ${flags.config} both set the listeners`, `remove one: either the flags or listeners/advertised.listeners in ${flags.config}`);
      options.listeners = [plaintextListener(flags.listen ?? '127.0.0.1:9092', flags['advertised-listener'])];
    }
    options.listeners ??= [plaintextListener('127.0.0.1:9092')];
    if (flags['data-dir'] !== undefined) options.dataDir = path.resolve(flags['data-dir']);
    options.dataDir ??= path.resolve('.kcollect/broker-0');
    if (flags.id !== undefined) options.nodeId = flags.id;
    if (flags['auto-create-topics'] !== undefined) options.autoCreateTopics = flags['auto-create-topics'] === 'true';
    if (flags['num-partitions'] !== undefined) options.numPartitions = flags['num-partitions'];
    if (flags['default-replication-factor'] !== undefined) options.defaultReplicationFactor = flags['default-replication-factor'];
    if (flags['replica-lag-time-max'] !== undefined) options.replicaLagTimeMaxMs = parseDuration(flags['replica-lag-time-max'], '--replica-lag-time-max');
    if (flags['zookeeper-session-timeout'] !== undefined) options.zookeeperSessionTimeoutMs = parseDuration(flags['zookeeper-session-timeout'], '--zookeeper-session-timeout');
    if (flags['log-cleaner-enable'] !== undefined) options.logCleanerEnable = flags['log-cleaner-enable'] === 'true';
    if (flags['log-cleaner-backoff'] !== undefined) options.logCleanerBackoffMs = parseDuration(flags['log-cleaner-backoff'], '--log-cleaner-backoff');
    if (flags['log-cleaner-dedupe-buffer-size'] !== undefined) options.logCleanerDedupeBufferSize = parseSize(flags['log-cleaner-dedupe-buffer-size'], '--log-cleaner-dedupe-buffer-size');
    if (flags['log-cleaner-io-max-bytes-per-second'] !== undefined) options.logCleanerIoMaxBytesPerSecond = parseSize(flags['log-cleaner-io-max-bytes-per-second'], '--log-cleaner-io-max-bytes-per-second');
    if (flags['offsets-topic-num-partitions'] !== undefined) options.offsetsTopicNumPartitions = flags['offsets-topic-num-partitions'];
    if (flags['offsets-topic-replication-factor'] !== undefined) options.offsetsTopicReplicationFactor = flags['offsets-topic-replication-factor'];
    if (flags['queued-max-request-bytes'] !== undefined) options.queuedMaxRequestBytes = parseSize(flags['queued-max-request-bytes'], '--queued-max-request-bytes');
    if (flags['connections-max-idle'] !== undefined) options.connectionsMaxIdleMs = parseDuration(flags['connections-max-idle'], '--connections-max-idle');
    if (flags['max-connections'] !== undefined) options.maxConnections = flags['max-connections'];
    if (file.noEffect.length > 0) process.stderr.write(`${flags.config}: ${file.noEffect.join(', ')} accepted but without effect (one event loop, no thread pools or socket buffer sizes)\n`);
    await runBrokerUntilSignal(options, flags.zookeeper ?? file.zookeeper);
  }
}
