import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
import type {BrokerOptions} from '../broker/broker.js';
import type {ClientConfig} from '../client/client-config.js';
import {UserError} from '../lib/errors.js';
import {parseHostPort} from '../lib/address.js';
import {PLAIN_LOGIN_MODULE, SCRAM_LOGIN_MODULE, parseJaasConfig} from '../security/jaas.js';
import {
  type AuthorizerSettings,
  type ClientAuth,
  isSasl,
  isTls,
  type ListenerConfig,
  SASL_MECHANISMS,
  type SaslMechanism,
  type SaslSettings,
  SECURITY_PROTOCOLS,
  type SecurityProtocol,
  type TlsSettings,
} from '../security/listener.js';
import {parseProperties} from '../topology/java-properties.js';
import {StorageError} from '../storage/errors.js';
import {brokerTopicDefaults, topicConfigOfBrokerKey} from '../storage/topic-config.js';

export interface ServerProperties {
  options: Partial<BrokerOptions>;
  zookeeper?: string;
  /** Keys accepted that change nothing here (thread pools, socket buffers, log.preallocate, ...): told once at start. */
  noEffect: string[];
}

/** Kafka tuning keys that have no counterpart in a single-event-loop broker. */
const NO_EFFECT = new Set([
  'num.network.threads',
  'num.io.threads',
  'num.recovery.threads.per.data.dir',
  'num.replica.fetchers',
  'background.threads',
  'socket.send.buffer.bytes',
  'socket.receive.buffer.bytes',
  'queued.max.requests',
  'zookeeper.connection.timeout.ms',
]);

/** Kafka keys whose behaviour is fixed here: accepted only with the value we behave as. */
const FIXED: Record<string, {ok: (v: string) => boolean; behaviour: string}> = {
  'transaction.state.log.replication.factor': {ok: () => true, behaviour: ''},
  'transaction.state.log.min.isr': {ok: () => true, behaviour: ''},
  'delete.topic.enable': {ok: (v) => v === 'true', behaviour: 'topics can always be deleted'},
  'ssl.principal.mapping.rules': {ok: (v) => v.trim() === 'DEFAULT', behaviour: 'the principal is the certificate subject (DEFAULT); custom RULE: mappings are not supported'},
  'ssl.endpoint.identification.algorithm': {ok: () => true, behaviour: ''},
  'ssl.protocol': {ok: (v) => ['TLS', 'TLSv1.2', 'TLSv1.3'].includes(v), behaviour: 'only TLS 1.2 and 1.3 are served'},
};

const BROKER_KEYS = new Set([
  'broker.id',
  'node.id',
  'log.dirs',
  'log.dir',
  'listeners',
  'advertised.listeners',
  'listener.security.protocol.map',
  'inter.broker.listener.name',
  'security.inter.broker.protocol',
  'zookeeper.connect',
  'zookeeper.session.timeout.ms',
  'num.partitions',
  'default.replication.factor',
  'auto.create.topics.enable',
  'replica.lag.time.max.ms',
  'socket.request.max.bytes',
  'group.initial.rebalance.delay.ms',
  'offsets.topic.num.partitions',
  'offsets.topic.replication.factor',
  'transaction.state.log.num.partitions',
  'transaction.state.log.replication.factor',
  'transaction.max.timeout.ms',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms',
  'log.cleaner.enable',
  'log.cleaner.backoff.ms',
  'log.cleaner.dedupe.buffer.size',
  'log.cleaner.io.max.bytes.per.second',
  'log.retention.check.interval.ms',
  'queued.max.request.bytes',
  'connections.max.idle.ms',
  'max.connections',
  'authorizer.class.name',
  'super.users',
  'allow.everyone.if.no.acl.found',
  'sasl.enabled.mechanisms',
  'sasl.mechanism.inter.broker.protocol',
  'ssl.endpoint.identification.algorithm',
  'sasl.jaas.config',
]);

/** Listener-overridable keys (`listener.name.<listener>.<key>`). */
const SSL_KEYS = ['ssl.keystore.location', 'ssl.keystore.type', 'ssl.key.password', 'ssl.keystore.password', 'ssl.truststore.location', 'ssl.truststore.type', 'ssl.client.auth', 'ssl.enabled.protocols', 'ssl.cipher.suites'];

const AUTHORIZERS = new Set(['kafka.security.authorizer.AclAuthorizer', 'kafka.security.auth.SimpleAclAuthorizer']);

/** Reads a Kafka server.properties file into broker options; refuses what it cannot honour, by key. */
export function readServerProperties(file: string): ServerProperties {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'pass --config with the path of a Kafka server.properties file');
  }
  const base = path.dirname(path.resolve(file));
  const props = new Map(parseProperties(text, file).map((p) => [p.key, p.value.trim()]));
  return interpretServerProperties(props, file, base);
}

export function interpretServerProperties(props: Map<string, string>, file: string, base: string): ServerProperties {
  const where = (key: string): string => `${file}: ${key}`;
  const noEffect: string[] = [];
  const listenerKeys = new Map<string, Map<string, string>>();
  for (const [key, value] of props) {
    const prefixed = /^listener\.name\.([^.]+)\.(.+)$/.exec(key);
    if (prefixed) {
      const forListener = listenerKeys.get(prefixed[1]) ?? new Map<string, string>();
      forListener.set(prefixed[2], value);
      listenerKeys.set(prefixed[1], forListener);
      continue;
    }
    if (BROKER_KEYS.has(key) || SSL_KEYS.includes(key)) continue;
    // Topic defaults (log.retention.hours, message.max.bytes, compression.type, ...) are checked together below.
    const topicConfig = topicConfigOfBrokerKey(key);
    if (topicConfig) {
      if (topicConfig.noEffect) noEffect.push(key);
      continue;
    }
    if (NO_EFFECT.has(key)) {
      noEffect.push(key);
      continue;
    }
    const fixed = FIXED[key];
    if (fixed) {
      if (!fixed.ok(value)) throw new UserError(`${where(key)}=${value} cannot be honoured: ${fixed.behaviour}`, `remove ${key} from ${file}`);
      continue;
    }
    throw new UserError(`${where(key)} is not supported by kcollect's broker`, `remove ${key} from ${file} (see the README's list of server.properties keys)`);
  }

  // Kept as given: DescribeConfigs shows them as STATIC_BROKER_CONFIG, and the broker reads its topic defaults from them.
  const options: Partial<BrokerOptions> = {staticConfig: Object.fromEntries(props)};
  try {
    brokerTopicDefaults(options.staticConfig!);
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    throw new UserError(`${file}: ${err.message}`, err.hint ? `${err.hint} in ${file}` : `fix it in ${file}`);
  }
  const int = (key: string, min: number): number | undefined => {
    const v = props.get(key);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v) || Number(v) < min) throw new UserError(`${where(key)}=${v} is not a whole number >= ${min}`, `fix ${key} in ${file}`);
    return Number(v);
  };
  const bool = (key: string): boolean | undefined => {
    const v = props.get(key);
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw new UserError(`${where(key)}=${v} is not true or false`, `fix ${key} in ${file}`);
    return v === 'true';
  };

  const brokerId = int('broker.id', 0) ?? int('node.id', 0);
  if (brokerId !== undefined) options.nodeId = brokerId;
  const dirs = props.get('log.dirs') ?? props.get('log.dir');
  if (dirs !== undefined) {
    const list = dirs.split(',').map((d) => d.trim()).filter(Boolean);
    if (list.length !== 1) throw new UserError(`${where('log.dirs')}=${dirs}: kcollect's broker keeps its logs in exactly one directory`, `give log.dirs one directory in ${file}`);
    options.dataDir = path.resolve(base, list[0]);
  }
  setIf(options, 'numPartitions', int('num.partitions', 1));
  setIf(options, 'defaultReplicationFactor', int('default.replication.factor', 1));
  setIf(options, 'autoCreateTopics', bool('auto.create.topics.enable'));
  setIf(options, 'replicaLagTimeMaxMs', int('replica.lag.time.max.ms', 1));
  setIf(options, 'socketRequestMaxBytes', int('socket.request.max.bytes', 1));
  setIf(options, 'groupInitialRebalanceDelayMs', int('group.initial.rebalance.delay.ms', 0));
  setIf(options, 'offsetsTopicNumPartitions', int('offsets.topic.num.partitions', 1));
  setIf(options, 'offsetsTopicReplicationFactor', int('offsets.topic.replication.factor', 1));
  setIf(options, 'transactionStateLogNumPartitions', int('transaction.state.log.num.partitions', 1));
  setIf(options, 'transactionStateLogReplicationFactor', int('transaction.state.log.replication.factor', 1));
  setIf(options, 'transactionMaxTimeoutMs', int('transaction.max.timeout.ms', 1));
  setIf(options, 'transactionAbortTimedOutTransactionCleanupIntervalMs', int('transaction.abort.timed.out.transaction.cleanup.interval.ms', 1));
  setIf(options, 'logCleanerEnable', bool('log.cleaner.enable'));
  setIf(options, 'logCleanerBackoffMs', int('log.cleaner.backoff.ms', 0));
  setIf(options, 'logCleanerDedupeBufferSize', int('log.cleaner.dedupe.buffer.size', 1));
  setIf(options, 'logCleanerIoMaxBytesPerSecond', int('log.cleaner.io.max.bytes.per.second', 1));
  setIf(options, 'zookeeperSessionTimeoutMs', int('zookeeper.session.timeout.ms', 1));
  setIf(options, 'queuedMaxRequestBytes', int('queued.max.request.bytes', -1));
  setIf(options, 'connectionsMaxIdleMs', int('connections.max.idle.ms', 1));
  setIf(options, 'maxConnections', int('max.connections', 1));
  setIf(options, 'logRetentionCheckIntervalMs', int('log.retention.check.interval.ms', 1));

  const listeners = props.has('listeners') ? parseListeners(props, listenerKeys, file, base) : undefined;
  if (listeners) {
    options.listeners = listeners;
    options.interBrokerListener = interBrokerListener(props, listeners, file);
    options.interBrokerClient = interBrokerClient(props, listenerKeys, listeners.find((l) => l.name === options.interBrokerListener)!, file);
  } else if ([...listenerKeys.keys()].length > 0 || SSL_KEYS.some((k) => props.has(k)) || props.has('advertised.listeners')) {
    throw new UserError(`${file}: security or advertised.listeners keys are set but listeners is not`, 'add listeners=PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093 (or the ones you need)');
  }
  const authorizer = authorizerSettings(props, file);
  if (authorizer) options.authorizer = authorizer;
  return {options, zookeeper: props.get('zookeeper.connect'), noEffect};
}

function setIf<K extends keyof BrokerOptions>(options: Partial<BrokerOptions>, key: K, value: BrokerOptions[K] | undefined): void {
  if (value !== undefined) options[key] = value;
}

/** listener.security.protocol.map: NAME:PROTOCOL pairs; Kafka's default maps each protocol to itself. */
function protocolMap(props: Map<string, string>, file: string): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>(SECURITY_PROTOCOLS.map((p) => [p, p]));
  const text = props.get('listener.security.protocol.map');
  if (text === undefined) return map;
  map.clear();
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name, protocol] = entry.split(':').map((s) => s.trim());
    if (!name || !(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw new UserError(`${file}: listener.security.protocol.map entry "${entry}" is not NAME:PROTOCOL with PROTOCOL one of ${SECURITY_PROTOCOLS.join(', ')}`, 'e.g. listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL');
    }
    map.set(name.toUpperCase(), protocol as SecurityProtocol);
  }
  return map;
}

const LISTENER = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(\d{1,5})$/;

function parseEndpoints(text: string, key: string, file: string): Array<{name: string; host: string; port: number}> {
  return text.split(',').map((e) => e.trim()).filter(Boolean).map((entry) => {
    const m = LISTENER.exec(entry);
    if (!m || Number(m[3]) > 65535) throw new UserError(`${file}: ${key} entry "${entry}" is not NAME://HOST:PORT`, `e.g. ${key}=PLAINTEXT://127.0.0.1:9092,SASL_SSL://127.0.0.1:9093`);
    // An empty host means "all interfaces" to Kafka; kcollect keeps its loopback-only default.
    const host = m[2].replace(/^\[|\]$/g, '') || '127.0.0.1';
    return {name: m[1].toUpperCase(), host, port: Number(m[3])};
  });
}

function parseListeners(props: Map<string, string>, listenerKeys: Map<string, Map<string, string>>, file: string, base: string): ListenerConfig[] {
  const map = protocolMap(props, file);
  const endpoints = parseEndpoints(props.get('listeners')!, 'listeners', file);
  const seen = new Set<string>();
  for (const e of endpoints) {
    if (seen.has(e.name)) throw new UserError(`${file}: listeners names ${e.name} twice`, 'each listener needs its own name');
    seen.add(e.name);
  }
  const advertised = new Map(parseEndpoints(props.get('advertised.listeners') ?? '', 'advertised.listeners', file).map((e) => [e.name, e]));
  for (const name of advertised.keys()) {
    if (!seen.has(name)) throw new UserError(`${file}: advertised.listeners names ${name}, which is not in listeners`, 'advertise only listeners the broker has');
  }
  for (const name of listenerKeys.keys()) {
    if (!seen.has(name.toUpperCase())) throw new UserError(`${file}: listener.name.${name}.* is set but listeners has no ${name.toUpperCase()}`, 'fix the listener name (lower case in listener.name.<name>.*)');
  }
  return endpoints.map((e) => {
    const securityProtocol = map.get(e.name);
    if (!securityProtocol) throw new UserError(`${file}: listener ${e.name} has no entry in listener.security.protocol.map`, `add ${e.name}:PLAINTEXT (or SSL, SASL_PLAINTEXT, SASL_SSL) to listener.security.protocol.map`);
    const own = listenerKeys.get(e.name.toLowerCase()) ?? new Map<string, string>();
    const get = (key: string): string | undefined => own.get(key) ?? props.get(key);
    const ad = advertised.get(e.name);
    const listener: ListenerConfig = {name: e.name, securityProtocol, host: e.host, port: e.port, advertisedHost: ad?.host, advertisedPort: ad?.port};
    const at = (key: string): string => (own.has(key) ? `listener.name.${e.name.toLowerCase()}.${key}` : key);
    for (const key of own.keys()) {
      const known = SSL_KEYS.includes(key) || key === 'sasl.enabled.mechanisms' || /^[a-z0-9-]+\.sasl\.jaas\.config$/.test(key);
      if (!known) throw new UserError(`${file}: listener.name.${e.name.toLowerCase()}.${key} is not supported by kcollect's broker`, `remove it from ${file}`);
    }
    if (isTls(securityProtocol)) listener.tls = tlsSettings(get, at, file, base, e.name);
    if (isSasl(securityProtocol)) listener.sasl = saslSettings(props, own, e.name, file);
    return listener;
  });
}

function interBrokerListener(props: Map<string, string>, listeners: ListenerConfig[], file: string): string {
  const byName = props.get('inter.broker.listener.name')?.toUpperCase();
  const byProtocol = props.get('security.inter.broker.protocol');
  if (byName && byProtocol) throw new UserError(`${file}: inter.broker.listener.name and security.inter.broker.protocol are both set`, 'keep only inter.broker.listener.name, as Kafka requires');
  const chosen = byName ? listeners.find((l) => l.name === byName) : byProtocol ? listeners.find((l) => l.securityProtocol === byProtocol) : listeners.find((l) => l.name === 'PLAINTEXT') ?? listeners[0];
  if (!chosen) throw new UserError(`${file}: inter.broker.listener.name=${byName ?? byProtocol} is not one of the listeners (${listeners.map((l) => l.name).join(', ')})`, 'name one of the listeners');
  return chosen.name;
}

const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;

function tlsSettings(get: (k: string) => string | undefined, at: (k: string) => string, file: string, base: string, name: string): TlsSettings {
  for (const key of ['ssl.keystore.type', 'ssl.truststore.type']) {
    const v = get(key);
    if (v !== undefined && v !== 'PEM') throw new UserError(`${file}: ${at(key)}=${v}: only PEM stores are supported`, 'convert the store to PEM (keytool -importkeystore to PKCS12, then openssl pkcs12 -nodes) and set the type to PEM');
  }
  if (get('ssl.keystore.password') !== undefined) {
    throw new UserError(`${file}: ${at('ssl.keystore.password')} is not used with PEM keystores`, 'remove it; an encrypted private key takes ssl.key.password');
  }
  const keystore = get('ssl.keystore.location');
  if (!keystore) throw new UserError(`${file}: listener ${name} uses TLS but ssl.keystore.location is not set`, `set ${at('ssl.keystore.location')} to a PEM file holding the certificate chain and the private key`);
  const truststore = get('ssl.truststore.location');
  const clientAuth = (get('ssl.client.auth') ?? 'none') as ClientAuth;
  if (!['none', 'requested', 'required'].includes(clientAuth)) throw new UserError(`${file}: ${at('ssl.client.auth')}=${clientAuth}`, 'use none, requested or required');
  if (clientAuth !== 'none' && !truststore) throw new UserError(`${file}: ${at('ssl.client.auth')}=${clientAuth} needs ssl.truststore.location`, 'set it to the PEM file of the CA that signs client certificates');
  const protocols = (get('ssl.enabled.protocols') ?? 'TLSv1.2,TLSv1.3').split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of protocols) {
    if (!(TLS_VERSIONS as readonly string[]).includes(p)) throw new UserError(`${file}: ${at('ssl.enabled.protocols')} names ${p}`, 'only TLSv1.2 and TLSv1.3 are served');
  }
  if (protocols.length === 0) throw new UserError(`${file}: ${at('ssl.enabled.protocols')} is empty`, 'use TLSv1.2,TLSv1.3');
  const suites = (get('ssl.cipher.suites') ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((s) => toOpenSslCipher(s, at('ssl.cipher.suites'), file));
  return {
    keystoreLocation: path.resolve(base, keystore),
    keyPassword: get('ssl.key.password'),
    truststoreLocation: truststore ? path.resolve(base, truststore) : undefined,
    clientAuth,
    enabledProtocols: protocols as TlsSettings['enabledProtocols'],
    cipherSuites: suites,
  };
}

/**
 * Kafka names cipher suites as IANA/JSSE does (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); OpenSSL,
 * and so Node, as ECDHE-RSA-AES128-GCM-SHA256. TLS 1.3 suites have the same name in both.
 */
export function toOpenSslCipher(iana: string, key: string, file: string): string {
  // node:tls is loaded here, when a cipher is named, not when every broker starts.
  const tls: typeof import('node:tls') = createRequire(import.meta.url)('node:tls');
  const known = new Set(tls.getCiphers().map((c) => c.toUpperCase()));
  if (known.has(iana.toUpperCase()) && iana.startsWith('TLS_') && !iana.includes('_WITH_')) return iana;
  const m = /^TLS_(ECDHE|DHE)_(RSA|ECDSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256|AES_(128|256)_CBC_SHA(256|384)?)$/.exec(iana);
  let name: string | undefined;
  if (m) {
    const kx = m[1] === 'DHE' ? 'DHE-RSA' : `ECDHE-${m[2]}`;
    const c = m[3];
    if (c.startsWith('CHACHA20')) name = `${kx}-CHACHA20-POLY1305`;
    else if (c.includes('GCM')) name = `${kx}-AES${m[4]}-GCM-SHA${m[5]}`;
    else name = `${kx}-AES${m[6]}-SHA${m[7] ?? ''}`;
  }
  if (!name || !known.has(name.toUpperCase())) {
    throw new UserError(`${file}: ${key} names ${iana}, which this Node/OpenSSL cannot serve`, 'use TLS 1.2 ECDHE suites such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, or TLS 1.3 ones such as TLS_AES_128_GCM_SHA256');
  }
  return name;
}

function saslSettings(props: Map<string, string>, own: Map<string, string>, name: string, file: string): SaslSettings {
  const prefix = `listener.name.${name.toLowerCase()}.`;
  const mechText = own.get('sasl.enabled.mechanisms') ?? props.get('sasl.enabled.mechanisms');
  if (!mechText) throw new UserError(`${file}: listener ${name} uses SASL but sasl.enabled.mechanisms is not set`, 'set sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256 (GSSAPI, Kafka\'s default, is not supported)');
  const mechanisms = mechText.split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of mechanisms) {
    if (!(SASL_MECHANISMS as readonly string[]).includes(m)) throw new UserError(`${file}: sasl.enabled.mechanisms names ${m}`, `kcollect's broker supports ${SASL_MECHANISMS.join(', ')}`);
  }
  const plainUsers: Record<string, string> = {};
  for (const mech of mechanisms as SaslMechanism[]) {
    const key = `${mech.toLowerCase()}.sasl.jaas.config`;
    const text = own.get(key) ?? props.get('sasl.jaas.config');
    const shown = own.has(key) ? prefix + key : 'sasl.jaas.config';
    if (text === undefined) {
      if (mech === 'PLAIN') throw new UserError(`${file}: listener ${name} enables PLAIN but has no ${prefix}${key}`, `set ${prefix}${key}=${PLAIN_LOGIN_MODULE} required user_alice="alice-secret";`);
      continue;
    }
    const jaas = parseJaasConfig(text, `${file}: ${shown}`);
    const expected = mech === 'PLAIN' ? PLAIN_LOGIN_MODULE : SCRAM_LOGIN_MODULE;
    if (jaas.loginModule !== expected) throw new UserError(`${file}: ${shown} uses ${jaas.loginModule} for ${mech}`, `use ${expected}`);
    if (mech === 'PLAIN') {
      for (const [k, v] of Object.entries(jaas.options)) if (k.startsWith('user_')) plainUsers[k.slice(5)] = v;
    }
  }
  for (const key of own.keys()) {
    const mech = /^([a-z0-9-]+)\.sasl\.jaas\.config$/.exec(key)?.[1];
    if (mech && !mechanisms.includes(mech.toUpperCase())) throw new UserError(`${file}: ${prefix}${key} is set but ${mech.toUpperCase()} is not in sasl.enabled.mechanisms`, 'enable the mechanism or remove the key');
  }
  return {mechanisms: mechanisms as SaslMechanism[], plainUsers};
}

/**
 * How this broker reaches the others' inter-broker listener, as Kafka's brokers do: its own
 * keystore as the client certificate and its truststore, the mechanism
 * sasl.mechanism.inter.broker.protocol names, and the username/password options of the
 * listener's JAAS config for that mechanism.
 */
function interBrokerClient(props: Map<string, string>, listenerKeys: Map<string, Map<string, string>>, listener: ListenerConfig, file: string): ClientConfig | undefined {
  const {securityProtocol} = listener;
  if (securityProtocol === 'PLAINTEXT') return undefined;
  const config: ClientConfig = {securityProtocol};
  if (listener.tls) {
    const keystore = fs.readFileSync(listener.tls.keystoreLocation, 'utf8');
    const ca = listener.tls.truststoreLocation ? fs.readFileSync(listener.tls.truststoreLocation, 'utf8') : undefined;
    config.tls = {ca, cert: keystore, key: keystore, keyPassword: listener.tls.keyPassword, verifyHostname: props.get('ssl.endpoint.identification.algorithm') !== '', verifyCertificate: true};
  }
  if (listener.sasl) {
    const mechanism = props.get('sasl.mechanism.inter.broker.protocol');
    const fix = `set sasl.mechanism.inter.broker.protocol to one of ${listener.sasl.mechanisms.join(', ')}`;
    if (!mechanism) throw new UserError(`${file}: inter.broker.listener.name=${listener.name} uses SASL but sasl.mechanism.inter.broker.protocol is not set (Kafka's default GSSAPI is not supported)`, fix);
    if (!(listener.sasl.mechanisms as string[]).includes(mechanism)) throw new UserError(`${file}: sasl.mechanism.inter.broker.protocol=${mechanism} is not enabled on listener ${listener.name}`, fix);
    const key = `${mechanism.toLowerCase()}.sasl.jaas.config`;
    const text = listenerKeys.get(listener.name.toLowerCase())?.get(key) ?? props.get('sasl.jaas.config');
    const options = text === undefined ? {} : parseJaasConfig(text, `${file}: ${key}`).options;
    if (!options.username || options.password === undefined) {
      throw new UserError(`${file}: the ${listener.name} listener's ${key} has no username and password for the broker itself`, 'add username="admin" password="..." to it (for PLAIN also user_admin="..."; for SCRAM create the user first)');
    }
    config.sasl = {mechanism: mechanism as SaslMechanism, username: options.username, password: options.password};
  }
  return config;
}

function authorizerSettings(props: Map<string, string>, file: string): AuthorizerSettings | undefined {
  const cls = props.get('authorizer.class.name');
  const superUsers = (props.get('super.users') ?? '').split(';').map((s) => s.trim()).filter(Boolean);
  for (const u of superUsers) {
    if (!/^[^:]+:.+$/.test(u)) throw new UserError(`${file}: super.users entry "${u}" is not TYPE:NAME`, 'e.g. super.users=User:admin;User:CN=broker-0');
  }
  const allowEveryone = props.get('allow.everyone.if.no.acl.found');
  if (allowEveryone !== undefined && allowEveryone !== 'true' && allowEveryone !== 'false') throw new UserError(`${file}: allow.everyone.if.no.acl.found=${allowEveryone}`, 'use true or false');
  if (cls === undefined || cls === '') {
    if (superUsers.length > 0 || allowEveryone !== undefined) throw new UserError(`${file}: super.users or allow.everyone.if.no.acl.found set without authorizer.class.name`, 'set authorizer.class.name=kafka.security.authorizer.AclAuthorizer');
    return undefined;
  }
  if (!AUTHORIZERS.has(cls)) throw new UserError(`${file}: authorizer.class.name=${cls} is not supported`, 'use kafka.security.authorizer.AclAuthorizer');
  return {enabled: true, superUsers, allowEveryoneIfNoAclFound: allowEveryone === 'true'};
}

/** `--listen` as a one-listener list, for brokers started without server.properties. */
export function plaintextListener(listen: string, advertised?: string): ListenerConfig {
  const l = parseHostPort(listen, '127.0.0.1', '--listen');
  const a = advertised ? parseHostPort(advertised, l.host, '--advertised-listener') : undefined;
  return {name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: l.host, port: l.port, advertisedHost: a?.host, advertisedPort: a?.port};
}
