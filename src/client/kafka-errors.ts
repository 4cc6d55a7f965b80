import {UserError} from '../lib/errors.js';
import {ClientSecurityError} from './client-config.js';
import {hintFor} from './error-hints.js';
import type {BackoffPolicy} from '../lib/backoff.js';

const UNREACHABLE_HINT = 'start one with `kcollect broker start`, or pass -b HOST:PORT';

/** A broker that refused or did not answer a connection (it may be restarting: callers that wait for one retry). */
export class BrokerUnreachableError extends UserError {
  constructor(message: string, hint = UNREACHABLE_HINT) {
    super(message, hint);
  }
}

/** Between readings that ended because Kafka was out of reach (a join's retries are alike). */
export const KAFKA_RETRY_BACKOFF: BackoffPolicy = {initialMs: 100, maxMs: 2000};

/**
 * Kafka did not answer: no broker accepted a connection, or one closed or reset it (a broker
 * restarting). Whoever waits for Kafka (a group member, a drain) tries again; anything else
 * (a refused login, a Kafka error answer) is not mended by waiting.
 */
export function kafkaOutOfReach(err: unknown): boolean {
  if (err instanceof BrokerUnreachableError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return /^connection to \S+ closed/.test(err.message) || (code !== undefined && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code));
}

/** The one-line error every command gives when no bootstrap broker accepts a connection. */
export function unreachable(brokers: string[]): UserError {
  return new BrokerUnreachableError(`no Kafka broker answers at ${brokers.join(',')}`);
}

/** What kafkajs puts on its errors; every field is optional because causes nest. */
interface KafkajsErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: number | string;
  errors?: unknown[];
  cause?: unknown;
  originalError?: unknown;
}

function isConnectionError(e: KafkajsErrorLike): boolean {
  return (
    e.name === 'KafkaJSConnectionError' ||
    e.name === 'KafkaJSConnectionClosedError' ||
    e.name === 'KafkaJSBrokerNotFound' ||
    e.name === 'KafkaJSNoBrokerAvailableError' ||
    /ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|Connection timeout|Connection error/.test(e.message ?? '')
  );
}

/** A refused SASL login or TLS handshake: the broker is there, the client settings are wrong. */
function securityFailure(e: KafkajsErrorLike): {message: string; hint: string} | undefined {
  const message = e.message ?? '';
  if (e.name === 'KafkaJSSASLAuthenticationError') return {message, hint: 'check sasl.username and sasl.password (or sasl.jaas.config) and sasl.mechanism'};
  if (/certificate|secure TLS|SSL routines|altnames|EPROTO/i.test(message)) {
    return {message: `TLS handshake failed: ${message}`, hint: 'check ssl.ca.location (the CA that signed the broker certificate), the client certificate and key, and that this port is an SSL or SASL_SSL listener'};
  }
  return undefined;
}

/** The innermost error kafkajs wrapped (retries exceeded, aggregate errors). */
function unwrap(err: unknown): KafkajsErrorLike {
  let e = (err ?? {}) as KafkajsErrorLike;
  for (let depth = 0; depth < 5; depth++) {
    if (e.type) return e;
    const inner = e.errors?.[0] ?? (e.name === 'KafkaJSNumberOfRetriesExceeded' ? e.cause ?? e.originalError : undefined);
    if (!inner) return e;
    e = inner as KafkajsErrorLike;
  }
  return e;
}

/** A topic that does not exist; its own class so that --if-exists can tell it from other errors. */
export class MissingTopicError extends UserError {}

/** In its own place (not admin.ts) so the wire clients need not load kafkajs. */
export const missingTopic = (name: string) =>
  new MissingTopicError(`topic "${name}" does not exist (UNKNOWN_TOPIC_OR_PARTITION)`, hintFor('UNKNOWN_TOPIC_OR_PARTITION')!.replace('NAME', name));

/**
 * Turns a kafkajs error into a one-line UserError that keeps the Kafka protocol name and code
 * ("UNKNOWN_TOPIC_OR_PARTITION (3)"); unreachable brokers become the standard message.
 * `what` says what we were doing ("create topic orders"); `topic` fills the hints.
 */
export function translateKafkaError(err: unknown, what: string, brokers: string[], topic?: string): Error {
  if (err instanceof UserError) return err;
  const e = unwrap(err);
  if (e.type) {
    const code = typeof e.code === 'number' ? ` (${e.code})` : '';
    const hint = hintFor(e.type);
    return new UserError(`${what}: ${e.type}${code}`, topic && hint ? hint.replaceAll('NAME', topic) : hint);
  }
  const security = securityFailure(e) ?? securityFailure(err as KafkajsErrorLike);
  if (security) return new ClientSecurityError(`${what}: ${security.message}`, security.hint);
  if (isConnectionError(e) || isConnectionError(err as KafkajsErrorLike)) return unreachable(brokers);
  if (e.name === 'KafkaJSRequestTimeoutError' || e.name === 'KafkaJSTimeout') {
    return new UserError(`${what}: the broker did not answer in time (${e.message})`, 'check the broker is healthy (`kcollect status`), then retry');
  }
  if (e.name && e.name.startsWith('KafkaJS')) return new UserError(`${what}: ${e.message}`);
  return err instanceof Error ? err : new Error(String(err));
}

/** Runs one kafkajs call; its failure comes back translated as above. */
export async function translated<T>(what: string, brokers: string[], fn: () => Promise<T>, topic?: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateKafkaError(err, what, brokers, topic);
  }
}
