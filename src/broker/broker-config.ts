/**
 * The broker's own configs as DescribeConfigs (resource type BROKER) reports them: every
 * server.properties key kcollect's broker understands, with its value and where it comes from
 * (STATIC_BROKER_CONFIG: server.properties or a flag; DEFAULT_CONFIG: not set), as
 * `kafka-configs.sh --describe --entity-type brokers --entity-name 0 --all`, AKHQ or Burrow read
 * them. Broker configs are static here (no dynamic broker configs), so every entry is read-only.
 */
import {TOPIC_CONFIGS, type ConfigType} from '../storage/topic-config.js';
import {type Broker, type BrokerOptions, DEFAULT_BROKER_OPTIONS} from './broker.js';

export type BrokerConfigType = ConfigType | 'SHORT' | 'PASSWORD';

export interface BrokerConfigEntry {
  name: string;
  /** null for passwords (and keys without a value), as Kafka answers. */
  value: string | null;
  source: 'broker' | 'default';
  type: BrokerConfigType;
  sensitive: boolean;
  synonyms: Array<{name: string; value: string | null; source: 'broker' | 'default'}>;
}

interface KeyDef {
  name: string;
  type: BrokerConfigType;
  /** The value in effect. */
  value(broker: Broker): string | null;
  /** What it is when nobody set it. */
  dflt(broker: Broker): string | null;
}

/** Kafka prints Double.MAX_VALUE for "no limit". */
const number = (n: number): string => (n === Number.POSITIVE_INFINITY ? '1.7976931348623157E308' : String(n));

/** A key backed by a broker option: its value is the option's; its default kcollect's. */
function option(name: string, type: BrokerConfigType, get: (o: BrokerOptions) => string | number | boolean): KeyDef {
  const text = (v: string | number | boolean) => (typeof v === 'number' ? number(v) : String(v));
  return {name, type, value: (b) => text(get(b.options)), dflt: () => text(get(DEFAULT_BROKER_OPTIONS))};
}

/** A key the broker reads at start (or accepts without effect): its value is as given, else `dflt`. */
function given(name: string, type: BrokerConfigType, dflt: string | null): KeyDef {
  return {name, type, value: (b) => b.options.staticConfig[name] ?? dflt, dflt: () => dflt};
}

/** A key describing the listeners, from the sockets the broker actually opened. */
function listening(name: string, value: (b: Broker) => string, dflt: (b: Broker) => string | null): KeyDef {
  return {name, type: 'STRING', value, dflt};
}

const listenersOf = (b: Broker) => b.advertisedListeners().map((l) => `${l.name}://${b.listeningOn(l.name).host}:${b.listeningOn(l.name).port}`).join(',');
const advertisedOf = (b: Broker) => b.advertisedListeners().map((l) => `${l.name}://${l.host}:${l.port}`).join(',');

const KEYS: KeyDef[] = [
  option('broker.id', 'INT', (o) => o.nodeId),
  option('log.dirs', 'STRING', (o) => o.dataDir),
  listening('listeners', listenersOf, () => 'PLAINTEXT://127.0.0.1:9092'),
  // Not set, Kafka advertises the listeners.
  listening('advertised.listeners', advertisedOf, listenersOf),
  listening('listener.security.protocol.map', (b) => b.advertisedListeners().map((l) => `${l.name}:${l.securityProtocol}`).join(','), (b) => b.advertisedListeners().map((l) => `${l.name}:${l.securityProtocol}`).join(',')),
  listening('inter.broker.listener.name', (b) => b.options.interBrokerListener ?? b.advertisedListeners()[0].name, (b) => b.advertisedListeners()[0].name),
  given('security.inter.broker.protocol', 'STRING', 'PLAINTEXT'),
  given('zookeeper.connect', 'STRING', null),
  option('zookeeper.session.timeout.ms', 'INT', (o) => o.zookeeperSessionTimeoutMs),
  given('zookeeper.connection.timeout.ms', 'INT', null),
  option('num.partitions', 'INT', (o) => o.numPartitions),
  option('default.replication.factor', 'INT', (o) => o.defaultReplicationFactor),
  option('auto.create.topics.enable', 'BOOLEAN', (o) => o.autoCreateTopics),
  given('delete.topic.enable', 'BOOLEAN', 'true'),
  option('replica.lag.time.max.ms', 'LONG', (o) => o.replicaLagTimeMaxMs),
  option('socket.request.max.bytes', 'INT', (o) => o.socketRequestMaxBytes),
  option('queued.max.request.bytes', 'LONG', (o) => o.queuedMaxRequestBytes),
  option('connections.max.idle.ms', 'LONG', (o) => o.connectionsMaxIdleMs),
  option('max.connections', 'INT', (o) => o.maxConnections),
  option('group.initial.rebalance.delay.ms', 'INT', (o) => o.groupInitialRebalanceDelayMs),
  option('offsets.topic.num.partitions', 'INT', (o) => o.offsetsTopicNumPartitions),
  option('offsets.topic.replication.factor', 'SHORT', (o) => o.offsetsTopicReplicationFactor),
  option('transaction.state.log.num.partitions', 'INT', (o) => o.transactionStateLogNumPartitions),
  option('transaction.state.log.replication.factor', 'SHORT', (o) => o.transactionStateLogReplicationFactor),
  given('transaction.state.log.min.isr', 'INT', '2'),
  option('transaction.max.timeout.ms', 'INT', (o) => o.transactionMaxTimeoutMs),
  option('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'INT', (o) => o.transactionAbortTimedOutTransactionCleanupIntervalMs),
  option('log.retention.check.interval.ms', 'LONG', (o) => o.logRetentionCheckIntervalMs),
  option('log.cleaner.enable', 'BOOLEAN', (o) => o.logCleanerEnable),
  option('log.cleaner.backoff.ms', 'LONG', (o) => o.logCleanerBackoffMs),
  option('log.cleaner.dedupe.buffer.size', 'LONG', (o) => o.logCleanerDedupeBufferSize),
  option('log.cleaner.io.max.bytes.per.second', 'DOUBLE', (o) => o.logCleanerIoMaxBytesPerSecond),
  given('authorizer.class.name', 'STRING', ''),
  given('super.users', 'STRING', null),
  given('sasl.enabled.mechanisms', 'LIST', null),
  given('sasl.mechanism.inter.broker.protocol', 'STRING', null),
  given('sasl.jaas.config', 'PASSWORD', null),
  given('ssl.keystore.type', 'STRING', 'PEM'),
  given('ssl.keystore.location', 'STRING', null),
  given('ssl.keystore.password', 'PASSWORD', null),
  given('ssl.key.password', 'PASSWORD', null),
  given('ssl.truststore.type', 'STRING', 'PEM'),
  given('ssl.truststore.location', 'STRING', null),
  given('ssl.client.auth', 'STRING', 'none'),
  given('ssl.enabled.protocols', 'LIST', 'TLSv1.2,TLSv1.3'),
  given('ssl.cipher.suites', 'LIST', ''),
  given('ssl.protocol', 'STRING', 'TLSv1.3'),
  given('ssl.endpoint.identification.algorithm', 'STRING', 'https'),
  given('ssl.principal.mapping.rules', 'STRING', 'DEFAULT'),
  // Accepted without effect (one event loop): shown with Kafka's defaults.
  given('num.network.threads', 'INT', '3'),
  given('num.io.threads', 'INT', '8'),
  given('num.recovery.threads.per.data.dir', 'INT', '1'),
  given('num.replica.fetchers', 'INT', '1'),
  given('background.threads', 'INT', '10'),
  given('socket.send.buffer.bytes', 'INT', '102400'),
  given('socket.receive.buffer.bytes', 'INT', '102400'),
  given('queued.max.requests', 'INT', '500'),
  // The topic defaults: log.retention.hours, log.segment.bytes, message.max.bytes, compression.type, ...
  ...TOPIC_CONFIGS.flatMap((d) => d.synonyms.map((s) => given(s.name, s.factor === undefined ? d.type : 'INT', s.default))),
];

const KNOWN = new Map(KEYS.map((k) => [k.name, k]));

const isSensitive = (name: string, type: BrokerConfigType): boolean => type === 'PASSWORD' || /(^|\.)(password|sasl\.jaas\.config)$/.test(name);

/** Every broker config kcollect has, plus whatever else server.properties set (listener.name.*), by name. */
export function describeBrokerConfig(broker: Broker): BrokerConfigEntry[] {
  const staticConfig = broker.options.staticConfig;
  const entries = KEYS.map((k) => entry(k.name, k.type, k.value(broker), k.dflt(broker), Object.hasOwn(staticConfig, k.name)));
  for (const [name, value] of Object.entries(staticConfig)) {
    if (KNOWN.has(name)) continue;
    // listener.name.<listener>.<key>: the type of <key>.
    const base = /^listener\.name\.[^.]+\.(?:[a-z0-9-]+\.(?=sasl\.jaas\.config$))?(.+)$/.exec(name)?.[1];
    entries.push(entry(name, (base && KNOWN.get(base)?.type) || 'STRING', value, null, true));
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

function entry(name: string, type: BrokerConfigType, value: string | null, dflt: string | null, set: boolean): BrokerConfigEntry {
  const sensitive = isSensitive(name, type);
  // Set in server.properties, by a flag, or by the program that started the broker.
  const fromBroker = set || value !== dflt;
  const shown = (v: string | null) => (sensitive ? null : v);
  const synonyms: BrokerConfigEntry['synonyms'] = [];
  if (fromBroker) synonyms.push({name, value: shown(value), source: 'broker'});
  if (dflt !== null) synonyms.push({name, value: shown(dflt), source: 'default'});
  return {name, value: shown(value), source: fromBroker ? 'broker' : 'default', type, sensitive, synonyms};
}
