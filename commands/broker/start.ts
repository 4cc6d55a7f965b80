import path from 'node:path';
import {Flags} from '@oclif/core';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {zookeeperFlag} from '../../src/cli/flags.js';
import {parseHostPort} from '../../src/lib/address.js';
import {parseDuration, parseSize} from '../../src/lib/size.js';
import {runBrokerUntilSignal} from '../../src/services/broker-service.js';

export default class BrokerStart extends KcollectCommand {
  static override summary = 'Run an embedded Kafka-compatible broker in the foreground';
  static override description = 'Serves the Kafka wire protocol (kafkajs, librdkafka/kcat, kafka-python, confluent-kafka clients) with data on disk. Stops gracefully on Ctrl-C or SIGTERM.';
  static override examples = ['<%= config.bin %> broker start', '<%= config.bin %> broker start --listen 127.0.0.1:9093 --data-dir .kcollect/broker-1 --id 1'];
  static override enableJsonFlag = false;

  static override flags = {
    listen: Flags.string({default: '127.0.0.1:9092', env: 'KCOLLECT_LISTEN', description: 'HOST:PORT to listen on (port 0 picks a free port)'}),
    'data-dir': Flags.string({default: '.kcollect/broker-0', env: 'KCOLLECT_DATA_DIR', description: 'where partition logs are kept'}),
    id: Flags.integer({default: 0, min: 0, env: 'KCOLLECT_BROKER_ID', description: 'broker id (node.id)'}),
    'advertised-listener': Flags.string({env: 'KCOLLECT_ADVERTISED_LISTENER', description: 'HOST:PORT given to clients (default: the listen address)'}),
    'auto-create-topics': Flags.string({default: 'true', options: ['true', 'false'], env: 'KCOLLECT_AUTO_CREATE_TOPICS', description: 'create unknown topics on first use'}),
    'num-partitions': Flags.integer({default: 1, min: 1, env: 'KCOLLECT_NUM_PARTITIONS', description: 'partitions of auto-created topics'}),
    'default-replication-factor': Flags.integer({default: 1, min: 1, env: 'KCOLLECT_DEFAULT_REPLICATION_FACTOR', description: 'replication factor of auto-created topics and of CreateTopics without one (needs --zookeeper above 1)'}),
    'replica-lag-time-max': Flags.string({default: '30s', env: 'KCOLLECT_REPLICA_LAG_TIME_MAX', description: 'replica.lag.time.max.ms: a follower that has not caught up for this long leaves the ISR'}),
    'zookeeper-session-timeout': Flags.string({default: '6s', env: 'KCOLLECT_ZOOKEEPER_SESSION_TIMEOUT', description: 'zookeeper.session.timeout.ms: a broker silent this long loses its registration and its leaderships (ZooKeeper clamps it to 2-20 ticks)'}),
    'log-cleaner-enable': Flags.string({default: 'true', options: ['true', 'false'], env: 'KCOLLECT_LOG_CLEANER_ENABLE', description: 'log.cleaner.enable: compact cleanup.policy=compact topics in the background'}),
    'log-cleaner-backoff': Flags.string({default: '15s', env: 'KCOLLECT_LOG_CLEANER_BACKOFF', description: 'log.cleaner.backoff.ms: how long the cleaner waits when no log needs cleaning'}),
    'log-cleaner-dedupe-buffer-size': Flags.string({default: '128MiB', env: 'KCOLLECT_LOG_CLEANER_DEDUPE_BUFFER_SIZE', description: 'log.cleaner.dedupe.buffer.size: memory for the key map of one cleaning pass (24 bytes a key)'}),
    'log-cleaner-io-max-bytes-per-second': Flags.string({env: 'KCOLLECT_LOG_CLEANER_IO_MAX_BYTES_PER_SECOND', description: 'log.cleaner.io.max.bytes.per.second: cap on the cleaner\'s reads plus writes, e.g. 50MiB (default: no cap)'}),
    'offsets-topic-num-partitions': Flags.integer({default: 50, min: 1, max: 1000, env: 'KCOLLECT_OFFSETS_TOPIC_NUM_PARTITIONS', description: 'offsets.topic.num.partitions: partitions of __consumer_offsets when it is created'}),
    'offsets-topic-replication-factor': Flags.integer({default: 3, min: 1, env: 'KCOLLECT_OFFSETS_TOPIC_REPLICATION_FACTOR', description: 'offsets.topic.replication.factor: replicas of __consumer_offsets (capped at the live brokers when it is created)'}),
    zookeeper: {...zookeeperFlag, description: 'register in ZooKeeper as Kafka 2.x does, HOST:PORT[,HOST:PORT...][/chroot] (off by default)'},
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(BrokerStart);
    const listen = parseHostPort(flags.listen, '127.0.0.1', '--listen');
    const advertised = flags['advertised-listener'] ? parseHostPort(flags['advertised-listener'], listen.host, '--advertised-listener') : undefined;
    await runBrokerUntilSignal({
      host: listen.host,
      port: listen.port,
      advertisedHost: advertised?.host,
      advertisedPort: advertised?.port,
      dataDir: path.resolve(flags['data-dir']),
      nodeId: flags.id,
      autoCreateTopics: flags['auto-create-topics'] === 'true',
      numPartitions: flags['num-partitions'],
      defaultReplicationFactor: flags['default-replication-factor'],
      replicaLagTimeMaxMs: parseDuration(flags['replica-lag-time-max'], '--replica-lag-time-max'),
      zookeeperSessionTimeoutMs: parseDuration(flags['zookeeper-session-timeout'], '--zookeeper-session-timeout'),
      logCleanerEnable: flags['log-cleaner-enable'] === 'true',
      logCleanerBackoffMs: parseDuration(flags['log-cleaner-backoff'], '--log-cleaner-backoff'),
      logCleanerDedupeBufferSize: parseSize(flags['log-cleaner-dedupe-buffer-size'], '--log-cleaner-dedupe-buffer-size'),
      logCleanerIoMaxBytesPerSecond: flags['log-cleaner-io-max-bytes-per-second'] ? parseSize(flags['log-cleaner-io-max-bytes-per-second'], '--log-cleaner-io-max-bytes-per-second') : Number.POSITIVE_INFINITY,
      offsetsTopicNumPartitions: flags['offsets-topic-num-partitions'],
      offsetsTopicReplicationFactor: flags['offsets-topic-replication-factor'],
    }, flags.zookeeper);
  }
}
