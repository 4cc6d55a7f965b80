import fs from 'node:fs';
import {editDistance} from '../lib/edit-distance.js';
import {UserError} from '../lib/errors.js';
import {resolveSecretReference} from '../lib/secret-reference.js';
import {definedOnly} from '../lib/size.js';
import {PLAIN_LOGIN_MODULE, SCRAM_LOGIN_MODULE, parseJaasConfig} from '../security/jaas.js';
import {parseClientSettings, SETTING_KEYS, type ClientSettings} from './client-settings.js';

/**
 * The one place client properties become connection settings. Users bring the property names
 * they already have (librdkafka's and the Java client's: `security.protocol`, `sasl.*`, `ssl.*`)
 * from -X, --command-config, KCOLLECT_CLIENT_CONFIG, the profile or an agent file; every Kafka
 * connection of kcollect (wire producer and fetcher, kafkajs admin and groups, the dashboard)
 * takes the typed result. Producer and consumer properties (bootstrap.servers, acks, group.id, ...)
 * become ClientSettings (client-settings.ts), which commands apply where their flags are not given.
 */

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface SaslSettings {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

/** PEM texts (read when the config is parsed, so a bad path is reported with its key). */
export interface TlsSettings {
  /** Trusted CAs; without, Node's default roots. */
  ca?: string;
  cert?: string;
  key?: string;
  keyPassword?: string;
  /** ssl.endpoint.identification.algorithm=https (the default): the certificate must name the host. */
  verifyHostname: boolean;
  /** librdkafka's enable.ssl.certificate.verification=false turns all checking off. */
  verifyCertificate: boolean;
}

export interface ClientConfig {
  securityProtocol: SecurityProtocol;
  sasl?: SaslSettings;
  tls?: TlsSettings;
  /** request.timeout.ms: how long a request waits for its answer (default DEFAULT_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

/** Kafka's Java clients' request.timeout.ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** TLS or SASL refused the connection: the broker is there, the settings are wrong. */
export class ClientSecurityError extends UserError {}

export const PLAINTEXT: ClientConfig = {securityProtocol: 'PLAINTEXT'};

/** One property and where it came from (`-X`, `client.properties:3`, `sinks.k1.properties`). */
export interface ClientProperty {
  key: string;
  value: string;
  where: string;
}

/** Properties whose values are secrets: never echoed in errors, never stored in status files. */
const SECRET_KEYS = new Set(['sasl.password', 'sasl.jaas.config', 'ssl.key.password', 'ssl.key.pem', 'ssl.keystore.key', 'ssl.keystore.password', 'ssl.truststore.password']);

/** The properties kcollect applies. */
const USED_KEYS = [
  'security.protocol',
  'sasl.mechanism',
  'sasl.mechanisms',
  'sasl.username',
  'sasl.password',
  'sasl.jaas.config',
  'ssl.ca.location',
  'ssl.ca.pem',
  'ssl.truststore.location',
  'ssl.truststore.type',
  'ssl.truststore.certificates',
  'ssl.certificate.location',
  'ssl.certificate.pem',
  'ssl.key.location',
  'ssl.key.pem',
  'ssl.key.password',
  'ssl.keystore.location',
  'ssl.keystore.type',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.endpoint.identification.algorithm',
  'enable.ssl.certificate.verification',
  'request.timeout.ms',
] as const;

/**
 * Client properties found in ordinary client.properties, producer.properties and
 * consumer.properties files that change nothing kcollect guarantees (timeouts, buffer and batch
 * tuning, serializers of bytes it sends as they are, librdkafka's diagnostics): accepted, and
 * named back to the user as ignored. isolation.level: kcollect always reads committed records;
 * enable.auto.commit: it commits only what its sink confirmed.
 */
const IGNORED_KEYS = new Set([
  'client.id',
  'client.rack',
  'batch.size',
  'batch.num.messages',
  'buffer.memory',
  'queue.buffering.max.messages',
  'queue.buffering.max.kbytes',
  'max.in.flight.requests.per.connection',
  'max.in.flight',
  'delivery.timeout.ms',
  'message.timeout.ms',
  'max.block.ms',
  'max.request.size',
  'message.max.bytes',
  'key.serializer',
  'value.serializer',
  'key.deserializer',
  'value.deserializer',
  'max.poll.records',
  'enable.auto.commit',
  'auto.commit.interval.ms',
  'isolation.level',
  'fetch.min.bytes',
  'fetch.max.bytes',
  'fetch.max.wait.ms',
  'fetch.wait.max.ms',
  'max.partition.fetch.bytes',
  'send.buffer.bytes',
  'receive.buffer.bytes',
  'client.dns.lookup',
  'socket.timeout.ms',
  'socket.connection.setup.timeout.ms',
  'default.api.timeout.ms',
  'retries',
  'retry.backoff.ms',
  'reconnect.backoff.ms',
  'reconnect.backoff.max.ms',
  'metadata.max.age.ms',
  'connections.max.idle.ms',
  'api.version.request',
  'ssl.protocol',
  'ssl.enabled.protocols',
  'ssl.cipher.suites',
  'ssl.truststore.password',
  'ssl.keystore.password',
  // Diagnostics and metadata tuning kcat users pass out of habit (-X debug=broker,protocol).
  'debug',
  'log_level',
  'log.connection.close',
  'statistics.interval.ms',
  'topic.metadata.refresh.interval.ms',
  'socket.keepalive.enable',
  'broker.address.family',
  'enable.partition.eof',
  'check.crcs',
  'allow.auto.create.topics',
]);

export interface ParsedClientConfig {
  config: ClientConfig;
  settings: ClientSettings;
  /** Keys accepted but not applied (see IGNORED_KEYS), for a warning. */
  ignored: string[];
}

/**
 * Validates properties into one ClientConfig. A later property with the same key wins, so pass
 * the layers lowest first (profile, KCOLLECT_CLIENT_CONFIG, --command-config, -X). Values may
 * name a secret instead of holding it: `${NAME}` or `${env:NAME}` (an environment variable),
 * `${file:PATH}` (a file's text without its final newline).
 */
export function parseClientConfig(properties: readonly ClientProperty[]): ParsedClientConfig {
  const byKey = new Map<string, ClientProperty>();
  for (const p of properties) byKey.set(p.key.trim(), {...p, key: p.key.trim()});
  const ignored: string[] = [];
  for (const p of byKey.values()) {
    if (IGNORED_KEYS.has(p.key)) ignored.push(p.key);
    else if (!KNOWN_KEYS.includes(p.key)) throw unknownKey(p);
  }
  const get = (key: string): ClientProperty | undefined => {
    const p = byKey.get(key);
    return p && {...p, value: resolveSecretReference(p.value, `${p.where}: ${p.key}`)};
  };
  const value = (key: string) => get(key)?.value;

  const protocolProp = get('security.protocol');
  const securityProtocol = (protocolProp?.value.toUpperCase() ?? 'PLAINTEXT') as SecurityProtocol;
  if (!SECURITY_PROTOCOLS.includes(securityProtocol)) {
    throw new UserError(`${protocolProp!.where}: security.protocol "${protocolProp!.value}" is not one of ${SECURITY_PROTOCOLS.join(', ')}`, 'e.g. -X security.protocol=SASL_SSL');
  }
  const config: ClientConfig = {securityProtocol};
  if (securityProtocol.startsWith('SASL_')) config.sasl = saslSettings(get);
  else {
    const stray = ['sasl.mechanism', 'sasl.mechanisms', 'sasl.username', 'sasl.password', 'sasl.jaas.config'].map(get).find(Boolean);
    if (stray) throw new UserError(`${stray.where}: ${stray.key} is set but security.protocol is ${securityProtocol}, so no SASL login would happen`, 'set security.protocol=SASL_SSL (or SASL_PLAINTEXT)');
  }
  if (securityProtocol === 'SSL' || securityProtocol === 'SASL_SSL') config.tls = tlsSettings(get, value);
  const timeout = get('request.timeout.ms');
  if (timeout) config.requestTimeoutMs = positiveMilliseconds(timeout);
  return {config, settings: parseClientSettings(byKey.values()), ignored};
}

const KNOWN_KEYS: readonly string[] = [...USED_KEYS, ...SETTING_KEYS];

function unknownKey(p: ClientProperty): UserError {
  const typed = p.key.toLowerCase().replaceAll(/[_-]/g, '.');
  const near = KNOWN_KEYS.find((k) => editDistance(k, typed) <= 2);
  const listed = KNOWN_KEYS.filter((k) => !k.includes('.pem') && !k.startsWith('ssl.keystore.') && k !== 'ssl.truststore.certificates');
  return new UserError(`${p.where}: unknown client property "${p.key}"${near ? ` (did you mean ${near}?)` : ''}`, `kcollect takes librdkafka/Java client properties: ${listed.join(', ')}`);
}

type Get = (key: string) => ClientProperty | undefined;

function positiveMilliseconds(p: ClientProperty): number {
  const ms = Number(p.value.trim());
  if (!Number.isInteger(ms) || ms <= 0) throw new UserError(`${p.where}: ${p.key} "${p.value}" is not a positive number of milliseconds`, `e.g. ${p.key}=30000 (Kafka's default)`);
  return ms;
}

function saslSettings(get: Get): SaslSettings {
  // librdkafka says sasl.mechanisms, Java sasl.mechanism: the same setting.
  const mech = get('sasl.mechanism') ?? get('sasl.mechanisms');
  const mechanism = mech?.value.toUpperCase() as SaslMechanism | undefined;
  if (!mech) throw new UserError(`security.protocol ${get('security.protocol')!.value} needs sasl.mechanism`, `set sasl.mechanism to one of ${SASL_MECHANISMS.join(', ')}`);
  if (!SASL_MECHANISMS.includes(mechanism!)) {
    throw new UserError(`${mech.where}: ${mech.key} "${mech.value}" is not supported by kcollect`, `use one of ${SASL_MECHANISMS.join(', ')}`);
  }
  const jaas = get('sasl.jaas.config');
  const fromJaas = jaas ? credentialsOfJaas(jaas, mechanism!) : {};
  const username = get('sasl.username')?.value ?? fromJaas.username;
  const password = get('sasl.password')?.value ?? fromJaas.password;
  if (username === undefined || password === undefined) {
    throw new UserError(`SASL ${mechanism} needs a ${username === undefined ? 'sasl.username' : 'sasl.password'}`, 'set sasl.username and sasl.password (a password can be ${env:NAME} or ${file:PATH}), or sasl.jaas.config');
  }
  return {mechanism: mechanism!, username, password};
}

const LOGIN_MODULES: Record<string, (m: SaslMechanism) => boolean> = {
  [PLAIN_LOGIN_MODULE]: (m) => m === 'PLAIN',
  [SCRAM_LOGIN_MODULE]: (m) => m.startsWith('SCRAM-'),
};

/**
 * The Java client's `sasl.jaas.config`: `<LoginModule> required username="u" password="p";`.
 * Only PlainLoginModule and ScramLoginModule; their username and password options.
 */
function credentialsOfJaas(p: ClientProperty, mechanism: SaslMechanism): {username?: string; password?: string} {
  const {loginModule, options} = parseJaasConfig(p.value, `${p.where}: sasl.jaas.config`);
  const bad = (why: string) => new UserError(`${p.where}: sasl.jaas.config: ${why}`, 'e.g. org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="secret";');
  const accepts = LOGIN_MODULES[loginModule];
  if (!accepts) throw bad(`login module ${loginModule} is not supported (only PlainLoginModule and ScramLoginModule)`);
  if (!accepts(mechanism)) throw bad(`${loginModule.split('.').pop()} does not log in with sasl.mechanism ${mechanism}`);
  return {username: options.username, password: options.password};
}

function readPem(p: ClientProperty): string {
  try {
    return fs.readFileSync(p.value, 'utf8');
  } catch (err) {
    throw new UserError(`${p.where}: ${p.key}: cannot read ${p.value} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'give the path of a PEM file');
  }
}

function tlsSettings(get: Get, value: (key: string) => string | undefined): TlsSettings {
  for (const typeKey of ['ssl.truststore.type', 'ssl.keystore.type']) {
    const t = get(typeKey);
    if (t && t.value.toUpperCase() !== 'PEM') throw new UserError(`${t.where}: ${typeKey} "${t.value}" is not supported: kcollect reads PEM files only`, `convert the store to PEM (openssl pkcs12 -in store.p12 -out store.pem), then set ${typeKey}=PEM`);
  }
  const file = (key: string) => {
    const p = get(key);
    return p && readPem(p);
  };
  const ca = value('ssl.ca.pem') ?? value('ssl.truststore.certificates') ?? file('ssl.ca.location') ?? file('ssl.truststore.location');
  // A PEM keystore (KIP-651) holds the chain and the key in one file.
  const keystore = file('ssl.keystore.location');
  const cert = value('ssl.certificate.pem') ?? value('ssl.keystore.certificate.chain') ?? file('ssl.certificate.location') ?? keystore;
  const key = value('ssl.key.pem') ?? value('ssl.keystore.key') ?? file('ssl.key.location') ?? keystore;
  if ((cert === undefined) !== (key === undefined)) {
    throw new UserError(`a client certificate needs its key and a key its certificate: ${cert === undefined ? 'ssl.certificate.location' : 'ssl.key.location'} is missing`, 'set both ssl.certificate.location and ssl.key.location (or ssl.keystore.location with both in one PEM file)');
  }
  const algo = get('ssl.endpoint.identification.algorithm');
  const algorithm = algo?.value.toLowerCase() ?? 'https';
  if (!['https', 'none', ''].includes(algorithm)) throw new UserError(`${algo!.where}: ssl.endpoint.identification.algorithm "${algo!.value}" is not https or none`, 'https checks that the broker certificate names the host; none (or empty) does not');
  const verification = get('enable.ssl.certificate.verification');
  if (verification && !['true', 'false'].includes(verification.value)) throw new UserError(`${verification.where}: enable.ssl.certificate.verification must be true or false`);
  return definedOnly({ca, cert, key, keyPassword: value('ssl.key.password'), verifyHostname: algorithm === 'https', verifyCertificate: verification?.value !== 'false'});
}

/** True when the key holds a secret: its value is never printed. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key);
}

/** What a config says without its secrets, for logs and --json results. */
export function describeClientConfig(c: ClientConfig): string {
  const who = c.sasl ? ` ${c.sasl.mechanism} as ${c.sasl.username}` : '';
  const cert = c.tls?.cert ? ' with a client certificate' : '';
  return `${c.securityProtocol}${who}${cert}`;
}

let processDefault: ClientConfig = PLAINTEXT;

/**
 * The config of a connection that names none: a CLI command talks to one cluster, so its flags
 * set this once (src/cli/client-flags.ts); agent sinks and drains pass their own.
 */
export function defaultClientConfig(): ClientConfig {
  return processDefault;
}

export function setDefaultClientConfig(config: ClientConfig): void {
  processDefault = config;
}
