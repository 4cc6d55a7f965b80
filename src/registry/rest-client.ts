/**
 * A small client of the Confluent Schema Registry REST API (real, or `kcollect registry serve`):
 * the calls the CLI and the encoder make, with the registry's own error codes kept.
 */
import type http from 'node:http';
import {isTlsFailure} from '../client/tls-options.js';
import {nodeHttp, nodeHttps} from '../lib/lazy-builtins.js';
import {authorizationHeader, httpsClientAgent, splitUrlCredentials, type HttpClientSecurity} from '../lib/http-security.js';

export const REGISTRY_MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

/** The registry answered with an error: its HTTP status, error_code and message. */
export class RegistryRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryRequestError';
  }
}

/** No answer: connection refused, reset, timeout, or something that is not a registry. */
export class RegistryUnavailableError extends Error {
  constructor(message: string, options?: {cause?: unknown}) {
    super(message, options);
    this.name = 'RegistryUnavailableError';
  }
}

/** The handshake failed: an untrusted or refused certificate (still no answer, for a drain). */
export class RegistryTlsError extends RegistryUnavailableError {}

export interface SubjectVersion {
  subject: string;
  id: number;
  version: number;
  schema: string;
  schemaType?: string;
}

/** The Confluent default: the subject of a topic's record values (TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

export class RegistryRestClient {
  readonly url: string;
  private readonly agent: http.Agent;
  private readonly authorization: Record<string, string>;

  /**
   * `url` may hold `user:password@` (basic auth, as `security` may too; the URL kept and printed
   * never does); an https registry is checked against `security.ca`.
   */
  constructor(
    url: string,
    private readonly timeoutMs = 10_000,
    security: HttpClientSecurity = {},
  ) {
    const split = splitUrlCredentials(url);
    this.url = split.url.replace(/\/+$/, '');
    const s = {...security, ...(split.username !== undefined ? {username: split.username, password: split.password} : {})};
    this.authorization = authorizationHeader(s);
    this.agent = this.url.startsWith('https:')
      ? httpsClientAgent(s)
      : new (nodeHttp().Agent)({keepAlive: true});
  }

  /** Registers `schema` (JSON text) under `subject`: its id, the same id for the same schema. */
  async register(subject: string, schema: string): Promise<number> {
    const {id} = await this.request<{id: number}>('POST', `/subjects/${enc(subject)}/versions`, {schema});
    return id;
  }

  /** The version of `subject` holding exactly this schema (404 40403 when none does). */
  lookup(subject: string, schema: string): Promise<SubjectVersion> {
    return this.request('POST', `/subjects/${enc(subject)}`, {schema});
  }

  subjects(): Promise<string[]> {
    return this.request('GET', '/subjects');
  }

  versions(subject: string): Promise<number[]> {
    return this.request('GET', `/subjects/${enc(subject)}/versions`);
  }

  version(subject: string, version: number | 'latest'): Promise<SubjectVersion> {
    return this.request('GET', `/subjects/${enc(subject)}/versions/${version}`);
  }

  async schemaById(id: number): Promise<{schema: string; schemaType?: string}> {
    return this.request('GET', `/schemas/ids/${id}`);
  }

  /** The level that applies to `subject` (its own, else the global one), or the global one. */
  async compatibility(subject?: string): Promise<string> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}?defaultToGlobal=true`;
    const {compatibilityLevel} = await this.request<{compatibilityLevel: string}>('GET', path);
    return compatibilityLevel;
  }

  async setCompatibility(subject: string | undefined, level: string): Promise<string> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`;
    const {compatibility} = await this.request<{compatibility: string}>('PUT', path, {compatibility: level});
    return compatibility;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body).catch((err: unknown) => {
      // A kept-alive connection the server closed as it was reused: every call here is idempotent.
      if (!isStaleConnection(err)) throw err;
      return this.send(method, path, body);
    }).catch((err: unknown) => {
      const cause = (err as {cause?: {code?: string}}).cause?.code ?? (err as Error).message;
      const tlsCause = (err as {cause?: NodeJS.ErrnoException}).cause ?? (err as NodeJS.ErrnoException);
      if (isTlsFailure(tlsCause)) throw new RegistryTlsError(`TLS with the schema registry at ${this.url} failed (${cause})`, {cause: err});
      throw new RegistryUnavailableError(`no answer from the schema registry at ${this.url} (${cause})`, {cause: err});
    });
    const text = await res.text();
    // Behind an authenticating proxy the 401 body may not be the registry's JSON.
    if (res.status === 401) throw new RegistryRequestError(401, 401, 'Unauthorized (401): the registry refused our credentials');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new RegistryUnavailableError(`${this.url} answered ${method} ${path} with ${res.status} and a body that is not JSON: is it a schema registry?`);
    }
    if (!res.ok) {
      const error = json as {error_code?: number; message?: string} | undefined;
      throw new RegistryRequestError(res.status, error?.error_code ?? res.status, error?.message ?? `HTTP ${res.status}`);
    }
    return json as T;
  }

  private send(method: string, path: string, body: unknown): Promise<{status: number; ok: boolean; text(): Promise<string>}> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: http.OutgoingHttpHeaders = {Accept: `${REGISTRY_MEDIA_TYPE}, application/json`, ...this.authorization};
    if (payload) {
      headers['Content-Type'] = REGISTRY_MEDIA_TYPE;
      headers['Content-Length'] = payload.length;
    }
    const transport = this.url.startsWith('https:') ? nodeHttps() : nodeHttp();
    return new Promise((resolve, reject) => {
      const req = transport.request(`${this.url}${path}`, {method, headers, agent: this.agent, timeout: this.timeoutMs}, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(Object.assign(new Error(err.message), {cause: err})));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({status, ok: status >= 200 && status < 300, text: async () => text});
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), {code: 'ETIMEDOUT'})));
      req.on('error', (err) => reject(Object.assign(new Error(err.message), {cause: err})));
      req.end(payload);
    });
  }
}

function isStaleConnection(err: unknown): boolean {
  const code = (err as {cause?: {code?: string}}).cause?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function enc(subject: string): string {
  return encodeURIComponent(subject);
}
