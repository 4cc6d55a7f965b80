/**
 * kcollect's Confluent Schema Registry emulator: the registry's REST API for Avro schemas, with
 * its paths, JSON shapes, error codes and compatibility checks, data kept across restarts. It is
 * for development and tests, the embedded default behind `--format avro`; it is not Confluent's.
 *
 * Served: GET / ; GET /subjects[?deleted=true] ; GET|POST /subjects/{s}/versions ;
 * GET /subjects/{s}/versions/{v|latest|-1}[/schema] ; POST /subjects/{s} (lookup) ;
 * DELETE /subjects/{s}[?permanent=true] ; GET /schemas/ids/{id}[/versions] ; GET /schemas/types ;
 * GET|PUT /config ; GET|PUT|DELETE /config/{s}[?defaultToGlobal=true] ;
 * POST /compatibility/subjects/{s}/versions[/{v|latest}][?verbose=true].
 * Not served: JSON Schema and Protobuf, schema references, modes, contexts, version deletes.
 */
import fs from 'node:fs';
import http from 'node:http';
import {createSecuredServer, type HttpServerSecurity} from '../../lib/http-security.js';
import {acquirePidLock} from '../../lib/pid-lock.js';
import {RegistryError, RegistryStore, type SchemaInput, type VersionRef} from './store.js';

export interface RegistryEmulatorOptions {
  /** 0 picks a free port (default 0) */
  port?: number;
  host?: string;
  /** where registry.json lives; without one, schemas live in memory only */
  dataDir?: string;
  /** https and basic auth */
  security?: HttpServerSecurity;
}

export interface RegistryEmulator {
  url: string;
  port: number;
  /** idempotent */
  stop(): Promise<void>;
}

export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPTED_BODY_TYPES = ['', REGISTRY_CONTENT_TYPE, 'application/vnd.schemaregistry+json', 'application/json', 'application/octet-stream'];
const MAX_BODY = 16 * 1024 * 1024;
const MAX_VERSION = 2 ** 31 - 1;

const httpError = (status: number, reason: string) => new RegistryError(status, status, `HTTP ${status} ${reason}`);
const routeNotFound = () => httpError(404, 'Not Found');

export async function startRegistryEmulator(options: RegistryEmulatorOptions = {}): Promise<RegistryEmulator> {
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  let store: RegistryStore;
  const server = createSecuredServer(options.security, 'Schema Registry', (req, res) => handle(store, req, res));
  server.keepAliveTimeout = 30_000; // Jetty's idle timeout, as the real registry
  const host = options.host ?? '127.0.0.1';
  try {
    store = RegistryStore.open(options.dataDir);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (err) {
    unlock();
    throw err;
  }
  const port = (server.address() as {port: number}).port;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return closed.finally(unlock);
  };
  return {url: `${options.security?.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`, port, stop: () => (stopping ??= stop())};
}

/** One registry per data dir: a second one would overwrite the first's schemas. */
function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, {recursive: true, mode: 0o700});
  return acquirePidLock(dir, {what: `the registry emulator's data dir ${dir}`, hint: 'stop the other `kcollect registry serve` first, or give this one its own --data-dir'});
}

function handle(store: RegistryStore, req: http.IncomingMessage, res: http.ServerResponse): void {
  readBody(req)
    .then((body) => {
      const [rawPath, query = ''] = (req.url ?? '/').split('?', 2);
      const segments = rawPath.split('/').slice(1).filter((s, i, all) => s !== '' || i < all.length - 1).map(decodeSegment);
      const answer = route(store, req.method ?? 'GET', segments, new URLSearchParams(query), () => parseBody(req, body));
      send(res, 200, answer);
    })
    .catch((err: unknown) => {
      if (err instanceof RegistryError) send(res, err.status, {error_code: err.errorCode, message: err.message});
      else send(res, 500, {error_code: 50001, message: `Error in the backend data store: ${(err as Error).message}`});
    });
}

/** The answer to one request; a RegistryError for anything but 200. */
function route(store: RegistryStore, method: string, s: string[], params: URLSearchParams, body: () => SchemaInput & {compatibility?: unknown}): unknown {
  const allow = (...methods: string[]) => {
    if (!methods.includes(method)) throw httpError(405, 'Method Not Allowed');
  };
  const [head, a, b, c, d] = s;
  const n = s.length;
  if (n === 0) {
    allow('GET');
    return {};
  }

  if (head === 'subjects') {
    if (n === 1) {
      allow('GET');
      return store.subjects(params.get('deleted') === 'true');
    }
    if (n === 2) {
      allow('POST', 'DELETE');
      if (method === 'POST') return store.lookup(a, body());
      return store.deleteSubject(a, params.get('permanent') === 'true');
    }
    if (b !== 'versions') throw routeNotFound();
    if (n === 3) {
      allow('GET', 'POST');
      if (method === 'GET') return store.versions(a);
      return {id: store.register(a, body())};
    }
    if (n === 4 || (n === 5 && d === 'schema')) {
      allow('GET');
      const found = store.version(a, parseVersion(c));
      if (n === 5) return JSON.parse(found.schema);
      return found;
    }
    throw routeNotFound();
  }

  if (head === 'schemas') {
    if (n === 2 && a === 'types') {
      allow('GET');
      return ['AVRO'];
    }
    if (a !== 'ids' || n < 3 || n > 4 || (n === 4 && c !== 'versions')) throw routeNotFound();
    allow('GET');
    const id = Number(b);
    if (!/^\d+$/.test(b) || !Number.isSafeInteger(id)) throw routeNotFound();
    if (n === 4) return store.usages(id);
    return {schema: store.schemaById(id)};
  }

  if (head === 'config') {
    if (n === 1) {
      allow('GET', 'PUT');
      if (method === 'GET') return {compatibilityLevel: store.globalCompatibility()};
      return {compatibility: store.setCompatibility(undefined, body().compatibility)};
    }
    if (n !== 2) throw routeNotFound();
    allow('GET', 'PUT', 'DELETE');
    if (method === 'PUT') return {compatibility: store.setCompatibility(a, body().compatibility)};
    const own = method === 'DELETE' ? store.deleteSubjectCompatibility(a) : store.subjectCompatibility(a);
    if (own !== undefined) return {compatibilityLevel: own};
    if (method === 'GET' && params.get('defaultToGlobal') === 'true') return {compatibilityLevel: store.globalCompatibility()};
    throw new RegistryError(404, 40408, `Subject '${a}' does not have subject-level compatibility configured`);
  }

  if (head === 'compatibility' && a === 'subjects' && c === 'versions' && (n === 4 || n === 5)) {
    allow('POST');
    const problems = store.check(b, body(), n === 5 ? parseVersion(d) : undefined);
    return params.get('verbose') === 'true' ? {is_compatible: problems.length === 0, messages: problems} : {is_compatible: problems.length === 0};
  }
  throw routeNotFound();
}

function parseVersion(text: string): VersionRef {
  if (text === 'latest' || text === '-1') return 'latest';
  const version = Number(text);
  if (!/^\d+$/.test(text) || version < 1 || version > MAX_VERSION) {
    throw new RegistryError(422, 42202, `The specified version '${text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
  }
  return version;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw routeNotFound();
  }
}

function parseBody(req: http.IncomingMessage, body: Buffer): SchemaInput & {compatibility?: unknown} {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!ACCEPTED_BODY_TYPES.includes(type)) throw httpError(415, 'Unsupported Media Type');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new RegistryError(400, 400, `Unrecognized request body: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RegistryError(422, 422, 'Unrecognized request body: expected a JSON object');
  return json as SchemaInput & {compatibility?: unknown};
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= MAX_BODY) chunks.push(d);
    });
    req.on('end', () => (size > MAX_BODY ? reject(httpError(413, 'Request Entity Too Large')) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {'Content-Type': REGISTRY_CONTENT_TYPE, 'Content-Length': data.length});
  res.end(data);
}
