/**
 * A client of HBase's REST gateway ("Stargate", `hbase rest start`), speaking its JSON encoding
 * over node:http with a keep-alive agent. It works the same against a real gateway and against
 * kcollect's emulator (src/hbase/emulator/).
 *
 * Errors come in two kinds, so a sink knows what to do:
 * - HBaseUnavailableError: refused/reset connections, timeouts, 5xx, 408 and 429. Retriable: the
 *   store is down or busy (a Retry-After it sent comes along as retryAfterMs).
 * - HBaseRequestError: any other unexpected status (400, 403, 404 outside gets, ...). Retrying
 *   the same request will not help: the data or the configuration is wrong.
 */
import type http from 'node:http';
import {nodeHttp, nodeHttps} from '../lib/lazy-builtins.js';
import {authorizationHeader, splitUrlCredentials, type HttpClientSecurity} from '../lib/http-security.js';
import {cellSetBody} from './cellset-writer.js';
import {decodeCellSet, encodeCellSet, encodeSegment, b64, type HBaseCell, type HBaseRow} from './wire.js';

export type {HBaseCell, HBaseRow} from './wire.js';

/** The store cannot be reached, or answered 5xx, 408 or 429: retry later. */
export class HBaseUnavailableError extends Error {
  /** errno code of a network failure (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...), when there was one. */
  readonly code?: string;
  /** the HTTP status of a 5xx, 408 or 429 answer, when there was one. */
  readonly status?: number;
  /** How long the answer's Retry-After asked to wait, when it had one. */
  readonly retryAfterMs?: number;
  constructor(message: string, details: {code?: string; status?: number; retryAfterMs?: number; cause?: unknown} = {}) {
    super(message, {cause: details.cause});
    this.name = 'HBaseUnavailableError';
    this.code = details.code;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 408 Request Timeout and 429 Too Many Requests: the gateway is busy, the request was fine. */
const RETRIABLE_STATUSES = new Set([408, 429]);

/** A Retry-After header (delay-seconds or an HTTP date) as a wait in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its month ("Fri, 01 Jan 2016 ..."); Date.parse alone takes "1.5" for a date too.
  const at = /[a-z]{3}/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The gateway refused the request itself (4xx): a data or configuration error, not retriable. */
export class HBaseRequestError extends Error {
  constructor(message: string, readonly status: number, readonly body: string) {
    super(message);
    this.name = 'HBaseRequestError';
  }
}

export interface HBaseVersion {
  /** REST protocol version, from GET /version ("REST") */
  rest?: string;
  /** the gateway's web server, from GET /version ("Server") */
  server?: string;
  /** the HBase cluster's version, from GET /version/cluster */
  hbase?: string;
  [k: string]: unknown;
}

export interface ScanOptions {
  /** first row, inclusive */
  startRow?: string | Buffer;
  /** stop row, exclusive */
  endRow?: string | Buffer;
  /** cells per scanner request (the gateway's "batch"; a row may span two batches) */
  batch?: number;
  /** 'family' or 'family:qualifier' */
  columns?: string[];
  maxVersions?: number;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const JSON_TYPE = 'application/json';

/** A body already encoded as JSON, in pieces sent one after another. */
class JsonBytes {
  constructor(readonly pieces: Buffer[]) {}
}
const DEFAULT_BATCH = 1000;

export class HBaseRestClient {
  readonly baseUrl: string;
  private readonly url: URL;
  private readonly timeoutMs: number;
  private readonly agent: http.Agent;

  private readonly authorization: Record<string, string>;

  /**
   * `baseUrl` may hold `user:password@` (basic auth, as `security` may too); an https URL is
   * checked against `security.ca` and presents `security.cert` when the gateway asks.
   */
  constructor(baseUrl: string, options: {timeoutMs?: number; security?: HttpClientSecurity} = {}) {
    const {url, username, password} = splitUrlCredentials(baseUrl);
    this.url = new URL(url);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new TypeError(`not an http(s) URL: ${url}`);
    this.baseUrl = this.url.href.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const security = {...options.security, ...(username !== undefined ? {username, password} : {})};
    this.authorization = authorizationHeader(security);
    this.agent =
      this.url.protocol === 'https:'
        ? new (nodeHttps().Agent)({keepAlive: true, maxSockets: 16, ca: security.ca, cert: security.cert, key: security.key, passphrase: security.keyPassword, minVersion: 'TLSv1.2'})
        : new (nodeHttp().Agent)({keepAlive: true, maxSockets: 16});
  }

  /** Closes idle keep-alive connections (a process exits sooner). */
  close(): void {
    this.agent.destroy();
  }

  /**
   * GET /version/cluster (the HBase version: it needs the gateway to reach HBase, so it doubles
   * as a health probe), then GET /version (the REST server's own versions).
   */
  async version(): Promise<HBaseVersion> {
    const cluster = await this.getJson('/version/cluster', 'cluster version');
    const rest = (await this.getJson('/version', 'REST version')) as Record<string, unknown>;
    // 2.x answers {"Version":"2.5.8"}; older gateways a bare JSON string.
    const hbase = typeof cluster === 'string' ? cluster : String((cluster as {Version?: unknown})?.Version ?? '');
    return {...rest, rest: rest.REST as string | undefined, server: rest.Server as string | undefined, hbase};
  }

  /** Table names, from GET /. */
  async listTables(): Promise<string[]> {
    const json = (await this.getJson('/', 'table list')) as {table?: Array<{name: string}>};
    return (json.table ?? []).map((t) => t.name);
  }

  async tableExists(table: string): Promise<boolean> {
    return (await this.tableSchema(table)) !== null;
  }

  /** GET /<table>/schema: column family names and their attributes, or null when there is no such table. */
  async tableSchema(table: string): Promise<Array<{name: string; [attr: string]: unknown}> | null> {
    const reply = await this.send('GET', `/${encodeSegment(table)}/schema`);
    if (reply.status === 404) return null;
    this.expect(reply, [200], `schema of ${table}`);
    const json = this.parseJson(reply, `schema of ${table}`) as {ColumnSchema?: Array<{name: string}>};
    return json.ColumnSchema ?? [];
  }

  /**
   * Creates the table (PUT /<table>/schema, 201). An existing table is fine: families it lacks
   * are added (POST, which never drops a family), the others are left as they are.
   * `versions` sets VERSIONS of the families created here.
   */
  async createTable(table: string, families: string[], options: {versions?: number} = {}): Promise<void> {
    const columnSchema = (names: string[]) => names.map((name) => ({name, ...(options.versions ? {VERSIONS: String(options.versions)} : {})}));
    let existing = await this.tableSchema(table);
    if (existing === null) {
      const reply = await this.send('PUT', `/${encodeSegment(table)}/schema`, {name: table, ColumnSchema: columnSchema(families)});
      if (reply.status !== 304) return this.expect(reply, [200, 201], `create table ${table}`);
      // 304: someone else created it at the same moment; make sure it has our families.
      existing = (await this.tableSchema(table)) ?? [];
    }
    const missing = families.filter((f) => !existing.some((c) => c.name === f));
    if (missing.length === 0) return;
    const reply = await this.send('POST', `/${encodeSegment(table)}/schema`, {name: table, ColumnSchema: columnSchema(missing)});
    this.expect(reply, [200, 201], `add column families ${missing.join(', ')} to ${table}`);
  }

  /** DELETE /<table>/schema; a missing table is an HBaseRequestError with status 404. */
  async deleteTable(table: string): Promise<void> {
    this.expect(await this.send('DELETE', `/${encodeSegment(table)}/schema`), [200], `delete table ${table}`);
  }

  /**
   * Writes every row in ONE multi-row CellSet PUT to /<table>/fakerow (the gateway takes each
   * row's key from the body). Resolves only on 200. HBase applies a batch atomically per row
   * only: after an error some rows may be written; cells with explicit timestamps make a retry
   * overwrite them instead of adding versions.
   */
  async putRows(table: string, rows: HBaseRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.putCellSet(table, cellSetBody(rows), rows.length);
  }

  /** putRows with the CellSet body of `rowCount` rows already encoded (cellset-writer.ts), in pieces. */
  async putCellSet(table: string, body: Buffer[], rowCount: number): Promise<void> {
    this.expect(await this.send('PUT', `/${encodeSegment(table)}/fakerow`, new JsonBytes(body)), [200], `put ${rowCount} row(s) into ${table}`);
  }

  /**
   * GET /<table>/<row>[/<column>][?v=N]: the row's cells (newest version first per column), or
   * null when it has none (the gateway's 404). A missing table is null as well, as the gateway
   * does not tell the two apart on gets.
   */
  async getRow(table: string, key: Buffer | string, options: {versions?: number; column?: string} = {}): Promise<HBaseRow | null> {
    let path = `/${encodeSegment(table)}/${encodeSegment(key)}`;
    if (options.column) path += `/${encodeSegment(options.column)}`;
    if (options.versions) path += `?v=${options.versions}`;
    const reply = await this.send('GET', path);
    if (reply.status === 404) return null;
    this.expect(reply, [200], `get row of ${table}`);
    const rows = this.cellSet(reply, `get row of ${table}`);
    if (rows.length === 0) return null;
    return {key: rows[0].key, cells: rows.flatMap((r) => r.cells)};
  }

  /**
   * Puts `cells` into row `key` only if the check column's newest value equals `check.value`
   * (null or empty: the column has no value). PUT /<table>/<row>?check=put, whose body is the
   * cells followed by the check cell. Like the gateway, the check column must be one of the
   * cells put. Resolves true when applied (200), false when the check failed (304).
   */
  async checkAndPut(table: string, key: Buffer | string, cells: HBaseCell[], check: {column: string; value: Buffer | string | null}): Promise<boolean> {
    if (!cells.some((c) => c.column === check.column)) throw new TypeError(`checkAndPut: the check column ${check.column} must be among the cells put (the gateway requires it)`);
    const body = encodeCellSet([{key: Buffer.from(key), cells}]);
    body.Row![0].Cell!.push({column: b64(check.column), $: b64(check.value ?? '')});
    const reply = await this.send('PUT', `/${encodeSegment(table)}/${encodeSegment(key)}?check=put`, body);
    if (reply.status === 304) return false;
    this.expect(reply, [200], `check-and-put into ${table}`);
    return true;
  }

  /**
   * Rows from startRow (inclusive) to endRow (exclusive) in key order, through a stateful
   * scanner: PUT /<table>/scanner (201 + Location), GET it until 204, DELETE it, also when the
   * caller stops early. Rows split across batches are joined again.
   */
  async *scan(table: string, options: ScanOptions = {}): AsyncIterable<HBaseRow> {
    const model: Record<string, unknown> = {batch: options.batch ?? DEFAULT_BATCH};
    if (options.startRow !== undefined) model.startRow = b64(options.startRow);
    if (options.endRow !== undefined) model.endRow = b64(options.endRow);
    if (options.columns?.length) model.column = options.columns.map((c) => b64(c));
    if (options.maxVersions) model.maxVersions = options.maxVersions;
    const created = await this.send('PUT', `/${encodeSegment(table)}/scanner`, model);
    this.expect(created, [201], `open a scanner on ${table}`);
    const id = /\/scanner\/([^/?#]+)\/?$/.exec(String(created.headers.location ?? ''))?.[1];
    if (!id) throw new HBaseRequestError(`open a scanner on ${table}: no scanner id in the Location header`, created.status, String(created.headers.location));
    const scannerPath = `/${encodeSegment(table)}/scanner/${id}`;
    try {
      let pending: HBaseRow | undefined;
      for (;;) {
        const reply = await this.send('GET', scannerPath);
        if (reply.status === 204) break;
        this.expect(reply, [200], `scan ${table}`);
        for (const row of this.cellSet(reply, `scan ${table}`)) {
          if (pending && pending.key.equals(row.key)) {
            pending.cells.push(...row.cells);
            continue;
          }
          if (pending) yield pending;
          pending = row;
        }
      }
      if (pending) yield pending;
    } finally {
      // Frees the gateway's scanner; a failure here must not hide the scan's own outcome.
      await this.send('DELETE', scannerPath).catch(() => undefined);
    }
  }

  private async getJson(path: string, what: string): Promise<unknown> {
    const reply = await this.send('GET', path);
    this.expect(reply, [200], what);
    return this.parseJson(reply, what);
  }

  private cellSet(reply: Reply, what: string): HBaseRow[] {
    try {
      return decodeCellSet(this.parseJson(reply, what));
    } catch (err) {
      if (err instanceof HBaseRequestError) throw err;
      throw new HBaseRequestError(`${what}: ${(err as Error).message}`, reply.status, reply.body.toString('utf8'));
    }
  }

  private parseJson(reply: Reply, what: string): unknown {
    try {
      return JSON.parse(reply.body.toString('utf8'));
    } catch {
      throw new HBaseRequestError(`${what}: ${this.baseUrl} answered ${reply.status} with a body that is not JSON (is it an HBase REST gateway?)`, reply.status, reply.body.toString('utf8'));
    }
  }

  /** Turns an unexpected status into the right error kind. */
  private expect(reply: Reply, ok: number[], what: string): void {
    if (ok.includes(reply.status)) return;
    const body = reply.body.toString('utf8');
    const summary = body.split(/\r?\n/)[0].slice(0, 200);
    if (reply.status >= 500 || RETRIABLE_STATUSES.has(reply.status)) {
      throw new HBaseUnavailableError(`${what}: ${this.baseUrl} answered ${reply.status}${summary ? ` (${summary})` : ''}`, {status: reply.status, retryAfterMs: retryAfterMs(reply.headers['retry-after'])});
    }
    throw new HBaseRequestError(`${what}: ${this.baseUrl} answered ${reply.status}${summary ? ` (${summary})` : ''}`, reply.status, body);
  }

  private async send(method: string, path: string, body?: unknown): Promise<Reply> {
    const payload = body === undefined ? undefined : body instanceof JsonBytes ? body.pieces : [Buffer.from(JSON.stringify(body))];
    try {
      return await this.sendOnce(method, path, payload);
    } catch (err) {
      // A keep-alive socket the server closed just as we reused it: the request never arrived.
      if ((err as {reusedSocket?: boolean}).reusedSocket) return this.sendOnce(method, path, payload);
      throw err;
    }
  }

  private sendOnce(method: string, path: string, payload: Buffer[] | undefined): Promise<Reply> {
    const prefix = this.url.pathname.replace(/\/+$/, '');
    const headers: http.OutgoingHttpHeaders = {Accept: JSON_TYPE, ...this.authorization};
    if (payload) {
      headers['Content-Type'] = JSON_TYPE;
      headers['Content-Length'] = payload.reduce((sum, piece) => sum + piece.length, 0);
    }
    const transport = this.url.protocol === 'https:' ? nodeHttps() : nodeHttp();
    return new Promise<Reply>((resolve, reject) => {
      const req = transport.request(
        {protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, path: prefix + path, method, headers, agent: this.agent},
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks)});
          });
          res.on('error', fail);
        },
      );
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), {code: 'ETIMEDOUT'})), this.timeoutMs);
      const fail = (err: NodeJS.ErrnoException): void => {
        clearTimeout(timer);
        const unavailable = new HBaseUnavailableError(`${method} ${this.baseUrl}${path}: ${err.code ? `${err.code} ` : ''}${err.message}`, {code: err.code, cause: err});
        // Tells send() to retry once: the server closed a kept-alive socket as we reused it.
        reject(Object.assign(unavailable, {reusedSocket: req.reusedSocket && err.code === 'ECONNRESET'}));
      };
      req.on('error', fail);
      for (const piece of payload ?? []) req.write(piece);
      req.end();
    });
  }
}
