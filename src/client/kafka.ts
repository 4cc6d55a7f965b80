import net from 'node:net';
// kafkajs is CommonJS: named ESM imports from it fail at run time, so take the default export.
import kafkajs from 'kafkajs';
import type {Admin, Kafka as KafkaInstance, KafkaConfig, SASLOptions} from 'kafkajs';
import {parseHostPort} from '../lib/address.js';
import {translateKafkaError, unreachable} from './kafka-errors.js';
import {registerCodecs} from './codecs.js';
import {tolerateLeaderlessPartitions} from './kafkajs-metadata.js';
import {DEFAULT_REQUEST_TIMEOUT_MS, defaultClientConfig, type ClientConfig} from './client-config.js';

const {Kafka, logLevel} = kafkajs;

/**
 * Checks that at least one bootstrap broker accepts a TCP connection, so an unreachable cluster
 * is reported in at most `timeoutMs` instead of after kafkajs' retries.
 */
export async function probeBrokers(brokers: string[], timeoutMs = 2500): Promise<void> {
  const attempts = brokers.map((b) => {
    const {host, port} = parseHostPort(b, '127.0.0.1', '--brokers');
    return new Promise<void>((resolve, reject) => {
      const socket = net.connect({host, port});
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('timeout'));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.destroy();
        resolve();
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  });
  try {
    await Promise.any(attempts);
  } catch {
    throw unreachable(brokers);
  }
}

/**
 * A kafkajs client tuned for a CLI: fails within seconds when brokers are away, and stays silent
 * unless KCOLLECT_DEBUG is set. Its consumers read snappy, LZ4 and zstd batches too. TLS and SASL
 * come from the client config (the command's unless given).
 */
export function createKafka(brokers: string[], clientId = 'kcollect', config: ClientConfig = defaultClientConfig()): KafkaInstance {
  registerCodecs();
  tolerateLeaderlessPartitions();
  return new Kafka({
    clientId,
    brokers,
    ...kafkajsSecurity(config),
    connectionTimeout: 2000,
    requestTimeout: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    retry: {retries: 2, initialRetryTime: 100, maxRetryTime: 1000},
    logLevel: process.env.KCOLLECT_DEBUG ? logLevel.DEBUG : logLevel.NOTHING,
  });
}

/**
 * Calls on a long-lived kafkajs admin (a drain's offsets and lag): when one fails, the admin's
 * connections are dropped and opened again. kafkajs keeps a connection whose requests timed out,
 * so a broker gone silent (or replaced behind its address) would fail every later call on it.
 */
export function renewingAdmin(admin: Admin): <T>(call: (admin: Admin) => Promise<T>) => Promise<T> {
  let renewing: Promise<void> | undefined;
  return async (call) => {
    try {
      return await call(admin);
    } catch (err) {
      renewing ??= admin
        .disconnect()
        .then(() => admin.connect())
        .catch(() => undefined)
        .finally(() => (renewing = undefined));
      await renewing;
      throw err;
    }
  };
}

/** kafkajs' `ssl` and `sasl` options for a client config. */
export function kafkajsSecurity(config: ClientConfig): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (config.tls) {
    const t = config.tls;
    out.ssl = {
      ca: t.ca,
      cert: t.cert,
      key: t.key,
      passphrase: t.keyPassword,
      minVersion: 'TLSv1.2',
      rejectUnauthorized: t.verifyCertificate,
      ...(t.verifyHostname ? {} : {checkServerIdentity: () => undefined}),
    };
  }
  if (config.sasl) {
    const {username, password} = config.sasl;
    const mechanism = config.sasl.mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
    out.sasl = {mechanism, username, password} as SASLOptions;
  }
  return out;
}

/**
 * The admin clients' common lifecycle: probes the brokers (the standard one-line error within
 * seconds when none answers), connects a kafkajs admin (a failed connect becomes a UserError) and
 * wraps it. With `fn`, runs it on the client and always closes the client; without, returns the
 * connected client for the caller to close.
 */
export function connectKafkaAdmin<C extends {close(): Promise<void>}>(brokers: string[], wrap: (admin: Admin) => C): Promise<C>;
export function connectKafkaAdmin<C extends {close(): Promise<void>}, T>(brokers: string[], wrap: (admin: Admin) => C, fn: (client: C) => Promise<T>, config?: ClientConfig): Promise<T>;
export async function connectKafkaAdmin<C extends {close(): Promise<void>}, T>(brokers: string[], wrap: (admin: Admin) => C, fn?: (client: C) => Promise<T>, config?: ClientConfig): Promise<C | T> {
  await probeBrokers(brokers);
  const admin = createKafka(brokers, 'kcollect', config).admin();
  try {
    await admin.connect();
  } catch (err) {
    throw translateKafkaError(err, 'connect', brokers);
  }
  const client = wrap(admin);
  if (!fn) return client;
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
