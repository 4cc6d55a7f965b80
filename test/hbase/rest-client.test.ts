/**
 * The REST client against the emulator, and the emulator's wire format checked with raw HTTP
 * requests shaped like the real gateway's (shared/reference/smartcar-and-hbase.md, B.2-B.5).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {HBaseRequestError, HBaseRestClient, HBaseUnavailableError, retryAfterMs, type HBaseRow} from '../../src/hbase/rest-client.js';
import {startHBaseEmulator, type EmulatorOptions, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {LOG_FILE} from '../../src/hbase/emulator/log.js';
import {tempDir} from '../helpers/broker.js';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function emulator(options: EmulatorOptions = {}): Promise<{emu: HBaseEmulator; client: HBaseRestClient; dataDir: string}> {
  const dataDir = options.dataDir ?? tempDir('hbase');
  const emu = await startHBaseEmulator({...options, dataDir});
  const client = new HBaseRestClient(emu.url);
  stops.push(() => emu.stop(), () => client.close());
  return {emu, client, dataDir};
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const text = (row: HBaseRow | null) => Object.fromEntries((row?.cells ?? []).map((c) => [c.column, c.value.toString()]));

/** A raw request, as another client of the gateway would send it. */
async function raw(url: string, method: string, p: string, body?: string, headers: Record<string, string> = {}): Promise<{status: number; headers: Headers; text: string}> {
  const res = await fetch(url + p, {method, body, headers: {Accept: 'application/json', ...(body !== undefined ? {'Content-Type': 'application/json'} : {}), ...headers}});
  return {status: res.status, headers: res.headers, text: await res.text()};
}

describe('HBase REST client and emulator', () => {
  it('reports versions (/version, /version/cluster) and lists tables (GET /)', async () => {
    const {client, emu} = await emulator();
    const v = await client.version();
    expect(v.rest).toBe('0.0.3');
    expect(v.hbase).toMatch(/^2\.\d+\.\d+$/);
    expect(v.server).toMatch(/emulator/);
    expect(JSON.parse((await raw(emu.url, 'GET', '/version/cluster')).text)).toEqual({Version: v.hbase});
    await client.createTable('b', ['cf']);
    await client.createTable('a', ['cf']);
    expect(await client.listTables()).toEqual(['a', 'b']);
    expect(JSON.parse((await raw(emu.url, 'GET', '/')).text)).toEqual({table: [{name: 'a'}, {name: 'b'}]});
  });

  it('creates, describes and deletes tables with the gateway status codes', async () => {
    const {client, emu} = await emulator();
    expect(await client.tableExists('DriverCarInfo')).toBe(false);
    await client.createTable('DriverCarInfo', ['cf1']);
    expect(await client.tableExists('DriverCarInfo')).toBe(true);
    // Again with one more family: fine, the family is added, the first kept.
    await client.createTable('DriverCarInfo', ['cf1', 'cf2'], {versions: 5});
    const schema = await client.tableSchema('DriverCarInfo');
    expect(schema?.map((f) => [f.name, f.VERSIONS])).toEqual([['cf1', '3'], ['cf2', '5']]);

    const created = await raw(emu.url, 'PUT', '/t2/schema', JSON.stringify({name: 't2', ColumnSchema: [{name: 'cf'}]}));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/\/t2\/schema$/);
    expect((await raw(emu.url, 'PUT', '/t3/schema', JSON.stringify({ColumnSchema: []}))).status).toBe(400);
    expect((await raw(emu.url, 'PUT', '/_bad/schema', JSON.stringify({ColumnSchema: [{name: 'cf'}]}))).status).toBe(400);

    await client.deleteTable('DriverCarInfo');
    expect(await client.tableExists('DriverCarInfo')).toBe(false);
    const missing = await client.deleteTable('DriverCarInfo').catch((e) => e);
    expect(missing).toBeInstanceOf(HBaseRequestError);
    expect(missing.status).toBe(404);
    const notFound = await raw(emu.url, 'GET', '/DriverCarInfo/schema');
    expect(notFound).toMatchObject({status: 404, text: 'Not found\r\n'});
  });

  it('puts many rows in one CellSet and gets rows and cells back', async () => {
    const {client, emu} = await emulator();
    await client.createTable('DriverCarInfo', ['cf1']);
    await client.putRows('DriverCarInfo', [
      {key: Buffer.from('20000010106102-B0002'), cells: [{column: 'cf1:speed', value: Buffer.from('45'), timestamp: 1451606402000}, {column: 'cf1:area_number', value: Buffer.from('C07')}]},
      {key: Buffer.from('40000010106102-K0001'), cells: [{column: 'cf1:speed', value: Buffer.from('80')}]},
    ]);
    const row = await client.getRow('DriverCarInfo', '20000010106102-B0002');
    expect(text(row)).toEqual({'cf1:area_number': 'C07', 'cf1:speed': '45'});
    expect(row!.cells.find((c) => c.column === 'cf1:speed')!.timestamp).toBe(1451606402000);
    // The server stamps cells sent without a timestamp.
    expect(row!.cells.find((c) => c.column === 'cf1:area_number')!.timestamp).toBeGreaterThan(1451606402000);
    expect(text(await client.getRow('DriverCarInfo', '40000010106102-K0001', {column: 'cf1:speed'}))).toEqual({'cf1:speed': '80'});
    expect(await client.getRow('DriverCarInfo', 'no-such-row')).toBeNull();
    expect(await client.getRow('NoSuchTable', 'x')).toBeNull();

    // The JSON a real gateway sends back for that row (reference B.3).
    const got = JSON.parse((await raw(emu.url, 'GET', '/DriverCarInfo/20000010106102-B0002/cf1%3Aspeed')).text);
    expect(got).toEqual({Row: [{key: 'MjAwMDAwMTAxMDYxMDItQjAwMDI=', Cell: [{column: 'Y2YxOnNwZWVk', timestamp: 1451606402000, $: 'NDU='}]}]});

    // A single-cell put whose row and column come from the path (node-hbase's row().put()).
    const single = await raw(emu.url, 'PUT', '/DriverCarInfo/K0001-row/cf1%3Aspeed', JSON.stringify({Row: [{Cell: [{timestamp: 7, $: b64('99')}]}]}));
    expect(single.status).toBe(200);
    expect((await client.getRow('DriverCarInfo', 'K0001-row'))!.cells).toEqual([{column: 'cf1:speed', value: Buffer.from('99'), timestamp: 7}]);
  });

  it('keeps 3 versions per family by default and overwrites a version put at the same timestamp', async () => {
    const {client} = await emulator();
    await client.createTable('t', ['cf']);
    for (const ts of [1000, 2000, 3000, 4000]) await client.putRows('t', [{key: Buffer.from('r'), cells: [{column: 'cf:q', value: Buffer.from(`v${ts}`), timestamp: ts}]}]);
    const versions = async () => (await client.getRow('t', 'r', {versions: 10}))!.cells.map((c) => `${c.timestamp}=${c.value}`);
    expect(await versions()).toEqual(['4000=v4000', '3000=v3000', '2000=v2000']);
    // A retried put (same row, column, timestamp) replaces the version instead of adding one.
    await client.putRows('t', [{key: Buffer.from('r'), cells: [{column: 'cf:q', value: Buffer.from('again'), timestamp: 3000}]}]);
    await client.putRows('t', [{key: Buffer.from('r'), cells: [{column: 'cf:q', value: Buffer.from('again'), timestamp: 3000}]}]);
    expect(await versions()).toEqual(['4000=v4000', '3000=again', '2000=v2000']);
    // A get without ?v= shows the newest only.
    expect((await client.getRow('t', 'r'))!.cells.map((c) => c.timestamp)).toEqual([4000]);

    await client.createTable('one', ['cf'], {versions: 1});
    for (const ts of [1, 2]) await client.putRows('one', [{key: Buffer.from('r'), cells: [{column: 'cf:q', value: Buffer.from(`v${ts}`), timestamp: ts}]}]);
    expect((await client.getRow('one', 'r', {versions: 5}))!.cells.map((c) => c.timestamp)).toEqual([2]);
  });

  it('round-trips keys, columns and values that are not plain text', async () => {
    const {client} = await emulator();
    await client.createTable('t', ['cf']);
    const keys = ['a/b', 'a+b c', 'x*y', 'k,1', '한글-키', Buffer.from([0x00, 0xff, 0x2f])].map((k) => Buffer.from(k));
    await client.putRows('t', keys.map((key, i) => ({key, cells: [{column: 'cf:q/1', value: Buffer.from([i, 0xfe]), timestamp: 1}]})));
    for (const [i, key] of keys.entries()) {
      const row = await client.getRow('t', key);
      expect(row?.key.equals(key), key.toString('hex')).toBe(true);
      expect(row!.cells).toEqual([{column: 'cf:q/1', value: Buffer.from([i, 0xfe]), timestamp: 1}]);
    }
    const scanned: Buffer[] = [];
    for await (const row of client.scan('t')) scanned.push(row.key);
    // Unsigned byte order, as HBase sorts rows.
    expect(scanned.map((k) => k.toString('hex'))).toEqual([...keys].sort(Buffer.compare).map((k) => k.toString('hex')));
  });

  it('scans a range through a scanner, joining rows split across batches', async () => {
    const {client} = await emulator();
    await client.createTable('t', ['cf']);
    const rows = Array.from({length: 25}, (_, i) => ({key: Buffer.from(`row-${String(i).padStart(2, '0')}`), cells: ['a', 'b', 'c'].map((q) => ({column: `cf:${q}`, value: Buffer.from(`${i}${q}`), timestamp: 5}))}));
    await client.putRows('t', rows);
    const all: HBaseRow[] = [];
    // 7 cells per request: most rows straddle two requests.
    for await (const row of client.scan('t', {batch: 7})) all.push(row);
    expect(all.map((r) => r.key.toString())).toEqual(rows.map((r) => r.key.toString()));
    expect(all.every((r) => r.cells.map((c) => c.column).join() === 'cf:a,cf:b,cf:c')).toBe(true);

    const range: string[] = [];
    for await (const row of client.scan('t', {startRow: 'row-05', endRow: 'row-08'})) range.push(row.key.toString());
    expect(range).toEqual(['row-05', 'row-06', 'row-07']);

    const missing = await (async () => {
      for await (const _ of client.scan('nope')) return 'rows';
    })().catch((e) => e);
    expect(missing).toBeInstanceOf(HBaseRequestError);
    expect(missing.status).toBe(404);
  });

  it('serves scanners like the gateway: 201 + Location, cell batches, 204 when exhausted, 404 unknown', async () => {
    const {client, emu} = await emulator();
    await client.createTable('t', ['cf']);
    await client.putRows('t', ['r1', 'r2'].map((k) => ({key: Buffer.from(k), cells: ['a', 'b', 'c'].map((q) => ({column: `cf:${q}`, value: Buffer.from(q), timestamp: 1}))})));
    const created = await raw(emu.url, 'PUT', '/t/scanner', JSON.stringify({batch: 4, startRow: b64('r1')}));
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${emu.url}/t/scanner/\\w+$`));
    const scannerPath = new URL(location).pathname;
    const first = JSON.parse((await raw(emu.url, 'GET', scannerPath)).text);
    // batch 4: all of r1 and the first cell of r2.
    expect(first.Row.map((r: {key: string; Cell: unknown[]}) => [Buffer.from(r.key, 'base64').toString(), r.Cell.length])).toEqual([['r1', 3], ['r2', 1]]);
    const second = JSON.parse((await raw(emu.url, 'GET', scannerPath)).text);
    expect(second.Row.map((r: {key: string; Cell: unknown[]}) => [Buffer.from(r.key, 'base64').toString(), r.Cell.length])).toEqual([['r2', 2]]);
    expect((await raw(emu.url, 'GET', scannerPath)).status).toBe(204);
    expect((await raw(emu.url, 'DELETE', scannerPath)).status).toBe(200);
    expect((await raw(emu.url, 'GET', scannerPath)).status).toBe(404);
    expect((await raw(emu.url, 'PUT', '/nope/scanner', JSON.stringify({batch: 1}))).status).toBe(404);
  });

  it('checks and puts: applied (200) or not (304), with the gateway rules on the check cell', async () => {
    const {client, emu} = await emulator();
    await client.createTable('t', ['cf']);
    const put = (v: string) => [{column: 'cf:state', value: Buffer.from(v)}];
    expect(await client.checkAndPut('t', 'r', put('new'), {column: 'cf:state', value: null})).toBe(true);
    expect(await client.checkAndPut('t', 'r', put('other'), {column: 'cf:state', value: null})).toBe(false);
    expect(await client.checkAndPut('t', 'r', put('done'), {column: 'cf:state', value: 'wrong'})).toBe(false);
    expect(text(await client.getRow('t', 'r'))).toEqual({'cf:state': 'new'});
    expect(await client.checkAndPut('t', 'r', put('done'), {column: 'cf:state', value: 'new'})).toBe(true);
    expect(text(await client.getRow('t', 'r'))).toEqual({'cf:state': 'done'});
    await expect(client.checkAndPut('t', 'r', put('x'), {column: 'cf:other', value: null})).rejects.toThrow(/must be among the cells put/);

    const body = (cells: Array<[string, string]>) => JSON.stringify({Row: [{key: b64('r'), Cell: cells.map(([c, v]) => ({column: b64(c), $: b64(v)}))}]});
    expect((await raw(emu.url, 'PUT', '/t/r?check=put', body([['cf:a', '1'], ['cf:state', 'done']]))).status).toBe(400);
    expect((await raw(emu.url, 'PUT', '/t/r?check=put', body([['cf:state', 'done']]))).status).toBe(400);
    expect((await raw(emu.url, 'PUT', '/t/r?check=bogus', body([['cf:state', 'x'], ['cf:state', 'done']]))).status).toBe(400);
    expect((await raw(emu.url, 'PUT', '/t/r?check=put', body([['cf:state', 'x'], ['cf:state', 'done']]))).status).toBe(200);
  });

  it('answers bad requests with the gateway codes: 404 table or family, 400 column or JSON, 413, 415', async () => {
    const {client, emu} = await emulator({maxBodyBytes: 4096});
    await client.createTable('t', ['cf']);
    const put = (table: string, column: string) => client.putRows(table, [{key: Buffer.from('r'), cells: [{column, value: Buffer.from('v')}]}]).catch((e) => e);
    for (const [err, status] of [[await put('nope', 'cf:q'), 404], [await put('t', 'other:q'), 404], [await put('t', 'no-colon'), 400]] as const) {
      expect(err).toBeInstanceOf(HBaseRequestError);
      expect(err.status).toBe(status);
    }
    const badJson = await raw(emu.url, 'PUT', '/t/fakerow', '{"Row": [');
    expect(badJson.status).toBe(400);
    expect(badJson.text).toMatch(/^Bad request\r\n/);
    expect((await raw(emu.url, 'PUT', '/t/fakerow', JSON.stringify({rows: []}))).status).toBe(400);
    expect((await raw(emu.url, 'PUT', '/t/fakerow', '<CellSet/>', {'Content-Type': 'text/xml'})).status).toBe(415);
    expect((await raw(emu.url, 'GET', '/t/r', undefined, {Accept: 'text/xml'})).status).toBe(406);

    const big = await client.putRows('t', [{key: Buffer.from('big'), cells: [{column: 'cf:q', value: Buffer.alloc(8192, 1)}]}]).catch((e) => e);
    expect(big).toBeInstanceOf(HBaseRequestError);
    expect(big.status).toBe(413);
    expect(await client.getRow('t', 'big')).toBeNull();

    // The emulator checks a whole batch before it applies any of it.
    const mixed = await client.putRows('t', [{key: Buffer.from('ok'), cells: [{column: 'cf:q', value: Buffer.from('v')}]}, {key: Buffer.from('bad'), cells: [{column: 'other:q', value: Buffer.from('v')}]}]).catch((e) => e);
    expect(mixed.status).toBe(404);
    expect(await client.getRow('t', 'ok')).toBeNull();
  });

  it('reports cluster status in the gateway shape', async () => {
    const {client, emu} = await emulator();
    await client.createTable('DriverCarInfo', ['cf1']);
    const status = JSON.parse((await raw(emu.url, 'GET', '/status/cluster')).text);
    expect(status).toMatchObject({regions: 1, DeadNodes: [], LiveNodes: [{name: `127.0.0.1:${emu.port}`, Region: [{stores: 1}]}]});
    expect(Buffer.from(status.LiveNodes[0].Region[0].name, 'base64').toString()).toMatch(/^DriverCarInfo,,/);
    expect(typeof status.requests).toBe('number');
  });

  it('keeps tables, rows and versions across a stop and start, ignoring a torn last log line', async () => {
    const dataDir = tempDir('hbase');
    const first = await startHBaseEmulator({dataDir});
    const c1 = new HBaseRestClient(first.url);
    await c1.createTable('t', ['cf']);
    await c1.createTable('gone', ['cf']);
    await c1.deleteTable('gone');
    for (const ts of [1, 2]) await c1.putRows('t', [{key: Buffer.from('r'), cells: [{column: 'cf:q', value: Buffer.from(`v${ts}`), timestamp: ts}]}]);
    c1.close();
    await first.stop();
    // A crash in the middle of a write leaves half a line; it was never acknowledged.
    fs.appendFileSync(path.join(dataDir, LOG_FILE), '{"op":"put","table":"t","cel');

    const {client, emu: second} = await emulator({dataDir});
    expect(await client.listTables()).toEqual(['t']);
    expect((await client.getRow('t', 'r', {versions: 3}))!.cells.map((c) => c.value.toString())).toEqual(['v2', 'v1']);
    await client.putRows('t', [{key: Buffer.from('r2'), cells: [{column: 'cf:q', value: Buffer.from('after'), timestamp: 3}]}]);
    await second.stop();

    const {client: again} = await emulator({dataDir});
    expect(text(await again.getRow('t', 'r2'))).toEqual({'cf:q': 'after'});
  });

  it('acknowledges puts sent side by side each once logged, and a check=put after them sees them all', async () => {
    const dataDir = tempDir('hbase');
    const first = await startHBaseEmulator({dataDir});
    const c1 = new HBaseRestClient(first.url);
    await c1.createTable('t', ['cf']);
    const put = (key: string, value: string) => c1.putRows('t', [{key: Buffer.from(key), cells: [{column: 'cf:q', value: Buffer.from(value), timestamp: 1}]}]);
    // 16 connections' worth of puts at once: they share the log's syncs.
    await Promise.all(Array.from({length: 200}, (_, i) => put(`r${i}`, `v${i}`)));
    await Promise.all([put('last', 'a'), put('r7', 'changed')]);
    expect(await c1.checkAndPut('t', 'r7', [{column: 'cf:q', value: Buffer.from('checked')}], {column: 'cf:q', value: 'changed'})).toBe(true);
    c1.close();
    await first.stop();

    const {client} = await emulator({dataDir});
    const rows = new Map<string, string>();
    for await (const row of client.scan('t')) rows.set(row.key.toString(), row.cells[0].value.toString());
    expect(rows.size).toBe(201);
    expect(rows.get('r7')).toBe('checked');
    expect(rows.get('r199')).toBe('v199');
    expect(rows.get('last')).toBe('a');
  });

  it('compacts a large log on start without changing what it holds', async () => {
    const dataDir = tempDir('hbase');
    const first = await startHBaseEmulator({dataDir});
    const c1 = new HBaseRestClient(first.url);
    await c1.createTable('t', ['cf']);
    // 20 versions of one cell: the family keeps 3, the log holds all 20 puts.
    for (let ts = 1; ts <= 20; ts++) await c1.putRows('t', [{key: Buffer.from('r'), cells: [{column: 'cf:q', value: Buffer.from(`v${ts}`), timestamp: ts}]}]);
    c1.close();
    await first.stop();
    const logFile = path.join(dataDir, LOG_FILE);
    const before = fs.statSync(logFile).size;

    const {client} = await emulator({dataDir, compactLogAboveBytes: 100});
    expect(fs.statSync(logFile).size).toBeLessThan(before / 4);
    expect((await client.getRow('t', 'r', {versions: 5}))!.cells.map((c) => c.timestamp)).toEqual([20, 19, 18]);
  });

  it('fails a share of table requests with 503 (fail rate), seen as HBaseUnavailableError', async () => {
    const {client, emu} = await emulator({failRate: 1});
    const err = await client.createTable('t', ['cf']).catch((e) => e);
    expect(err).toBeInstanceOf(HBaseUnavailableError);
    expect(err.status).toBe(503);
    // Only table requests fail: the version probe still answers.
    expect((await client.version()).rest).toBe('0.0.3');
    emu.setFailRate(0);
    await client.createTable('t', ['cf']);
    const switched = await raw(emu.url, 'POST', '/_emulator/fail-rate?rate=1');
    expect(JSON.parse(switched.text)).toMatchObject({failRate: 1});
    await expect(client.getRow('t', 'r')).rejects.toBeInstanceOf(HBaseUnavailableError);
  });

  it('goes down and comes back through the admin endpoints (503 or reset connections)', async () => {
    const {client, emu} = await emulator();
    await client.createTable('t', ['cf']);
    const row = {key: Buffer.from('r'), cells: [{column: 'cf:q', value: Buffer.from('v'), timestamp: 1}]};

    expect((await raw(emu.url, 'POST', '/_emulator/down')).status).toBe(200);
    const down = await client.putRows('t', [row]).catch((e) => e);
    expect(down).toBeInstanceOf(HBaseUnavailableError);
    expect(down.status).toBe(503);
    await expect(client.version()).rejects.toBeInstanceOf(HBaseUnavailableError);
    expect(JSON.parse((await raw(emu.url, 'GET', '/_emulator/status')).text)).toEqual({down: true, mode: '503', failRate: 0});

    await raw(emu.url, 'POST', '/_emulator/down?mode=reset');
    const reset = await client.putRows('t', [row]).catch((e) => e);
    expect(reset).toBeInstanceOf(HBaseUnavailableError);
    expect(reset.code).toBe('ECONNRESET');

    await raw(emu.url, 'POST', '/_emulator/up');
    await client.putRows('t', [row]);
    expect(text(await client.getRow('t', 'r'))).toEqual({'cf:q': 'v'});

    await emu.stop();
    const refused = await client.getRow('t', 'r').catch((e) => e);
    expect(refused).toBeInstanceOf(HBaseUnavailableError);
    expect(refused.code).toBe('ECONNREFUSED');
  });

  it('gives up on a gateway that accepts but never answers (timeout: unavailable)', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    stops.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const client = new HBaseRestClient(`http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, {timeoutMs: 200});
    stops.push(() => client.close());
    const err = await client.getRow('t', 'r').catch((e) => e);
    expect(err).toBeInstanceOf(HBaseUnavailableError);
    expect(err.code).toBe('ETIMEDOUT');
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates (a past one: no wait); anything else is no ask', () => {
    const now = Date.parse('Fri, 01 Jan 2016 00:00:00 GMT');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Fri, 01 Jan 2016 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 31 Dec 2015 23:00:00 GMT', now)).toBe(0);
    for (const bad of [undefined, '', '-5', '1.5', 'soon']) expect(retryAfterMs(bad, now)).toBeUndefined();
  });
});
