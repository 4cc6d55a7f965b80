/**
 * kcollect's HBase REST emulator: the subset of HBase's REST gateway ("Stargate") a collection
 * pipeline uses, JSON only, with the gateway's paths, JSON shapes and status codes, and data
 * kept across restarts (log.ts). It is for development and tests, not a database.
 *
 * Served: GET / (tables), GET /version, GET /version/cluster, GET /status/cluster,
 * GET|PUT|POST|DELETE /<table>/schema, GET /<table>/<row>[/<col>[,<col>]][/<ts>|/<from>,<to>][?v=N],
 * PUT|POST /<table>/<row>[/<col>] (single and multi-row CellSet puts), ?check=put,
 * PUT|POST /<table>/scanner, GET|DELETE /<table>/scanner/<id>[?n=&c=].
 * Not served (answered 400/415 saying so): XML and protobuf bodies, raw octet-stream cells,
 * stateless glob scans, multiget, row deletes, check=delete/append/increment, scanner filters.
 *
 * Fault switches for drills, under /_emulator/ (always served):
 * - POST /_emulator/down[?mode=503|reset]: every other request is answered 503 "Unavailable"
 *   (mode 503, the default: what the gateway says when HBase behind it is down) or has its
 *   connection reset without an answer (mode reset: a gateway that dies mid-request).
 * - POST /_emulator/up: back to normal.
 * - POST /_emulator/fail-rate?rate=R: that share (0..1) of table requests is answered 503
 *   before anything is applied.
 * - GET /_emulator/status: {down, mode, failRate}.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import {createSecuredServer, type HttpServerSecurity} from '../../lib/http-security.js';
import {acquirePidLock} from '../../lib/pid-lock.js';
import {b64, decodeSegment, type CellSetJson} from '../wire.js';
import {scanCellSet, type ScannedCellSet} from './cellset-scanner.js';
import {MutationLog} from './log.js';
import {Scanners} from './scanners.js';
import {DEFAULT_VERSIONS, Store, splitColumn, type ColumnSelector, type Change, type FamilySchema, type LoggedCell, type ReadOptions} from './store.js';

export type DownMode = '503' | 'reset';

export interface EmulatorOptions {
  /** 0 picks a free port (default 0) */
  port?: number;
  host?: string;
  /** where the log lives; without one, data lives in memory only */
  dataDir?: string;
  /** share (0..1) of table requests answered 503 */
  failRate?: number;
  /** larger request bodies are answered 413 (default 32 MiB) */
  maxBodyBytes?: number;
  /** a log larger than this is rewritten on start from the data it holds (default 64 MiB) */
  compactLogAboveBytes?: number;
  /** https and basic auth (every path, the /_emulator switches too) */
  security?: HttpServerSecurity;
  /** open scanners at most; more are answered 503 (default 1000) */
  maxScanners?: number;
  /** a scanner not read for this long is dropped (default 5 minutes) */
  scannerIdleMs?: number;
}

export interface HBaseEmulator {
  url: string;
  port: number;
  /** idempotent */
  stop(): Promise<void>;
  setDown(down: boolean, mode?: DownMode): void;
  setFailRate(rate: number): void;
}

/** Emulated HBase cluster version, as GET /version/cluster reports it. */
export const EMULATED_HBASE_VERSION = '2.5.10';
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;
const JSON_TYPE = 'application/json';
/** [namespace:]qualifier; HBase refuses names that start with '_', '.' or '-' */
const TABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*(:[A-Za-z0-9][A-Za-z0-9_.-]*)?$/;
const FAMILY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** An answer other than 200: a status and the gateway's text/plain body. */
class Reply extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(text);
  }
}
const notFound = () => new Reply(404, 'Not found');
const badRequest = (detail: string) => new Reply(400, `Bad request\r\n${detail}`);

export async function startHBaseEmulator(options: EmulatorOptions = {}): Promise<HBaseEmulator> {
  const store = new Store();
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  let log: MutationLog | undefined;
  try {
    log = options.dataDir ? await MutationLog.open(options.dataDir, store, options.compactLogAboveBytes) : undefined;
  } catch (err) {
    unlock();
    throw err;
  }
  const emulator = new Emulator(store, log, options);
  const server = createSecuredServer(options.security, 'HBase REST', (req, res) => emulator.handle(req, res));
  server.keepAliveTimeout = 30_000; // Jetty's idle timeout
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await log?.close();
    unlock();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  /** Stops accepting, lets the change in progress reach the log, then closes everything. */
  const stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await emulator.settled();
    server.closeAllConnections();
    await closed;
    await log?.close();
    unlock();
  };
  const port = (server.address() as {port: number}).port;
  const host = options.host ?? '127.0.0.1';
  emulator.nodeName = `${host}:${port}`;
  emulator.scheme = options.security?.tls ? 'https' : 'http';
  return {
    url: `${emulator.scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    setDown: (down, mode = '503') => emulator.setDown(down, mode),
    setFailRate: (rate) => emulator.setFailRate(rate),
    stop: () => (stopping ??= stop()),
  };
}

/** One emulator per data dir: a second one would interleave its log with the first's. */
function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, {recursive: true, mode: 0o700});
  return acquirePidLock(dir, {what: `the HBase emulator's data dir ${dir}`, hint: 'stop the other `kcollect hbase serve` first, or give this one its own --data-dir'});
}

class Emulator {
  nodeName = '';
  scheme = 'http';
  private down = false;
  private downMode: DownMode = '503';
  private failRate: number;
  private requests = 0;
  private readonly startCode = Date.now();
  private readonly scanners: Scanners;
  private readonly maxBody: number;
  /** changes run one at a time, so the log's order is the order they were applied in */
  private tail: Promise<unknown> = Promise.resolve();
  /** the last change handed to the log, settled once it (and so every one before it) is applied or refused */
  private committed: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: MutationLog | undefined,
    options: EmulatorOptions,
  ) {
    this.failRate = checkRate(options.failRate ?? 0);
    this.maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.scanners = new Scanners(options.maxScanners, options.scannerIdleMs);
  }

  setDown(down: boolean, mode: DownMode): void {
    this.down = down;
    this.downMode = mode;
  }

  setFailRate(rate: number): void {
    this.failRate = checkRate(rate);
  }

  /** Resolves once no change is in progress. */
  async settled(): Promise<void> {
    await this.tail;
    await this.committed;
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const [rawPath, query = ''] = (req.url ?? '/').split('?', 2);
    const segments = rawPath.split('/').slice(1);
    const params = new URLSearchParams(query);
    if (segments[0] === '_emulator') {
      this.admin(req.method ?? 'GET', segments[1] ?? '', params, res);
      return;
    }
    if (this.down && this.downMode === 'reset') {
      req.socket.destroy();
      return;
    }
    this.requests++;
    readBody(req, this.maxBody).then(
      async (body) => {
        if (this.down) throw new Reply(503, 'Unavailable\r\nkcollect HBase REST emulator: switched down (POST /_emulator/up)');
        const isTableRequest = segments[0] !== '' && segments[0] !== 'version' && segments[0] !== 'status';
        if (isTableRequest && this.failRate > 0 && Math.random() < this.failRate) throw new Reply(503, 'Unavailable\r\nkcollect HBase REST emulator: injected failure (--fail-rate)');
        if (body === null) throw new Reply(413, `Request Entity Too Large\r\nthe emulator accepts bodies up to ${this.maxBody} bytes`);
        await this.route(req, res, segments, params, body);
      },
    ).catch((err: unknown) => {
      if (err instanceof Reply) sendText(res, err.status, err.text);
      else {
        // Ours to fix: said on the emulator's stderr; the client gets no stack (no paths of ours).
        process.stderr.write(`HBase REST emulator: ${req.method} ${req.url} failed: ${(err as Error).stack ?? err}\n`);
        sendText(res, 500, 'Internal server error');
      }
    });
  }

  private admin(method: string, action: string, params: URLSearchParams, res: http.ServerResponse): void {
    const status = () => sendJson(res, 200, {down: this.down, mode: this.downMode, failRate: this.failRate});
    if (method === 'GET' && action === 'status') return status();
    if (method !== 'POST') return sendText(res, 405, 'Method Not Allowed');
    if (action === 'down') {
      const mode = params.get('mode') ?? '503';
      if (mode !== '503' && mode !== 'reset') return sendText(res, 400, 'Bad request\r\nmode must be 503 or reset');
      this.setDown(true, mode);
      return status();
    }
    if (action === 'up') {
      this.setDown(false, this.downMode);
      return status();
    }
    if (action === 'fail-rate') {
      const rate = Number(params.get('rate'));
      if (!(rate >= 0 && rate <= 1)) return sendText(res, 400, 'Bad request\r\nrate must be a number from 0 to 1');
      this.failRate = rate;
      return status();
    }
    sendText(res, 404, 'Not found');
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, segments: string[], params: URLSearchParams, body: Buffer): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET' && !acceptsJson(req)) throw new Reply(406, 'Not Acceptable\r\nthe kcollect HBase REST emulator answers application/json only');
    if (segments.length === 1 && segments[0] === '') {
      if (method !== 'GET') throw new Reply(405, 'Method Not Allowed');
      return sendJson(res, 200, {table: this.store.tableNames().map((name) => ({name}))});
    }
    if (segments[0] === 'version' || segments[0] === 'status') return this.info(method, segments, res);
    const table = decodeSegment(segments[0]).toString('utf8');
    const rest = segments.slice(1);
    if (rest.length === 0) throw badRequest('no row or resource after the table name');
    const writes = method === 'PUT' || method === 'POST';
    if (writes) checkJsonType(req);
    const json = () => (writes ? parseJsonBody(body) : undefined);
    if (rest[0] === 'schema' && rest.length === 1) return this.schema(method, table, json(), segments[0], req, res);
    if (rest[0] === 'scanner' && rest.length <= 2) return this.scanner(method, table, rest[1], params, json(), segments[0], req, res);
    if (rest[0].includes('*') || rest[0] === 'multiget') throw badRequest('stateless scans and multiget are not emulated; use a scanner (PUT /<table>/scanner)');
    if (writes && !params.has('check')) {
      // The common put, read from its bytes; any other form goes through JSON.parse below.
      const scanned = scanCellSet(body);
      if (scanned) return this.putScanned(table, scanned, res);
    }
    const parsed = json();
    const row = decodeSegment(rest[0]);
    if (method === 'GET') return this.get(table, row, rest.slice(1), params, res);
    if (writes) return this.put(table, row, rest[1], params, parsed as CellSetJson, res);
    throw new Reply(405, 'Method Not Allowed');
  }

  private info(method: string, segments: string[], res: http.ServerResponse): void {
    if (method !== 'GET') throw new Reply(405, 'Method Not Allowed');
    const path = segments.join('/');
    if (path === 'version') {
      return sendJson(res, 200, {REST: '0.0.3', JVM: `Node.js ${process.version} (no JVM: kcollect emulator)`, OS: `${os.type()} ${os.release()} ${os.arch()}`, Server: 'kcollect-hbase-rest-emulator', Jersey: 'n/a'});
    }
    if (path === 'version/cluster') return sendJson(res, 200, {Version: EMULATED_HBASE_VERSION});
    if (path === 'status/cluster') {
      const tables = this.store.tableNames();
      const mb = (n: number) => Math.round(n / 1024 / 1024);
      const memory = process.memoryUsage();
      return sendJson(res, 200, {
        regions: tables.length,
        requests: this.requests,
        averageLoad: tables.length,
        LiveNodes: [
          {
            name: this.nodeName,
            startCode: this.startCode,
            requests: this.requests,
            heapSizeMB: mb(memory.heapUsed),
            maxHeapSizeMB: mb(memory.heapTotal),
            // One region per table, covering every key.
            Region: tables.map((t) => ({
              name: b64(`${t},,${this.startCode}.emulator.`),
              stores: this.store.families(t)!.length,
              storefiles: 0,
              storefileSizeMB: 0,
              memStoreSizeMB: 0,
              storefileIndexSizeMB: 0,
              readRequestsCount: 0,
              writeRequestsCount: 0,
              rootIndexSizeKB: 0,
              totalStaticIndexSizeKB: 0,
              totalStaticBloomSizeKB: 0,
              totalCompactingKVs: 0,
              currentCompactedKVs: 0,
            })),
          },
        ],
        DeadNodes: [],
      });
    }
    throw notFound();
  }

  private async schema(method: string, table: string, json: unknown, tableSegment: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (method === 'GET') {
      const families = this.store.families(table);
      if (!families) throw notFound();
      return sendJson(res, 200, {name: table, ColumnSchema: families.map(columnSchema), IS_META: 'false'});
    }
    if (method === 'DELETE') {
      return this.change(async () => {
        if (!this.store.families(table)) throw notFound();
        await this.commit({op: 'drop', table});
        sendText(res, 200, '');
      });
    }
    if (method !== 'PUT' && method !== 'POST') throw new Reply(405, 'Method Not Allowed');
    if (!TABLE_NAME.test(table)) throw badRequest(`invalid table name: ${table}`);
    const requested = parseColumnSchema(json);
    return this.change(async () => {
      const existing = this.store.families(table);
      // PUT replaces the schema (dropping families it does not name); POST adds or modifies.
      const families = method === 'POST' && existing ? [...existing.filter((f) => !requested.some((r) => r.name === f.name)), ...requested] : requested;
      await this.commit({op: 'schema', table, families});
      if (method === 'POST' && existing) return sendText(res, 200, '');
      res.setHeader('Location', `${this.scheme}://${req.headers.host ?? this.nodeName}/${tableSegment}/schema`);
      sendText(res, 201, '');
    });
  }

  private async scanner(method: string, table: string, id: string | undefined, params: URLSearchParams, json: unknown, tableSegment: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (id === undefined) {
      if (method !== 'PUT' && method !== 'POST') throw new Reply(405, 'Method Not Allowed');
      const families = this.store.families(table);
      if (!families) throw notFound();
      const model = checkScannerModel(json);
      if (model.filter !== undefined) throw badRequest('scanner filters are not emulated');
      const columns = (model.column as string[] | undefined)?.map((c) => parseSelector(Buffer.from(c, 'base64')));
      checkFamilies(families, columns);
      const batch = positiveInt(model.batch, 'batch') ?? 2 ** 31 - 1;
      const read: ReadOptions = {columns, maxVersions: positiveInt(model.maxVersions, 'maxVersions') ?? 1};
      if (model.startTime !== undefined || model.endTime !== undefined) read.timeRange = [Number(model.startTime ?? 0), Number(model.endTime ?? Number.MAX_SAFE_INTEGER)];
      const spec = {table, startRow: Buffer.from(String(model.startRow ?? ''), 'base64'), endRow: Buffer.from(String(model.endRow ?? ''), 'base64'), batch, read};
      const created = this.scanners.create(spec);
      if (created === null) throw new Reply(503, `Unavailable\r\ntoo many open scanners (${this.scanners.maxOpen}): delete finished ones (DELETE /<table>/scanner/<id>) or wait for idle ones to expire`);
      res.setHeader('Location', `${this.scheme}://${req.headers.host ?? this.nodeName}/${tableSegment}/scanner/${created}`);
      return sendText(res, 201, '');
    }
    if (method === 'DELETE') {
      this.scanners.delete(id);
      return sendText(res, 200, '');
    }
    if (method !== 'GET') throw new Reply(405, 'Method Not Allowed');
    const scanner = this.scanners.get(id);
    if (!scanner || scanner.spec.table !== table) throw notFound();
    const maxCells = positiveInt(params.get('c') ?? undefined, 'c') ?? scanner.spec.batch;
    const cells = scanner.next(this.store, maxCells, positiveInt(params.get('n') ?? undefined, 'n') ?? 0);
    res.setHeader('Cache-Control', 'no-cache');
    if (cells.length === 0) return sendText(res, 204, '');
    sendJson(res, 200, cellSet(cells));
  }

  private get(table: string, row: Buffer, rest: string[], params: URLSearchParams, res: http.ServerResponse): void {
    const families = this.store.families(table);
    if (!families) throw notFound();
    const columns = rest[0] ? rest[0].split(',').filter(Boolean).map((c) => parseSelector(decodeSegment(c))) : undefined;
    checkFamilies(families, columns);
    const read: ReadOptions = {columns: columns?.length ? columns : undefined, maxVersions: positiveInt(params.get('v') ?? undefined, 'v') ?? 1};
    if (rest[1]) {
      const stamps = rest[1].split(',').map(Number);
      if (stamps.length > 2 || stamps.some((s) => !Number.isInteger(s) || s < 0)) throw badRequest(`invalid timestamp spec: ${rest[1]}`);
      // One timestamp selects that version; "from,to" the versions in [from, to).
      read.timeRange = stamps.length === 1 ? [stamps[0], stamps[0] + 1] : [stamps[0], stamps[1]];
    }
    const cells = this.store.readRow(table, row, read);
    if (cells.length === 0) throw notFound();
    sendJson(res, 200, cellSet(cells));
  }

  private async put(table: string, pathRow: Buffer, pathColumns: string | undefined, params: URLSearchParams, json: CellSetJson, res: http.ServerResponse): Promise<void> {
    const check = params.get('check');
    if (check !== null && check !== 'put') throw badRequest(check === 'delete' || check === 'append' || check === 'increment' ? `check=${check} is not emulated` : `invalid check: ${check}`);
    checkCellSet(json);
    const columnsInPath = pathColumns ? pathColumns.split(',').map((c) => b64(decodeSegment(c))) : [];
    const pathKey = b64(pathRow);
    const now = Date.now();
    // Cells stay in the body's base64 (the log's and the store's form): no Buffer per cell.
    const cells: LoggedCell[] = [];
    for (const row of json.Row) {
      const key = row.key ?? pathKey;
      if (Buffer.from(key, 'base64').length === 0) throw badRequest('a row has no key');
      if (!Array.isArray(row.Cell)) throw badRequest('a row has no "Cell" array');
      row.Cell.forEach((c, i) => {
        const column = c.column ?? columnsInPath[i];
        if (!column) throw badRequest('a cell has no column');
        if (c.timestamp !== undefined && !Number.isSafeInteger(c.timestamp)) throw badRequest('a cell timestamp is not an integer');
        cells.push([key, column, c.timestamp ?? now, c.$ ?? '']);
      });
    }
    if (check === 'put') {
      return this.change(async () => {
        // The check reads the row, so every put acknowledged or in flight before it is applied first.
        await this.committed;
        const puts = this.checkCell(table, json, this.checkFamilies(table, cells));
        if (puts === null) return sendText(res, 304, '');
        await this.commit({op: 'put', table, cells: puts});
        sendText(res, 200, '');
      });
    }
    // A plain put holds the line of changes only to be checked and queued for the log, so the
    // puts of many requests share one fdatasync; each is answered once its own entry is durable.
    const {durable} = await this.change(async () => {
      this.checkFamilies(table, cells);
      return {durable: cells.length > 0 ? this.commit({op: 'put', table, cells}) : Promise.resolve()};
    });
    await durable;
    sendText(res, 200, '');
  }

  /** A plain put read by scanCellSet: the same checks, queueing and answer as put(), logged as its bytes. */
  private async putScanned(table: string, put: ScannedCellSet, res: http.ServerResponse): Promise<void> {
    const {durable} = await this.change(async () => {
      this.checkColumns(table, put.columns);
      return {durable: put.cellCount > 0 ? this.commit({op: 'scanned-put', table, put}) : Promise.resolve()};
    });
    await durable;
    sendText(res, 200, '');
  }

  /** `cells`, when the table has every family they name (HBase: NoSuchColumnFamilyException -> 404). */
  private checkFamilies(table: string, cells: LoggedCell[]): LoggedCell[] {
    this.checkColumns(table, cells.map((c) => c[1]));
    return cells;
  }

  /** Each column (base64) is family:qualifier of a family the table has (else 400, or 404 as HBase answers). */
  private checkColumns(table: string, columns: string[]): void {
    const families = this.store.families(table);
    if (!families) throw notFound();
    const checked = new Set<string>();
    for (const column of columns) {
      if (checked.has(column)) continue;
      const bytes = Buffer.from(column, 'base64');
      const parts = splitColumn(bytes);
      if (!parts) throw badRequest(`column is not family:qualifier: ${bytes.toString('utf8')}`);
      if (!families.some((f) => f.name === parts.family)) throw notFound();
      checked.add(column);
    }
  }

  /** check=put: the cells to put when the check holds, null when it does not (the gateway's rules and 400s). */
  private checkCell(table: string, json: CellSetJson, cells: LoggedCell[]): LoggedCell[] | null {
    if (json.Row!.length !== 1 || cells.length < 2) throw badRequest('check=put takes exactly one row with the cells to put and, last, the cell to check');
    const [key, column, , value] = cells[cells.length - 1];
    const columnBytes = Buffer.from(column, 'base64');
    const parts = splitColumn(columnBytes);
    if (!parts || parts.qualifier.length === 0) throw badRequest('Column incorrectly specified.');
    const puts = cells.slice(0, -1);
    if (!puts.some((c) => Buffer.from(c[1], 'base64').equals(columnBytes))) throw badRequest('The column to put and check do not match.');
    const current = this.store.latest(table, Buffer.from(key, 'base64'), parts.family, parts.qualifier);
    const expected = Buffer.from(value, 'base64');
    // An empty expected value means "no value", as in HBase's checkAndMutate.
    const holds = expected.length === 0 ? current === undefined || current.length === 0 : current !== undefined && current.equals(expected);
    return holds ? puts : null;
  }

  /** Runs a change after the ones before it. */
  private change<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Logs the change (durably) and then applies it. A change the log refused (a full disk) is
   * answered 503 and not applied: the client retries, and succeeds once there is space again.
   */
  private commit(entry: Change): Promise<void> {
    const done = this.commitOnce(entry);
    // Commits settle in log order, so the last one settled means every one before it has.
    this.committed = done.catch(() => undefined);
    return done;
  }

  private async commitOnce(entry: Change): Promise<void> {
    if (this.log) {
      try {
        await this.log.append(entry);
      } catch (err) {
        throw new Reply(503, `Unavailable\r\nthe emulator's log could not be written: ${(err as Error).message}`);
      }
    }
    this.store.apply(entry);
  }
}

function checkRate(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`failRate must be from 0 to 1, not ${rate}`);
  return rate;
}

/** The body, or null when it is larger than `max` (read to its end anyway, so the 413 reaches the client). */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= max) chunks.push(d);
    });
    req.on('end', () => resolve(size > max ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function checkJsonType(req: http.IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== JSON_TYPE) throw new Reply(415, `Unsupported Media Type\r\nthe kcollect HBase REST emulator accepts application/json bodies only, not "${type}"`);
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`malformed JSON: ${(err as Error).message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, type: 'string' | 'number') => v === undefined || typeof v === type;

/**
 * A CellSet body is checked for its shape before it is used: a client's `{"Row":[null]}` or
 * `"key":5` is a 400 saying what is wrong, never a TypeError.
 */
function checkCellSet(json: unknown): asserts json is CellSetJson & {Row: NonNullable<CellSetJson['Row']>} {
  if (!isObject(json) || !Array.isArray(json.Row)) throw badRequest('the body is not a CellSet: no "Row" array');
  json.Row.forEach((row: unknown, r: number) => {
    if (!isObject(row)) throw badRequest(`Row[${r}] is not an object`);
    if (!optional(row.key, 'string')) throw badRequest(`Row[${r}].key is not a base64 string`);
    if (!Array.isArray(row.Cell)) throw badRequest(`Row[${r}] has no "Cell" array`);
    row.Cell.forEach((cell: unknown, c: number) => {
      const where = `Row[${r}].Cell[${c}]`;
      if (!isObject(cell)) throw badRequest(`${where} is not an object`);
      if (!optional(cell.column, 'string')) throw badRequest(`${where}.column is not a base64 string`);
      if (!optional(cell.$, 'string')) throw badRequest(`${where}.$ is not a base64 string`);
      if (!optional(cell.timestamp, 'number')) throw badRequest(`${where}.timestamp is not a number`);
    });
  });
}

/** A scanner model's fields, checked for their types (see checkCellSet). */
function checkScannerModel(json: unknown): Record<string, unknown> {
  if (json === undefined) return {};
  if (!isObject(json)) throw badRequest('the body is not a Scanner model (a JSON object)');
  for (const key of ['startRow', 'endRow'] as const) if (!optional(json[key], 'string')) throw badRequest(`${key} is not a base64 string`);
  for (const key of ['startTime', 'endTime'] as const) if (!optional(json[key], 'number')) throw badRequest(`${key} is not a number`);
  if (json.column !== undefined && (!Array.isArray(json.column) || json.column.some((c) => typeof c !== 'string'))) throw badRequest('column is not an array of base64 strings');
  return json;
}

function acceptsJson(req: http.IncomingMessage): boolean {
  const accept = req.headers.accept;
  if (!accept) return true;
  return accept.split(',').some((a) => ['application/json', 'application/*', '*/*'].includes(a.split(';')[0].trim().toLowerCase()));
}

function parseColumnSchema(json: unknown): FamilySchema[] {
  const list = (json as {ColumnSchema?: unknown} | undefined)?.ColumnSchema;
  if (!Array.isArray(list) || list.length === 0) throw badRequest('a table needs at least one column family in "ColumnSchema"');
  return list.map((c: unknown, i: number) => {
    if (!isObject(c) || typeof c.name !== 'string') throw badRequest(`ColumnSchema[${i}] is not an object with a "name" string`);
    const name = c.name;
    if (!FAMILY_NAME.test(name)) throw badRequest(`invalid column family name: ${name}`);
    const versions = c.VERSIONS === undefined ? DEFAULT_VERSIONS : Number(c.VERSIONS);
    if (!Number.isInteger(versions) || versions < 1) throw badRequest(`invalid VERSIONS for ${name}: ${c.VERSIONS}`);
    return {name, versions};
  });
}

/** The attributes HBase reports for a family (values are strings, as the gateway sends them). */
function columnSchema(f: FamilySchema): Record<string, string> {
  return {
    name: f.name,
    VERSIONS: String(f.versions),
    MIN_VERSIONS: '0',
    TTL: '2147483647',
    KEEP_DELETED_CELLS: 'FALSE',
    BLOCKSIZE: '65536',
    IN_MEMORY: 'false',
    BLOCKCACHE: 'true',
    BLOOMFILTER: 'ROW',
    COMPRESSION: 'NONE',
    DATA_BLOCK_ENCODING: 'NONE',
  };
}

function parseSelector(column: Buffer): ColumnSelector {
  const parts = splitColumn(column);
  if (parts) return {family: parts.family, qualifier: parts.qualifier.length > 0 ? parts.qualifier : undefined};
  if (column.length === 0) throw badRequest('empty column');
  return {family: column.toString('utf8')};
}

/** HBase answers NoSuchColumnFamilyException with 404. */
function checkFamilies(families: FamilySchema[], columns: ColumnSelector[] | undefined): void {
  if (columns?.some((c) => !families.some((f) => f.name === c.family))) throw notFound();
}

function positiveInt(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`${name} must be a non-negative integer`);
  return n === 0 ? undefined : n;
}

function cellSet(cells: Array<{key: Buffer; column: Buffer; timestamp: number; value: Buffer}>): CellSetJson {
  const rows: NonNullable<CellSetJson['Row']> = [];
  let last: Buffer | undefined;
  for (const c of cells) {
    if (!last || !last.equals(c.key)) {
      rows.push({key: b64(c.key), Cell: []});
      last = c.key;
    }
    rows[rows.length - 1].Cell!.push({column: b64(c.column), timestamp: c.timestamp, $: b64(c.value)});
  }
  return {Row: rows};
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {'Content-Type': JSON_TYPE, 'Content-Length': data.length});
  res.end(data);
}

/** The gateway's error bodies are text/plain lines ending in CRLF. */
function sendText(res: http.ServerResponse, status: number, text: string): void {
  if (status === 204 || status === 304 || text === '') {
    res.writeHead(status, status === 204 || status === 304 ? {} : {'Content-Length': 0});
    res.end();
    return;
  }
  const data = Buffer.from(`${text}\r\n`);
  res.writeHead(status, {'Content-Type': 'text/plain', 'Content-Length': data.length});
  res.end(data);
}
