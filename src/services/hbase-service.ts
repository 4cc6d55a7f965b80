/**
 * What the `kcollect hbase ...` commands do, behind their thin oclif classes: talk to an HBase
 * REST gateway (real or emulated) and turn its failures into UserErrors a user can act on.
 */
import {UserError} from '../lib/errors.js';
import {redactUrl, type HttpClientSecurity} from '../lib/http-security.js';
import {HBaseRequestError, HBaseRestClient, HBaseUnavailableError, type HBaseCell, type HBaseRow} from '../hbase/rest-client.js';
import {startHBaseEmulator, type EmulatorOptions} from '../hbase/emulator/index.js';

export interface CellView {
  column: string;
  timestamp: number | null;
  /** the value as UTF-8 text, or null when it is not valid UTF-8 */
  value: string | null;
  valueBase64: string;
}

export interface RowView {
  /** the key as UTF-8 text, or HBase's \xNN notation when it is not text */
  key: string;
  keyBase64: string;
  cells: CellView[];
}

export interface CreateTableResult {
  url: string;
  table: string;
  /** false when the table existed already (families it lacked were added) */
  created: boolean;
  families: Array<{name: string; versions: number | null}>;
}

export interface GetResult {
  url: string;
  table: string;
  row: string;
  found: boolean;
  cells: CellView[];
}

export interface ScanResult {
  url: string;
  table: string;
  rows: RowView[];
  count: number;
  /** true when --limit stopped the scan before the end of the range */
  limited: boolean;
}

export async function createTable(url: string, table: string, families: string[], versions?: number, security?: HttpClientSecurity): Promise<CreateTableResult> {
  return withClient(url, security, table, async (client, url) => {
    const existed = await client.tableExists(table);
    await client.createTable(table, families, {versions});
    const schema = (await client.tableSchema(table)) ?? [];
    return {url, table, created: !existed, families: schema.map((f) => ({name: f.name, versions: f.VERSIONS === undefined ? null : Number(f.VERSIONS)}))};
  });
}

export async function getRow(url: string, table: string, row: string, options: {versions?: number; column?: string}, security?: HttpClientSecurity): Promise<GetResult> {
  return withClient(url, security, table, async (client, url) => {
    const found = await client.getRow(table, row, options);
    // The gateway answers 404 for a missing table and a missing row alike.
    if (!found && !(await client.tableExists(table))) throw missingTable(table, url);
    return {url, table, row, found: found !== null, cells: (found?.cells ?? []).map(cellView)};
  });
}

export async function scanTable(url: string, table: string, options: {startRow?: string; endRow?: string; limit?: number; batch?: number}, security?: HttpClientSecurity): Promise<ScanResult> {
  return withClient(url, security, table, async (client, url) => {
    const rows: RowView[] = [];
    let limited = false;
    for await (const row of client.scan(table, {startRow: options.startRow, endRow: options.endRow, batch: options.batch})) {
      if (options.limit !== undefined && rows.length === options.limit) {
        limited = true;
        break;
      }
      rows.push(rowView(row));
    }
    return {url, table, rows, count: rows.length, limited};
  });
}

/** Starts the emulator, prints one ready line, stops it on SIGINT/SIGTERM. */
export async function serveUntilSignal(options: EmulatorOptions & {host: string; port: number}, out: (line: string) => void): Promise<void> {
  let emulator;
  try {
    emulator = await startHBaseEmulator(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`${options.host}:${options.port} is already in use`, 'stop the other server or pass --port with another port (0 picks a free one)');
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${options.host}:${options.port} (${code})`, 'pass --host with a local address and --port above 1023');
    throw err;
  }
  const where = options.dataDir ? `data dir ${options.dataDir}` : 'in memory';
  const faults = options.failRate ? `, failing ${options.failRate * 100}% of table requests` : '';
  out(`HBase REST emulator ready on ${emulator.url} (${where}${faults}; admin: POST ${emulator.url}/_emulator/down|up)`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`${signal}: stopping the HBase REST emulator\n`);
      emulator.stop().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/** HBase shell's Bytes.toStringBinary: printable ASCII as is, every other byte as \xNN. */
export function toStringBinary(data: Buffer): string {
  let out = '';
  for (const byte of data) out += byte >= 0x20 && byte <= 0x7e && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** UTF-8 text for display when it is text, else toStringBinary. */
export function displayBytes(data: Buffer): string {
  const text = utf8(data);
  // eslint-disable-next-line no-control-regex
  return text !== null && !/[\u0000-\u001f\u007f]/.test(text) ? text : toStringBinary(data);
}

const decoder = new TextDecoder('utf-8', {fatal: true});
function utf8(data: Buffer): string | null {
  try {
    return decoder.decode(data);
  } catch {
    return null;
  }
}

function cellView(cell: HBaseCell): CellView {
  return {column: cell.column, timestamp: cell.timestamp ?? null, value: utf8(cell.value), valueBase64: cell.value.toString('base64')};
}

function rowView(row: HBaseRow): RowView {
  return {key: displayBytes(row.key), keyBase64: row.key.toString('base64'), cells: row.cells.map(cellView)};
}

/** The gateway wants (other) credentials. */
export function unauthorized(url: string): UserError {
  return new UserError(`the HBase REST gateway at ${url} refused our credentials (401 Unauthorized)`, 'give them as --hbase-url https://USER:PASSWORD@HOST:PORT or --hbase-user with KCOLLECT_HBASE_PASSWORD');
}

/** Node's codes for a failed TLS handshake or certificate check. */
export function isTlsError(code: string | undefined): boolean {
  return code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|EPROTO|DEPTH_ZERO|ALTNAME/.test(code);
}

function missingTable(table: string, url: string): UserError {
  return new UserError(`table ${table} does not exist at ${url}`, `create it with \`kcollect hbase create-table ${table} --column-family cf1\``);
}

/** Runs fn on a client of the gateway at `given` (its credentials, if any, never printed: fn gets the URL without them). */
async function withClient<T>(given: string, security: HttpClientSecurity | undefined, table: string, fn: (client: HBaseRestClient, url: string) => Promise<T>): Promise<T> {
  const url = redactUrl(given);
  let client: HBaseRestClient;
  try {
    client = new HBaseRestClient(given, {timeoutMs: 30_000, security});
  } catch {
    throw new UserError(`invalid HBase REST URL: ${url}`, 'pass --hbase-url like http://127.0.0.1:8080');
  }
  try {
    return await fn(client, url);
  } catch (err) {
    if (err instanceof HBaseUnavailableError) {
      if (err.status === undefined) {
        if (isTlsError(err.code)) throw new UserError(`TLS with the HBase REST gateway at ${url} failed: ${err.message.split(': ').slice(1).join(': ')}`, 'check --hbase-ca (the CA that signed the gateway certificate), --hbase-cert and --hbase-key');
        throw new UserError(`cannot reach the HBase REST gateway at ${url}${err.code ? ` (${err.code})` : ''}`, 'start one with `kcollect hbase serve`, or point --hbase-url (KCOLLECT_HBASE_URL) at a running gateway');
      }
      throw new UserError(`the HBase REST gateway at ${url} is unavailable (HTTP ${err.status})`, 'HBase behind the gateway is down or overloaded; try again later');
    }
    if (err instanceof HBaseRequestError && err.status === 401) throw unauthorized(url);
    if (err instanceof HBaseRequestError) {
      if (err.status === 404) throw missingTable(table, url);
      throw new UserError(err.message, 'check the table, row and column names; a real gateway may also refuse (403) when it is read-only');
    }
    throw err;
  } finally {
    client.close();
  }
}
