import fs from 'node:fs';
import {Flags} from '#oclif';
import {parseClientConfig, setDefaultClientConfig, type ClientProperty} from '../client/client-config.js';
import type {ClientSettings} from '../client/client-settings.js';
import {UserError} from '../lib/errors.js';
import {listValues} from '../services/list-values.js';
import {parseProperties} from '../topology/java-properties.js';
import {brokersFlag, readProfile, resolveBrokers} from './flags.js';

/** Every command that talks to Kafka: where the cluster is, and how to connect to it (TLS, SASL). */
export const kafkaFlags = {
  brokers: brokersFlag,
  'command-config': Flags.string({
    env: 'KCOLLECT_CLIENT_CONFIG',
    description:
      'client properties file (Kafka CLI --command-config): security.protocol, sasl.mechanism, sasl.username, sasl.password or sasl.jaas.config, ssl.truststore.location, ssl.keystore.location, ...; bootstrap.servers, acks, compression.type, enable.idempotence, linger.ms, group.id, auto.offset.reset and session.timeout.ms apply where their flags are not given',
  }),
  property: Flags.string({
    char: 'X',
    multiple: true,
    env: 'KCOLLECT_CLIENT_PROPERTIES',
    description: 'client property KEY=VALUE (repeatable, kcat -X; wins over --command-config), e.g. -X security.protocol=SASL_SSL -X sasl.mechanism=SCRAM-SHA-256; secrets as ${env:NAME} or ${file:PATH}',
  }),
};

export interface KafkaFlagValues {
  brokers?: string;
  'command-config'?: string;
  property?: string[] | string;
}

/**
 * The client properties of all layers, lowest first: profile, `file` (an agent file's), then
 * --command-config (or KCOLLECT_CLIENT_CONFIG), then -X.
 */
export function clientProperties(flags: KafkaFlagValues, file: ClientProperty[] = []): ClientProperty[] {
  const profile = Object.entries(readProfile().client ?? {}).map(([key, value]) => ({key, value, where: 'profile .kcollect/profile.json'}));
  const commandConfig = flags['command-config'];
  const fromFile = commandConfig === undefined ? [] : readCommandConfig(commandConfig);
  const fromX = listValues(flags.property).map((text) => {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UserError(`-X "${text.split('=')[0]}": not KEY=VALUE`, 'e.g. -X security.protocol=SSL');
    return {key: text.slice(0, eq), value: text.slice(eq + 1), where: '-X'};
  });
  return [...profile, ...file, ...fromFile, ...fromX];
}

function readCommandConfig(file: string): ClientProperty[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`--command-config ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'give a Java properties file of client properties');
  }
  return parseProperties(text, file).map((p) => ({key: p.key, value: p.value, where: `${file}:${p.line}`}));
}

export interface ResolvedClient {
  brokers: string[];
  /** The producer and consumer settings among the properties, for the commands that apply them. */
  settings: ClientSettings;
  /** Every property of every layer (see clientProperties). */
  properties: ClientProperty[];
}

/**
 * The client the flags describe, its properties read and parsed once: the bootstrap brokers (-b,
 * else the properties' bootstrap.servers, else the profile's), and its connection settings made
 * the default of every Kafka connection this command opens. Properties that do not apply are
 * named on stderr.
 */
export function resolveClient(flags: KafkaFlagValues, file: ClientProperty[] = []): ResolvedClient {
  const properties = clientProperties(flags, file);
  const {config, settings, ignored} = parseClientConfig(properties);
  for (const key of ignored) process.stderr.write(`kcollect: client property ${key} does not apply to kcollect (ignored)\n`);
  setDefaultClientConfig(config);
  return {brokers: resolveBrokers(flags.brokers ?? settings.bootstrapServers?.join(',')), settings, properties};
}

/** resolveClient for the commands that need only the brokers. */
export function resolveKafka(flags: KafkaFlagValues, file: ClientProperty[] = []): string[] {
  return resolveClient(flags, file).brokers;
}
