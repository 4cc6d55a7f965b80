import path from 'node:path';
import {Flags} from '@oclif/core';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {zookeeperFlag} from '../../src/cli/flags.js';
import {UserError} from '../../src/lib/errors.js';
import {parseDuration} from '../../src/lib/size.js';
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
    if (file.noEffect.length > 0) process.stderr.write(`${flags.config}: ${file.noEffect.join(', ')} accepted but without effect (one event loop, no thread pools or socket buffer sizes)\n`);
    await runBrokerUntilSignal(options, flags.zookeeper ?? file.zookeeper);
  }
}
